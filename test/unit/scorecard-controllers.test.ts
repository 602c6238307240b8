import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { scorecardControllers, SCORECARD_FIELD_MANAGER } from '../../src/controllers/scorecard/controller.ts';
import type { ScorecardObject } from '../../src/scorecards/store.ts';
import { component } from '../fixtures/entities.ts';
import { fakeContext, until } from '../support/fake-context.ts';

// The three scorecard controllers (entity scores, scorecard summaries, initiatives) as a
// replica runs them, over a fake context and a real catalog graph; rules run in the real
// rule pool (CEL in worker threads).
const readiness: ScorecardObject = {
  metadata: { name: 'readiness', namespace: 'shop', uid: 'sc-1', generation: 1 },
  spec: {
    title: 'Readiness',
    selector: { kinds: ['Component'] },
    levels: [{ name: 'bronze' }, { name: 'silver' }],
    rules: [
      { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
      { name: 'production', level: 'silver', expression: "self.spec.lifecycle == 'production'" },
    ],
  },
} as ScorecardObject;

type Scores = { scorecards: { scorecard: string; level: string }[] };

/** An entity the catalog has described (scores are written only then: rules read its status). */
const described = (spec: Record<string, unknown>, resourceVersion: string) => ({
  ...component('orders', spec, 'shop'),
  resourceVersion,
  status: { observedGeneration: 1 },
});

function harness() {
  const context = fakeContext();
  const graph = new CatalogGraph();
  graph.upsert(described({ owner: 'team-orders', lifecycle: 'experimental' }, '1'));
  const scorecards = scorecardControllers(context, { graph, clusterScorecardNamespaces: [], concurrency: 2, ruleWorkers: 1 });
  const levelsOf = (name: string) =>
    context.writes
      .filter((w) => w.name === name && w.fieldManager === SCORECARD_FIELD_MANAGER)
      .map((w) => (w.status as Scores).scorecards[0]?.level);
  const summaries = () =>
    context.writes
      .filter((w) => w.kind === 'Scorecard')
      .map((w) => w.status as { entities: number; levels: { name: string; count: number }[] });
  return { context, graph, scorecards, levelsOf, summaries };
}

describe('the scorecard controllers', () => {
  it('when the catalog is built, then every selected entity is scored before the Scorecard is summarised over them', async () => {
    const { context, scorecards, levelsOf, summaries } = harness();
    context.source<ScorecardObject>('scorecard').upsert(readiness);
    try {
      await scorecards.start(Promise.resolve());
      await until('the score and the summary to be written', () => summaries().length > 0 && levelsOf('orders').length > 0);
      expect(levelsOf('orders')).toEqual(['bronze']);
      expect(summaries()[0]).toMatchObject({ entities: 1, levels: expect.arrayContaining([{ name: 'bronze', count: 1 }]) });
      expect(scorecards.hasSynced()).toBe(true);
    } finally {
      await scorecards.stop();
    }
  }, 30_000);

  it('when the catalog says an entity changed, then it is scored again and its new level written', async () => {
    const { context, graph, scorecards, levelsOf } = harness();
    context.source<ScorecardObject>('scorecard').upsert(readiness);
    try {
      await scorecards.start(Promise.resolve());
      await until('the first score', () => levelsOf('orders').length === 1);
      graph.upsert(described({ owner: 'team-orders', lifecycle: 'production' }, '2'));
      scorecards.entityChanged('component:shop/orders');
      // (The fake writes do not come back into the graph as the informer's would, so the first level may be written more than once.)
      await until('the new level', () => levelsOf('orders').includes('silver'));
      expect(levelsOf('orders')[0]).toBe('bronze');
      expect(levelsOf('orders').at(-1)).toBe('silver');
    } finally {
      await scorecards.stop();
    }
  }, 30_000);

  it('when the replica is a follower, then nothing is scored or written', async () => {
    const { context, scorecards } = harness();
    context.leader = false;
    context.source<ScorecardObject>('scorecard').upsert(readiness);
    try {
      await scorecards.start(Promise.resolve());
      scorecards.entityChanged('component:shop/orders');
      await new Promise((r) => setTimeout(r, 200));
      expect(context.writes).toEqual([]);
    } finally {
      await scorecards.stop();
    }
  }, 30_000);
});
