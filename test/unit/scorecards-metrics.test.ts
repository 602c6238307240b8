import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { registerScorecardMetrics } from '../../src/controllers/scorecard/metrics.ts';
import { ScoreBook } from '../../src/controllers/scorecard/scores.ts';
import type { ScorecardObject } from '../../src/scorecards/store.ts';
import { NO_FACTS } from '../fixtures/scorecards.ts';
import { component } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00Z');

const readiness = (
  rules = [
    { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
    { name: 'production', level: 'silver', expression: "self.spec.lifecycle == 'production'" },
  ],
): ScorecardObject => ({
  metadata: { name: 'readiness', namespace: 'platform', uid: 'uid-sc', generation: rules.length },
  spec: { levels: [{ name: 'bronze' }, { name: 'silver' }], rules },
});

/** Scored entities in two namespaces and the gauges over them. */
async function scraped(leader = true) {
  const book = new ScoreBook(undefined, ['platform']);
  const entities = [
    component('orders', { owner: 'team-a' }, 'shop'),
    component('carts', { owner: 'team-a', lifecycle: 'experimental' }, 'shop'),
    component('search', { owner: 'team-b', lifecycle: 'experimental' }, 'web'),
  ];
  const sc = readiness();
  for (const e of entities) await book.scoreEntity(e, [sc], NO_FACTS, now);
  const registry = new Registry();
  const owners = new Map(entities.map((e) => [e.ref, `group:${e.namespace}/${String(e.spec.owner)}`]));
  registerScorecardMetrics(registry, {
    book,
    levelIndex: (_k, level) => sc.spec.levels.findIndex((l) => l.name === level),
    ownerOf: (ref) => owners.get(ref) ?? '',
    initiatives: () => [],
    isLeader: () => leader,
  });
  const lines = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#') && l);
  return { book, entities, lines };
}

describe('scorecard metrics', () => {
  it('when entities pass and fail rules, then each rule has a pass ratio per namespace, and failing entities are counted per owner without an entity label', async () => {
    const { lines } = await scraped();
    expect(await lines('greenroom_scorecard_rule_pass_ratio')).toEqual([
      'greenroom_scorecard_rule_pass_ratio{scorecard="platform/readiness",entity_namespace="shop",rule="owned"} 1',
      'greenroom_scorecard_rule_pass_ratio{scorecard="platform/readiness",entity_namespace="shop",rule="production"} 0.5',
      'greenroom_scorecard_rule_pass_ratio{scorecard="platform/readiness",entity_namespace="web",rule="owned"} 1',
      'greenroom_scorecard_rule_pass_ratio{scorecard="platform/readiness",entity_namespace="web",rule="production"} 0',
    ]);
    // Only where something fails: no series for the rule everybody passes.
    expect(await lines('greenroom_scorecard_rule_failing_entities')).toEqual([
      'greenroom_scorecard_rule_failing_entities{scorecard="platform/readiness",entity_namespace="shop",rule="production",owner="group:shop/team-a"} 1',
      'greenroom_scorecard_rule_failing_entities{scorecard="platform/readiness",entity_namespace="web",rule="production",owner="group:web/team-b"} 1',
    ]);
    expect(await lines('greenroom_scorecard_level')).toContain(
      'greenroom_scorecard_level{scorecard="platform/readiness",entity="component:shop/orders",owner="group:shop/team-a"} 2',
    );
  });

  it('when an entity is deleted or a rule removed, then their series go', async () => {
    const { book, entities, lines } = await scraped();
    book.removeEntity('component:web/search');
    expect((await lines('greenroom_scorecard_rule_pass_ratio')).some((l) => l.includes('entity_namespace="web"'))).toBe(false);
    expect((await lines('greenroom_scorecard_level')).some((l) => l.includes('component:web/search'))).toBe(false);
    await book.rescoreScorecard(
      readiness([{ name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' }]),
      entities.slice(0, 2),
      () => NO_FACTS,
      now,
    );
    expect(await lines('greenroom_scorecard_rule_pass_ratio')).toEqual([
      'greenroom_scorecard_rule_pass_ratio{scorecard="platform/readiness",entity_namespace="shop",rule="owned"} 1',
    ]);
    expect(await lines('greenroom_scorecard_rule_failing_entities')).toEqual([]);
  });

  it('when this replica is not the leader, then it exports no scores (its own are not kept current)', async () => {
    const { lines } = await scraped(false);
    expect(await lines('greenroom_scorecard_level')).toEqual([]);
    expect(await lines('greenroom_scorecard_rule_pass_ratio')).toEqual([]);
  });

  it('when an entity is scored by several scorecards, then one scrape of a gauge resolves its owner and each level once', async () => {
    const book = new ScoreBook(undefined, ['platform']);
    const entity = component('orders', { owner: 'team-a' }, 'shop');
    const scorecards = [readiness(), { ...readiness(), metadata: { ...readiness().metadata, name: 'security', uid: 'uid-sec' } }];
    await book.scoreEntity(entity, scorecards, NO_FACTS, now);
    const asked = { owners: 0, levels: 0 };
    const registry = new Registry();
    registerScorecardMetrics(registry, {
      book,
      levelIndex: (_k, level) => (asked.levels++, ['bronze', 'silver'].indexOf(level)),
      ownerOf: () => (asked.owners++, 'group:shop/team-a'),
      initiatives: () => [],
      isLeader: () => true,
    });
    const lines = (await registry.getSingleMetricAsString('greenroom_scorecard_level')).split('\n').filter((l) => !l.startsWith('#') && l);
    expect(lines).toEqual([
      'greenroom_scorecard_level{scorecard="platform/readiness",entity="component:shop/orders",owner="group:shop/team-a"} 2',
      'greenroom_scorecard_level{scorecard="platform/security",entity="component:shop/orders",owner="group:shop/team-a"} 2',
    ]);
    expect(asked).toEqual({ owners: 1, levels: 2 });
  });
});
