import type { Entity } from '../../catalog/entity.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { compileRules, selfOf, type CompiledRule } from '../../scorecards/cel.ts';
import { rulesToRun, scoreEntity, type EntityScore } from '../../scorecards/evaluate.ts';
import { inlineRunner, type RuleRunner, type RuleTask, type TaskOutcomes } from '../../scorecards/rule-runner.ts';
import { inScope, matches } from '../../scorecards/select.ts';
import type { ScorecardObject } from '../../scorecards/store.ts';
import type { InvalidRule, RuntimeFacts } from '../../scorecards/types.ts';
import { sameResults } from './decide.ts';

/** A Scorecard's rules as compiled for one generation of its spec. */
export interface CompiledScorecard {
  generation: number;
  compiled: Map<string, CompiledRule>;
  invalid: InvalidRule[];
  /**
   * Rules that overran their deadline, with the entity they overran on. Until the next
   * generation they are no longer evaluated, for any entity: treated like rules that do not
   * compile, so every entity is judged by the same rules.
   */
  timedOut: Map<string, EntityRef>;
}

/** Tasks per message to a worker: large enough to amortise the message, small enough to share out. */
const TASKS_PER_BATCH = 200;

/**
 * What the operator knows of scores, in memory, without I/O: each Scorecard compiled once per
 * generation — on first use, so no entity is ever judged while "its scorecard has not
 * compiled yet" — and every entity's latest score under each scorecard that selects it.
 * Summaries, initiatives and metrics are read from here.
 */
export class ScoreBook {
  private readonly compiledScorecards = new Map<string, CompiledScorecard>();
  /** entity ref → scorecard key → its latest score. */
  private readonly scores = new Map<EntityRef, Map<string, EntityScore>>();
  /** Scorecards with timeouts found since {@link takeNewTimeouts} last asked. */
  private readonly newTimeouts = new Set<string>();
  private readonly runner: RuleRunner;

  private readonly clusterNamespaces: readonly string[];

  /**
   * `runner` evaluates the rules: a worker pool in the operator, inline in tests.
   * `clusterNamespaces`: where Scorecards select across namespaces (--cluster-scorecard-namespaces).
   */
  constructor(runner: RuleRunner = inlineRunner, clusterNamespaces: readonly string[] = []) {
    this.runner = runner;
    this.clusterNamespaces = clusterNamespaces;
  }

  /** Whether the scorecard selects the entity: its selector, within the namespaces it may reach. */
  private selects(sc: ScorecardObject, entity: Entity): boolean {
    return inScope(sc.metadata.namespace, entity.namespace, this.clusterNamespaces) && matches(sc.spec.selector, entity);
  }

  /** The scorecard's compiled rules; `changed` when this generation was compiled just now. */
  compiled(sc: ScorecardObject): { rules: CompiledScorecard; changed: boolean } {
    const key = keyOf(sc);
    const generation = sc.metadata.generation ?? 1;
    const known = this.compiledScorecards.get(key);
    if (known?.generation === generation) return { rules: known, changed: false };
    const rules = {
      generation,
      ...compileRules(
        sc.spec.rules,
        sc.spec.levels.map((l) => l.name),
      ),
      timedOut: new Map<string, EntityRef>(),
    };
    this.compiledScorecards.set(key, rules);
    return { rules, changed: true };
  }

  /** Whether rules of this scorecard timed out since last asked (its entities must be scored again without them). */
  takeNewTimeouts(key: string): boolean {
    return this.newTimeouts.delete(key);
  }

  /** Scores one entity against every scorecard that selects it, and keeps the scores. */
  async scoreEntity(
    entity: Entity,
    scorecards: readonly ScorecardObject[],
    facts: RuntimeFacts,
    now: Date,
  ): Promise<Map<string, EntityScore>> {
    return (await this.scoreEntities([entity], scorecards, () => facts, now)).get(entity.ref)!;
  }

  /**
   * Scores entities against every scorecard that selects each, in batches evaluated in
   * parallel, and keeps the scores; an entity no scorecard selects loses its scores.
   * `replaceAll` forgets every other score too, at the moment the new ones are stored: the
   * reconcilers run while the batches are evaluated, and must never see an emptied book.
   */
  async scoreEntities(
    entities: Iterable<Entity>,
    scorecards: readonly ScorecardObject[],
    factsOf: (entity: Entity) => RuntimeFacts,
    now: Date,
    replaceAll = false,
  ): Promise<Map<EntityRef, Map<string, EntityScore>>> {
    const list = [...entities];
    const pairs = list.flatMap((entity) => scorecards.filter((sc) => this.selects(sc, entity)).map((sc) => ({ entity, sc })));
    const scored = await this.score(pairs, factsOf, now);
    const out = new Map<EntityRef, Map<string, EntityScore>>();
    for (const entity of list) out.set(entity.ref, new Map());
    scored.forEach((score, i) => out.get(pairs[i]!.entity.ref)!.set(keyOf(pairs[i]!.sc), score));
    if (replaceAll) this.scores.clear();
    for (const [ref, scores] of out) {
      if (scores.size > 0) this.scores.set(ref, scores);
      else this.scores.delete(ref);
    }
    return out;
  }

