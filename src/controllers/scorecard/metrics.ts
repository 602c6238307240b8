import { Counter, Gauge, type Registry } from 'prom-client';
import { splitRef, type EntityRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { EntityScore } from '../../scorecards/evaluate.ts';
import type { InitiativeObject } from '../../scorecards/store.ts';
import type { ScoreBook } from './scores.ts';

/** Where the gauges read from when scraped. */
export interface ScorecardMetricsSource {
  book: ScoreBook;
  /** 0-based index of a level in its scorecard's levels; -1 for none (or an unknown scorecard). */
  levelIndex: (scorecard: string, level: string) => number;
  /** The entity's owner as a canonical ref (group:ns/name); '' when it has none. */
  ownerOf: (ref: EntityRef) => string;
  initiatives: () => InitiativeObject[];
  /**
   * Only the leader keeps scores current (followers score once, at start): the per-entity and
   * per-rule gauges are the leader's alone, so `max` over replicas is the leader's value.
   */
  isLeader: () => boolean;
}

export const SCORECARD_METRICS = [
  'greenroom_scorecard_level',
  'greenroom_scorecard_score',
  'greenroom_scorecard_failing_rules',
  'greenroom_scorecard_rule_pass_ratio',
  'greenroom_scorecard_rule_failing_entities',
  'greenroom_initiative_progress',
  'greenroom_scorecard_status_writes_total',
] as const;

/**
 * Gauges computed from memory when scraped, so a deleted entity, rule or scorecard simply
 * stops appearing. Per entity: level, score and number of failing rules (one series each per
 * scorecard and entity). Per rule there is no entity label — that would be entities × rules
 * series, 200,000 for 10,000 entities and 20 rules — but the pass ratio per namespace and the
 * failing count per namespace and owner (series only where something fails), which is what an
 * alert or a team dashboard asks. `entity_namespace` rather than `namespace`: Prometheus sets
 * `namespace` to the operator pod's own, and would rename ours to `exported_namespace`.
 * Returns the counter of entity status writes, for the writer to count with.
 */
export function registerScorecardMetrics(registry: Registry, source: ScorecardMetricsSource): Counter<'kind'> {
  for (const name of SCORECARD_METRICS) if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  const { book, isLeader } = source;
  const perEntity = (name: string, help: string, value: (scorecard: string, score: EntityScore) => number) =>
    new Gauge({
      name, help, labelNames: ['scorecard', 'entity', 'owner'], registers: [registry],
      collect() {
        this.reset();
        if (!isLeader()) return;
        for (const { ref, scorecard, score } of book.all()) this.set({ scorecard, entity: ref, owner: source.ownerOf(ref) }, value(scorecard, score));
      },
    });
  perEntity('greenroom_scorecard_level', 'Level reached per scorecard and entity: 0 none, 1 the first level, …', (scorecard, s) => source.levelIndex(scorecard, s.result.level) + 1);
  perEntity('greenroom_scorecard_score', 'Weighted share of passing rules (0-100) per scorecard and entity.', (_, s) => s.result.score);
  perEntity('greenroom_scorecard_failing_rules', 'Failing rules per scorecard and entity.', (_, s) => s.result.failing.length);

  new Gauge({
    name: 'greenroom_scorecard_rule_pass_ratio',
    help: 'Share (0-1) of the entities a scorecard selects in a namespace that pass a rule (exempted ones count as passing).',
    labelNames: ['scorecard', 'entity_namespace', 'rule'],
    registers: [registry],
    collect() {
      this.reset();
      if (!isLeader()) return;
      for (const [labels, t] of ruleTallies(book)) this.set(labels, t.passing / (t.passing + t.failing));
    },
  });
  new Gauge({
    name: 'greenroom_scorecard_rule_failing_entities',
    help: 'Entities failing a rule, per scorecard, namespace and owner; only where at least one fails.',
    labelNames: ['scorecard', 'entity_namespace', 'rule', 'owner'],
    registers: [registry],
    collect() {
      this.reset();
      if (!isLeader()) return;
      const counts = new Map<string, { labels: Record<string, string>; n: number }>();
      for (const { ref, scorecard, score } of book.all()) {
        const owner = source.ownerOf(ref);
        const namespace = splitRef(ref).namespace;
        for (const rule of score.rules) {
          if (rule.passed) continue;
          const id = JSON.stringify([scorecard, namespace, rule.rule, owner]);
          const entry = counts.get(id) ?? { labels: { scorecard, entity_namespace: namespace, rule: rule.rule, owner }, n: 0 };
          entry.n += 1;
          counts.set(id, entry);
        }
      }
      for (const { labels, n } of counts.values()) this.set(labels, n);
    },
  });

  new Gauge({
    name: 'greenroom_initiative_progress',
    help: 'Share of entities at target (0-1) per initiative.',
    labelNames: ['initiative', 'phase'],
    registers: [registry],
    collect() {
      this.reset();
      for (const i of source.initiatives()) {
        if (i.status?.progress) this.set({ initiative: keyOf(i), phase: i.status.phase ?? '' }, i.status.progress.ratio);
      }
    },
  });
  return new Counter({
    name: 'greenroom_scorecard_status_writes_total',
    help: 'Entity status.scorecards written by this replica, by kind (only when a result changed; only the leader writes).',
    labelNames: ['kind'],
    registers: [registry],
  });
}

/** Passing and failing entities per scorecard, entity namespace and rule. */
function ruleTallies(book: ScoreBook): [Record<string, string>, { passing: number; failing: number }][] {
  const tallies = new Map<string, [Record<string, string>, { passing: number; failing: number }]>();
  for (const { ref, scorecard, score } of book.all()) {
    const namespace = splitRef(ref).namespace;
    for (const rule of score.rules) {
      const id = JSON.stringify([scorecard, namespace, rule.rule]);
      const entry = tallies.get(id) ?? [{ scorecard, entity_namespace: namespace, rule: rule.rule }, { passing: 0, failing: 0 }];
      if (rule.passed) entry[1].passing += 1;
      else entry[1].failing += 1;
      tallies.set(id, entry);
    }
  }
  return [...tallies.values()];
}
