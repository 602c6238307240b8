import { describe, expect, it } from '@jest/globals';
import { MAX_RELATIONS_PER_TYPE, decideStatus, statusUpToDate, type ResolvedView } from '../../src/controllers/catalog/decide.ts';
import { component } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00.000Z');
const later = new Date('2026-11-24T11:00:00.000Z');
const clean: ResolvedView = { relations: [{ type: 'ownedBy', target: 'group:default/team-a' }], dangling: [], unparsable: [], cycles: [] };

function condition(status: ReturnType<typeof decideStatus>, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

describe('deciding an entity status', () => {
  it('when every reference resolves, then Ready is True and relations are written', () => {
    const status = decideStatus(component('c'), clean, now);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True', reason: 'Resolved', lastTransitionTime: '2026-11-24T10:00:00Z' });
    expect(condition(status, 'ReferencesResolved')).toMatchObject({ status: 'True', reason: 'AllReferencesResolved' });
    expect(status.relations).toEqual(clean.relations);
  });

  it('when a Component names a missing owner, then Ready is False with reason DanglingReference naming the target', () => {
    const view = { ...clean, relations: [], dangling: [{ path: 'spec.owner', target: 'group:default/ghosts' }] };
    const status = decideStatus(component('c', { owner: 'ghosts' }), view, now);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'DanglingReference' });
    expect(condition(status, 'ReferencesResolved')?.message).toBe('spec.owner: group:default/ghosts does not exist');
  });

  it('when the entity is on a dependsOn loop, then Acyclic and Ready are False with reason DependencyCycle', () => {
    const view = { ...clean, cycles: [{ family: 'dependsOn' as const, members: ['component:default/a', 'component:default/b'] }] };
    const status = decideStatus(component('a'), view, now);
    expect(condition(status, 'Acyclic')).toMatchObject({ status: 'False', reason: 'DependencyCycle' });
    expect(condition(status, 'Ready')?.message).toBe('dependsOn loop among component:default/a, component:default/b');
  });

  it('when a condition keeps its status, then its lastTransitionTime is kept; when it flips, then it moves', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, clean, now);
    const again = decideStatus(entity, clean, later);
    expect(condition(again, 'Ready')?.lastTransitionTime).toBe('2026-11-24T10:00:00Z');
    expect(statusUpToDate(entity.status, again)).toBe(true);
    const broken = decideStatus(entity, { ...clean, dangling: [{ path: 'spec.owner', target: 'group:default/x' }] }, later);
    expect(condition(broken, 'Ready')?.lastTransitionTime).toBe('2026-11-24T11:00:00Z');
    expect(statusUpToDate(entity.status, broken)).toBe(false);
  });

  it('when an entity has more relations of one type than the cap, then status keeps the cap and the full count', () => {
    const many = Array.from({ length: MAX_RELATIONS_PER_TYPE + 5 }, (_, i) => ({ type: 'ownerOf', target: `component:default/c${String(i).padStart(4, '0')}` }));
    const status = decideStatus(component('g'), { ...clean, relations: many }, now);
    expect(status.relations).toHaveLength(MAX_RELATIONS_PER_TYPE);
    expect(status.truncatedRelations).toEqual([{ type: 'ownerOf', total: MAX_RELATIONS_PER_TYPE + 5 }]);
  });

  it('when the generation changes, then observedGeneration follows and the status needs a write', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, clean, now);
    entity.generation += 1;
    const next = decideStatus(entity, clean, now);
    expect(next.observedGeneration).toBe(entity.generation);
    expect(statusUpToDate(entity.status, next)).toBe(false);
  });
});
