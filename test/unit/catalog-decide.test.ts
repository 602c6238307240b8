import { describe, expect, it } from '@jest/globals';
import { MAX_RELATIONS_PER_TYPE, decideStatus, statusUpToDate, type ResolvedView } from '../../src/controllers/catalog/decide.ts';
import { MAX_MESSAGE_LENGTH } from '../../src/controllers/conditions.ts';
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

  it("when another controller added a condition of its own (an API's DefinitionResolved), then the catalog still sees its status as up to date", () => {
    const entity = component('d');
    entity.status = decideStatus(entity, clean, now);
    const theirs = {
      type: 'DefinitionResolved',
      status: 'True' as const,
      lastTransitionTime: '2026-11-24T10:00:00Z',
      reason: 'Described',
      message: 'OpenAPI 3.0.3',
    };
    entity.status = { ...entity.status, conditions: [...entity.status.conditions!, theirs] };
    expect(statusUpToDate(entity.status, decideStatus(entity, clean, later))).toBe(true);
  });

  it('when an entity has more relations of one type than the cap, then status keeps the cap and the full count', () => {
    const many = Array.from({ length: MAX_RELATIONS_PER_TYPE + 5 }, (_, i) => ({
      type: 'ownerOf',
      target: `component:default/c${String(i).padStart(4, '0')}`,
    }));
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

  it('when a Component names a thousand missing targets, then the message names the first ones and ends with "… and N more" within the limit', () => {
    const dangling = Array.from({ length: 1000 }, (_, i) => ({
      path: `spec.dependsOn[${i}]`,
      target: `component:default/missing-${String(i).padStart(4, '0')}`,
    }));
    const status = decideStatus(component('c'), { ...clean, relations: [], dangling }, now);
    const message = condition(status, 'ReferencesResolved')?.message ?? '';
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(message).toMatch(/^spec\.dependsOn\[0\]: component:default\/missing-0000 does not exist; /);
    const shown = message.split('; ').filter((part) => part.endsWith('does not exist')).length;
    expect(message.endsWith(`; … and ${1000 - shown} more`)).toBe(true);
    expect(condition(status, 'Ready')?.message).toBe(message);
  });

  it('when a few targets are missing, then the message lists every one without a count', () => {
    const dangling = ['a', 'b', 'c'].map((name, i) => ({ path: `spec.dependsOn[${i}]`, target: `component:default/${name}` }));
    const message = condition(decideStatus(component('c'), { ...clean, relations: [], dangling }, now), 'ReferencesResolved')?.message;
    expect(message).toBe(
      'spec.dependsOn[0]: component:default/a does not exist; spec.dependsOn[1]: component:default/b does not exist; spec.dependsOn[2]: component:default/c does not exist',
    );
  });

  it('when the stored status is absent, then the decided status needs a write', () => {
    expect(statusUpToDate(undefined, decideStatus(component('c'), clean, now))).toBe(false);
  });

  it('when the stored conditions come back in another order, then the status is up to date', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, clean, now);
    const reordered = { ...entity.status, conditions: [...(entity.status.conditions ?? [])].reverse() };
    expect(statusUpToDate(reordered, decideStatus(entity, clean, later))).toBe(true);
  });

  it('when the stored status leaves out an empty relations list, then the status is up to date', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, { ...clean, relations: [] }, now);
    expect(entity.status.relations).toEqual([]);
    const { relations: _, ...stored } = entity.status;
    expect(statusUpToDate(stored, decideStatus(entity, { ...clean, relations: [] }, later))).toBe(true);
  });

  it('when the stored status also holds scorecard results, then they do not count as a change', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, clean, now);
    const stored = {
      ...entity.status,
      scorecards: [{ scorecard: 'default/prod', level: 'gold', score: 100, evaluatedAt: '2026-11-24T10:00:00Z' }],
    };
    expect(statusUpToDate(stored, decideStatus(entity, clean, later))).toBe(true);
  });

  it('when a relation or a truncated count changes, then the status needs a write', () => {
    const entity = component('c');
    entity.status = decideStatus(entity, clean, now);
    const moved = { ...clean, relations: [{ type: 'ownedBy', target: 'group:default/team-b' }] };
    expect(statusUpToDate(entity.status, decideStatus(entity, moved, now))).toBe(false);
    expect(
      statusUpToDate({ ...entity.status, truncatedRelations: [{ type: 'ownerOf', total: 101 }] }, decideStatus(entity, clean, now)),
    ).toBe(false);
  });
});
