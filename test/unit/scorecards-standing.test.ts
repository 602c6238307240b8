import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { findScorecard, resultsOf, standing } from '../../src/scorecards/standing.ts';
import type { InitiativeObject, ScorecardObject, ScorecardStore } from '../../src/scorecards/store.ts';
import type { InitiativeSpec } from '../../src/scorecards/types.ts';
import { component } from '../fixtures/entities.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
const KEY = 'default/readiness';

function scorecard(name = 'readiness', namespace = 'default', invalidRules: string[] = []): ScorecardObject {
  return {
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: {
      levels: [{ name: 'bronze' }, { name: 'silver' }, { name: 'gold' }],
      rules: [
        { name: 'has-owner', level: 'bronze', expression: 'has(self.spec.owner)' },
        { name: 'has-docs', level: 'silver', expression: 'has(self.spec.docs)' },
      ],
    },
    status: { invalidRules: invalidRules.map((rule) => ({ rule, message: 'does not compile' })) },
  };
}

/** A result as an entity's status holds it, where `failing` may be absent. */
type StatusResult = Omit<NonNullable<NonNullable<Entity['status']>['scorecards']>[number], 'evaluatedAt'>;

/** An entity with results from the given scorecards. */
function scored(entity: Entity, ...results: StatusResult[]): Entity {
  return { ...entity, status: { scorecards: results.map((r) => ({ ...r, evaluatedAt: '2026-10-31T00:00:00Z' })) } };
}

const passing = (level: string): StatusResult => ({ scorecard: KEY, level, score: 100, failing: [] });
const noDocs: StatusResult = {
  scorecard: KEY,
  level: 'bronze',
  score: 50,
  failing: [{ rule: 'has-docs', level: 'silver', message: 'no docs' }],
};

function catalog(...entities: Entity[]): CatalogGraph {
  const graph = new CatalogGraph();
  for (const e of entities) graph.upsert(e);
  return graph;
}

function initiative(spec: Partial<InitiativeSpec>, startedAt?: string): InitiativeObject {
  return {
    metadata: { name: 'docs-everywhere', namespace: 'default', uid: 'uid-i', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { scorecard: 'readiness', deadline: '2026-12-31T00:00:00Z', ...spec },
    ...(startedAt ? { status: { startedAt } } : {}),
  };
}

const storeOf = (...scorecards: ScorecardObject[]): ScorecardStore => ({ scorecards: () => scorecards, initiatives: () => [] });

describe('results as the entities tell them', () => {
  it('when entities hold results from several scorecards, then only this one is read, with no failing list read as none', () => {
    const graph = catalog(
      scored(component('orders'), noDocs, { scorecard: 'other/security', level: 'gold', score: 100, failing: [] }),
      scored(component('web'), { scorecard: KEY, level: 'gold', score: 100 }),
      scored(component('batch'), { scorecard: 'other/security', level: 'bronze', score: 10, failing: [] }),
      component('unscored'),
    );
    const results = resultsOf(graph, KEY);
    expect(results.map(({ entity, result }) => [entity.name, result.level, result.failing.length]).sort()).toEqual([
      ['orders', 'bronze', 1],
      ['web', 'gold', 0],
    ]);
  });

  it('when scorecards of one name are in two namespaces, then the key finds the one in its namespace, and an unknown key none', () => {
    const store = storeOf(scorecard('readiness', 'other'), scorecard('readiness', 'default'));
    expect(findScorecard(store, KEY)?.metadata.namespace).toBe('default');
    expect(findScorecard(store, 'default/missing')).toBeUndefined();
  });
});

describe('where an initiative stands', () => {
  it('when one of two entities fails the rule the initiative asks for, then half are at target and the other is behind', () => {
    const graph = catalog(scored(component('orders'), noDocs), scored(component('web'), passing('silver')));
    const { scorecard: found, progress } = standing(storeOf(scorecard()), graph, initiative({ rules: ['has-docs'] }), NOW);
    expect(found?.metadata.name).toBe('readiness');
    expect(progress).toMatchObject({
      atTarget: 1,
      total: 2,
      ratio: 0.5,
      byOwner: [{ owner: 'group:default/team-a', atTarget: 1, total: 2 }],
      behind: ['component:default/orders'],
    });
  });

  it('when the rule the initiative asks for does not compile, then no entity counts as passing it', () => {
    const graph = catalog(scored(component('web'), passing('silver')));
    const store = storeOf(scorecard('readiness', 'default', ['has-docs']));
    const { progress } = standing(store, graph, initiative({ rules: ['has-docs'] }), NOW);
    expect(progress).toMatchObject({ atTarget: 0, total: 1, behind: ['component:default/web'] });
  });

  it('when the scorecard does not exist, then there is none, and no entity reaches a level it cannot name', () => {
    const graph = catalog(scored(component('web'), passing('gold')));
    const { scorecard: found, progress } = standing(storeOf(), graph, initiative({ targetLevel: 'silver' }), NOW);
    expect(found).toBeUndefined();
    expect(progress).toMatchObject({ atTarget: 0, total: 1, behind: ['component:default/web'] });
  });

  it('when the initiative records no start, then its pace is measured from its creation; a recorded start wins', () => {
    // Half at target, ten months into a twelve-month initiative: well behind the straight line.
    const graph = catalog(scored(component('orders'), noDocs), scored(component('web'), passing('silver')));
    const store = storeOf(scorecard());
    expect(standing(store, graph, initiative({ targetLevel: 'silver' }), NOW).progress.phase).toBe('AtRisk');
    expect(standing(store, graph, initiative({ targetLevel: 'silver' }, '2026-10-25T00:00:00Z'), NOW).progress.phase).toBe('OnTrack');
  });
});
