import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { initiativeProgress, milestoneDue, type InitiativeEntity } from '../../src/scorecards/initiative.ts';
import type { InitiativeSpec } from '../../src/scorecards/types.ts';
import { api, component } from '../fixtures/entities.ts';

const levels = ['bronze', 'silver', 'gold'];
const startedAt = new Date('2026-12-01T00:00:00Z');
const deadline = '2027-03-01T00:00:00Z'; // 90 days after the start
const day = (n: number) => new Date(startedAt.getTime() + n * 24 * 60 * 60 * 1000);

/** An entity's scorecard result at a level, with has-docs passing or not. */
function scored(entity: Entity, owner: string, level: string, hasDocs = true): InitiativeEntity {
  return {
    entity,
    owner,
    result: { scorecard: 'platform/production-readiness', level, score: 50, failing: [], evaluatedAt: startedAt.toISOString() },
    rules: [{ rule: 'has-docs', level: 'silver', passed: hasDocs }],
  };
}

const spec: InitiativeSpec = { scorecard: 'production-readiness', targetLevel: 'silver', deadline };

// Half of the four are at silver or above.
const half = [
  scored(component('orders', {}, 'shop'), 'group:shop/team-a', 'gold'),
  scored(component('carts', {}, 'shop'), 'team-a', 'silver'),
  scored(component('payments', {}, 'shop'), 'team-b', 'bronze', false),
  scored(component('search', {}, 'shop'), 'team-b', '', false),
];

describe('following an initiative', () => {
  it('when half the entities are at or above the target level, then progress counts them per owner and lists who is behind', () => {
    const progress = initiativeProgress(spec, levels, half, day(10), startedAt);
    expect(progress).toEqual({
      atTarget: 2,
      total: 4,
      ratio: 0.5,
      byOwner: [
        { owner: 'group:shop/team-a', atTarget: 2, total: 2 },
        { owner: 'group:shop/team-b', atTarget: 0, total: 2 },
      ],
      behind: ['component:shop/payments', 'component:shop/search'],
      phase: 'OnTrack',
    });
  });

  it('when the clock moves on without progress, then the phase goes OnTrack → AtRisk → Missed', () => {
    const phase = (at: Date) => initiativeProgress(spec, levels, half, at, startedAt).phase;
    expect(phase(day(10))).toBe('OnTrack');
    // 50 of 90 days gone: the straight line expects 56 %, 50 % is within 10 points.
    expect(phase(day(50))).toBe('OnTrack');
    // 60 of 90 days: the line expects 67 %, 50 % trails by more than 10 points.
    expect(phase(day(60))).toBe('AtRisk');
    expect(phase(new Date(deadline))).toBe('Missed');
  });

  it('when the deadline is less than two weeks away, then the initiative is at risk even when ahead of the line', () => {
    const lateStart = new Date('2027-02-09T00:00:00Z'); // 20 days before the deadline
    const mostly = [...half.slice(0, 2), scored(component('payments', {}, 'shop'), 'team-b', 'gold'), half[3]!];
    expect(initiativeProgress(spec, levels, mostly, new Date('2027-02-10T00:00:00Z'), lateStart).phase).toBe('OnTrack');
    expect(initiativeProgress(spec, levels, mostly, new Date('2027-02-16T00:00:00Z'), lateStart).phase).toBe('AtRisk');
  });

  it('when every entity reaches the target, then the initiative is Achieved, even after the deadline', () => {
    const all = half.map((r) => ({ ...r, result: { ...r.result, level: 'gold' } }));
    const progress = initiativeProgress(spec, levels, all, day(120), startedAt);
    expect(progress).toMatchObject({ atTarget: 4, total: 4, ratio: 1, behind: [], phase: 'Achieved' });
  });

  it('when the target is a set of rules, then an entity is at target when they pass, whatever its level', () => {
    const byRules = { ...spec, targetLevel: undefined, rules: ['has-docs'] };
    const progress = initiativeProgress(byRules, levels, half, day(10), startedAt);
    expect(progress.behind).toEqual(['component:shop/payments', 'component:shop/search']);
    const missingRule = initiativeProgress({ ...byRules, rules: ['has-docs', 'has-runbook'] }, levels, half, day(10), startedAt);
    expect(missingRule.atTarget).toBe(0);
  });

  it('when the initiative names owners and a selector, then only those entities count, owners compared as resolved refs', () => {
    const mixed = [...half, scored(api('orders-api', {}, 'shop'), 'team-a', ''), scored(component('legacy', {}, 'other'), 'team-a', '')];
    const scoped = { ...spec, owners: ['Group:shop/Team-A'], selector: { kinds: ['component'] } };
    const progress = initiativeProgress(scoped, levels, mixed, day(10), startedAt);
    expect(progress).toMatchObject({ atTarget: 2, total: 2, phase: 'Achieved' });
    // A bare name means the team of that name in each entity's own namespace.
    const bare = initiativeProgress({ ...spec, owners: ['team-a'] }, levels, mixed, day(10), startedAt);
    expect(bare.byOwner).toEqual([
      { owner: 'group:other/team-a', atTarget: 0, total: 1 },
      { owner: 'group:shop/team-a', atTarget: 2, total: 3 },
    ]);
  });

  it('when the target level is not one of the scorecard levels, then nobody reaches it', () => {
    expect(initiativeProgress({ ...spec, targetLevel: 'platinum' }, levels, half, day(10), startedAt).atTarget).toBe(0);
  });
});

describe('initiative reminders', () => {
  it('when the clock walks up to and past the deadline, then each milestone is due exactly once, in order', () => {
    const sent: string[] = [];
    let last: string | undefined;
    for (let hours = -40 * 24; hours <= 3 * 24; hours += 6) {
      const due = milestoneDue(deadline, new Date(Date.parse(deadline) + hours * 60 * 60 * 1000), last);
      if (due) sent.push((last = due));
    }
    expect(sent).toEqual(['30d', '14d', '7d', '1d', '0d']);
  });

  it('when no milestone is reached yet, then none is due', () => {
    expect(milestoneDue(deadline, new Date('2027-01-15T00:00:00Z'))).toBeUndefined();
    expect(milestoneDue(deadline, new Date('2027-01-30T00:00:00Z'))).toBe('30d');
  });

  it('when the operator was away over several milestones, then only the newest reached is due', () => {
    expect(milestoneDue(deadline, new Date('2027-02-25T00:00:00Z'), '30d')).toBe('7d');
    expect(milestoneDue(deadline, new Date('2027-02-25T00:00:00Z'), '7d')).toBeUndefined();
  });
});