  /**
   * Scores every given entity against one scorecard (those it no longer selects, or that are
   * gone, lose their score for it); returns the refs whose result for it changed.
   */
  async rescoreScorecard(
    sc: ScorecardObject,
    entities: Iterable<Entity>,
    factsOf: (entity: Entity) => RuntimeFacts,
    now: Date,
  ): Promise<EntityRef[]> {
    const key = keyOf(sc);
    const pairs = [...entities].filter((entity) => this.selects(sc, entity)).map((entity) => ({ entity, sc }));
    const scored = await this.score(pairs, factsOf, now);
    const changed: EntityRef[] = [];
    const seen = new Set<EntityRef>();
    scored.forEach((score, i) => {
      const { entity } = pairs[i]!;
      seen.add(entity.ref);
      const scores = this.scores.get(entity.ref) ?? new Map<string, EntityScore>();
      const before = scores.get(key);
      if (!before || !sameResults([before.result], [score.result])) changed.push(entity.ref);
      scores.set(key, score);
      this.scores.set(entity.ref, scores);
    });
    for (const ref of this.refsScoredBy(key)) {
      if (!seen.has(ref)) {
        this.removeScore(ref, key);
        changed.push(ref);
      }
    }
    return changed;
  }

  /** Evaluates each (entity, scorecard) pair with the runner, in parallel batches, noting timeouts. */
  private async score(
    pairs: readonly { entity: Entity; sc: ScorecardObject }[],
    factsOf: (entity: Entity) => RuntimeFacts,
    now: Date,
  ): Promise<EntityScore[]> {
    // One self and facts per entity, shared by its tasks (a worker receives them once per batch).
    const inputs = new Map<EntityRef, Omit<RuleTask, 'rules'>>();
    // And one rule list per scorecard, shared by its thousands of tasks.
    const rulesOf = new Map<ScorecardObject, RuleTask['rules']>();
    const tasks = pairs.map(({ entity, sc }): RuleTask => {
      let input = inputs.get(entity.ref);
      if (!input)
        inputs.set(
          entity.ref,
          (input = { self: selfOf(entity), facts: factsOf(entity), entity: { ref: entity.ref, version: entity.resourceVersion } }),
        );
      let rules = rulesOf.get(sc);
      if (!rules) {
        const { compiled, timedOut } = this.compiled(sc).rules;
        rulesOf.set(sc, (rules = rulesToRun(sc.spec, compiled, new Set(timedOut.keys()))));
      }
      return { rules, ...input };
    });
    const batches: Promise<TaskOutcomes[]>[] = [];
    for (let i = 0; i < tasks.length; i += TASKS_PER_BATCH) batches.push(this.runner.run(tasks.slice(i, i + TASKS_PER_BATCH), now));
    const outcomes = (await Promise.all(batches)).flat();
    return pairs.map(({ entity, sc }, i) => {
      this.noteTimeouts(sc, entity.ref, outcomes[i]!);
      return scoreEntity(sc.spec, outcomes[i]!, entity, now, keyOf(sc));
    });
  }

  private noteTimeouts(sc: ScorecardObject, ref: EntityRef, outcomes: TaskOutcomes): void {
    const { timedOut } = this.compiled(sc).rules;
    for (const name in outcomes) {
      if (!outcomes[name]!.timedOut || timedOut.has(name)) continue;
      timedOut.set(name, ref);
      this.newTimeouts.add(keyOf(sc));
    }
  }

  /** Forgets a deleted scorecard; returns the refs that had a score under it. */
  removeScorecard(key: string): EntityRef[] {
    this.compiledScorecards.delete(key);
    const refs = this.refsScoredBy(key);
    for (const ref of refs) this.removeScore(ref, key);
    return refs;
  }

  removeEntity(ref: EntityRef): void {
    this.scores.delete(ref);
  }

  /** The scorecard keys an entity has a score under. */
  scorecardsOf(ref: EntityRef): string[] {
    return [...(this.scores.get(ref)?.keys() ?? [])];
  }

  /** Every entity's score under one scorecard. */
  scoresOf(key: string): { ref: EntityRef; score: EntityScore }[] {
    const out: { ref: EntityRef; score: EntityScore }[] = [];
    for (const [ref, scores] of this.scores) {
      const score = scores.get(key);
      if (score) out.push({ ref, score });
    }
    return out;
  }

  /** Every score, for the metrics. */
  *all(): Generator<{ ref: EntityRef; scorecard: string; score: EntityScore }> {
    for (const [ref, scores] of this.scores) for (const [scorecard, score] of scores) yield { ref, scorecard, score };
  }

  private refsScoredBy(key: string): EntityRef[] {
    return [...this.scores].filter(([, m]) => m.has(key)).map(([ref]) => ref);
  }

  private removeScore(ref: EntityRef, key: string): void {
    const scores = this.scores.get(ref);
    scores?.delete(key);
    if (scores?.size === 0) this.scores.delete(ref);
  }
}
