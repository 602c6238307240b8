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

const SCORECARD_METRICS = [
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
  // Owners and level indexes are worked out once per entity (and level) in a scrape, not once per score.
  const perEntity = (
    name: string,
    help: string,
    value: (scorecard: string, score: EntityScore, levelIndex: (scorecard: string, level: string) => number) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['scorecard', 'entity', 'owner'],
      registers: [registry],
      collect() {
        this.reset();
        if (!isLeader()) return;
        const ownerOf = memo(source.ownerOf);
        const levelIndex = memo(source.levelIndex);
        for (const { ref, scorecard, score } of book.all())
          this.set({ scorecard, entity: ref, owner: ownerOf(ref) }, value(scorecard, score, levelIndex));
      },
    });
  perEntity(
    'greenroom_scorecard_level',
    'Level reached per scorecard and entity: 0 none, 1 the first level, …',
    (scorecard, s, levelIndex) => levelIndex(scorecard, s.result.level) + 1,
  );
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
      for (const { labels, passing, failing } of ruleTallies(book).tallies) this.set(labels, passing / (passing + failing));
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
      const owner = memo(source.ownerOf);
      const counts = new Map<string, { labels: Record<string, string>; n: number }>();
      for (const { labels, ref } of ruleTallies(book).failures) {
        const withOwner = { ...labels, owner: owner(ref) };
        const id = JSON.stringify([labels.scorecard, labels.entity_namespace, labels.rule, withOwner.owner]);
        const entry = counts.get(id) ?? { labels: withOwner, n: 0 };
        entry.n += 1;
        counts.set(id, entry);
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

/** A rule's labels: scorecard, entity namespace and rule. */
type RuleLabels = { scorecard: string; entity_namespace: string; rule: string };

/**
 * One walk over every score: passing and failing entities per scorecard, entity namespace and
 * rule, and each failure (rule and entity) in the order met, for the per-owner counts.
 */
function ruleTallies(book: ScoreBook): {
  tallies: { labels: RuleLabels; passing: number; failing: number }[];
  failures: { labels: RuleLabels; ref: EntityRef }[];
} {
  const tallies = new Map<string, { labels: RuleLabels; passing: number; failing: number }>();
  const failures: { labels: RuleLabels; ref: EntityRef }[] = [];
  for (const { ref, scorecard, score } of book.all()) {
    const namespace = splitRef(ref).namespace;
    for (const rule of score.rules) {
      const id = JSON.stringify([scorecard, namespace, rule.rule]);
      const entry = tallies.get(id) ?? { labels: { scorecard, entity_namespace: namespace, rule: rule.rule }, passing: 0, failing: 0 };
      tallies.set(id, entry);
      if (rule.passed) entry.passing += 1;
      else {
        entry.failing += 1;
        failures.push({ labels: entry.labels, ref });
      }
    }
  }
  return { tallies: [...tallies.values()], failures };
}

/** `compute` once per distinct arguments (names, which hold no NUL), within one collect. */
function memo<A extends string[], T>(compute: (...args: A) => T): (...args: A) => T {
  const known = new Map<string, T>();
  return (...args) => {
    const key = args.join('\0');
    if (!known.has(key)) known.set(key, compute(...args));
    return known.get(key)!;
  };
}
