import type { Entity } from '../../catalog/entity.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { compileRules, type CompiledRule } from '../../scorecards/cel.ts';
import { scoreEntity, type EntityScore } from '../../scorecards/evaluate.ts';
import { inScope, matches } from '../../scorecards/select.ts';
import type { ScorecardObject } from '../../scorecards/store.ts';
import type { InvalidRule, RuntimeFacts } from '../../scorecards/types.ts';
import { sameResults } from './decide.ts';

/** A Scorecard's rules as compiled for one generation of its spec. */
export interface CompiledScorecard {
  generation: number;
  compiled: Map<string, CompiledRule>;
  invalid: InvalidRule[];
}

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
  private readonly clusterNamespaces: readonly string[];

  /** `clusterNamespaces`: where Scorecards select across namespaces (--cluster-scorecard-namespaces). */
  constructor(clusterNamespaces: readonly string[] = []) {
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
    const rules = { generation, ...compileRules(sc.spec.rules, sc.spec.levels.map((l) => l.name)) };
    this.compiledScorecards.set(key, rules);
    return { rules, changed: true };
  }

  /** Scores one entity against every scorecard that selects it, and keeps the scores. */
  scoreEntity(entity: Entity, scorecards: readonly ScorecardObject[], facts: RuntimeFacts, now: Date): Map<string, EntityScore> {
    const scores = new Map<string, EntityScore>();
    for (const sc of scorecards) {
      if (!this.selects(sc, entity)) continue;
      scores.set(keyOf(sc), scoreEntity(sc.spec, this.compiled(sc).rules.compiled, entity, facts, now, keyOf(sc)));
    }
    if (scores.size > 0) this.scores.set(entity.ref, scores);
    else this.scores.delete(entity.ref);
    return scores;
  }

  /**
   * Scores every given entity against one scorecard (those it no longer selects, or that are
   * gone, lose their score for it); returns the refs whose result for it changed.
   */
  rescoreScorecard(sc: ScorecardObject, entities: Iterable<Entity>, factsOf: (entity: Entity) => RuntimeFacts, now: Date): EntityRef[] {
    const key = keyOf(sc);
    const { compiled } = this.compiled(sc).rules;
    const changed: EntityRef[] = [];
    const seen = new Set<EntityRef>();
    for (const entity of entities) {
      if (!this.selects(sc, entity)) continue;
      seen.add(entity.ref);
      const score = scoreEntity(sc.spec, compiled, entity, factsOf(entity), now, key);
      const scores = this.scores.get(entity.ref) ?? new Map<string, EntityScore>();
      const before = scores.get(key);
      if (!before || !sameResults([before.result], [score.result])) changed.push(entity.ref);
      scores.set(key, score);
      this.scores.set(entity.ref, scores);
    }
    for (const ref of this.refsScoredBy(key)) {
      if (!seen.has(ref)) {
        this.removeScore(ref, key);
        changed.push(ref);
      }
    }
    return changed;
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

  /** Forgets every score (compiled rules stay), before scoring the whole catalog again. */
  clearScores(): void {
    this.scores.clear();
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
