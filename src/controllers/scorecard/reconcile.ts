import type { Entity } from '../../catalog/entity.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import type { WriteResult } from '../../kube/status-writer.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { WorkResult } from '../../runtime/work-queue.ts';
import { summarise } from '../../scorecards/evaluate.ts';
import { ignoredNamespaces } from '../../scorecards/select.ts';
import { initiativeScorecardKey, type InitiativeObject, type ScorecardObject } from '../../scorecards/store.ts';
import type { RuntimeFacts, ScorecardResult } from '../../scorecards/types.ts';
import { refreshIntervalMs } from '../../shared/duration.ts';
import { fieldsOf, sameStatus } from '../status-compare.ts';
import { levelDrops, sameResults, scorecardStatus } from './decide.ts';
import type { OwnerNotifications } from './notifications.ts';
import type { ScoreBook } from './scores.ts';

/** Work queue items: an entity to score, a Scorecard to summarise, an Initiative to follow. */
export const item = {
  entity: (ref: EntityRef) => `e|${ref}`,
  scorecard: (key: string) => `s|${key}`,
  initiative: (key: string) => `i|${key}`,
};

/** What the scorecard reconcilers read and write; the operator wires it to informers and the apiserver. */
export interface ScorecardWorld {
  graph: CatalogGraph;
  book: ScoreBook;
  /** Namespaces whose Scorecards and Initiatives reach every namespace (--cluster-scorecard-namespaces). */
  clusterScorecardNamespaces: readonly string[];
  scorecards: () => ScorecardObject[];
  scorecard: (key: string) => ScorecardObject | undefined;
  initiatives: () => InitiativeObject[];
  initiative: (key: string) => InitiativeObject | undefined;
  /** Runtime facts from the workloads bound to the entity. */
  factsOf: (entity: Entity) => RuntimeFacts;
  writeEntityScores: (entity: Entity, results: ScorecardResult[]) => Promise<WriteResult>;
  writeScorecardStatus: (sc: ScorecardObject, status: object) => Promise<WriteResult>;
  writeInitiativeStatus: (initiative: InitiativeObject, status: object) => Promise<WriteResult>;
  /** A Warning Event on an entity behind at an initiative milestone (best effort). */
  recordBehind: (entity: Entity, message: string) => Promise<void>;
  notifications: OwnerNotifications;
  enqueue: (item: string, afterMs?: number) => void;
  now: () => Date;
}

/** The fields of a Scorecard's status this operator writes (and so compares before writing). */
const SCORECARD_STATUS_FIELDS = ['observedGeneration', 'entities', 'levels', 'rules', 'invalidRules', 'conditions'] as const;
/** Summaries wait this long after an entity's score changes, so a burst is summarised once. */
const SUMMARY_DELAY_MS = 500;

const storedResults = (entity: Entity): ScorecardResult[] =>
  (entity.status as { scorecards?: ScorecardResult[] } | undefined)?.scorecards ?? [];

/**
 * Scores entities and summarises Scorecards. Nothing is written before {@link prime} has
 * scored the whole catalog in memory, so a summary (or an initiative, which reads the same
 * scores) never counts a half-scored catalog.
 */
export class ScoresReconciler {
  private readonly world: ScorecardWorld;
  /**
   * What this process last wrote to each entity's status.scorecards (or found stored when it
   * primed): level drops are found against this, not against the informer's copy, which may
   * not show the last write yet.
   */
  private readonly written = new Map<EntityRef, ScorecardResult[]>();
  private readonly nextFullEvaluation = new Map<string, number>();

  constructor(world: ScorecardWorld) {
    this.world = world;
  }

  /**
   * Scores every entity against every scorecard in memory, then queues the entities whose
   * stored results differ, every Scorecard and every Initiative. Run once the informers and
   * the catalog graph have synced, and again on becoming leader (a follower's scores are
   * only as fresh as its last prime).
   */
  async prime(): Promise<void> {
    const { book, graph, enqueue } = this.world;
    const now = this.world.now();
    const scorecards = this.world.scorecards();
    const entities = [...graph.all()];
    // Every score is replaced at once when the batches are done; meanwhile the old ones serve.
    const scored = await book.scoreEntities(entities, scorecards, this.world.factsOf, now, true);
    this.written.clear();
    for (const entity of entities) {
      const stored = storedResults(entity);
      if (stored.length > 0) this.written.set(entity.ref, stored);
      if (!sameResults(stored, resultsOf(scored.get(entity.ref)!))) enqueue(item.entity(entity.ref));
    }
    for (const sc of scorecards) {
      this.nextFullEvaluation.set(keyOf(sc), now.getTime() + intervalOf(sc));
      enqueue(item.scorecard(keyOf(sc)));
    }
    for (const i of this.world.initiatives()) enqueue(item.initiative(keyOf(i)));
  }

  /** Scores one entity against every scorecard that selects it, and writes what changed. */
  async evaluateEntity(ref: EntityRef): Promise<WorkResult> {
    const { book, enqueue } = this.world;
    const entity = this.world.graph.get(ref);
    const had = book.scorecardsOf(ref);
    if (!entity) {
      book.removeEntity(ref);
      this.written.delete(ref);
      for (const k of had) enqueue(item.scorecard(k), SUMMARY_DELAY_MS);
      return 'done';
    }
    const scores = await book.scoreEntity(entity, this.world.scorecards(), this.world.factsOf(entity), this.world.now());
    for (const k of new Set([...had, ...scores.keys()])) enqueue(item.scorecard(k), SUMMARY_DELAY_MS);
    // A new entity the catalog has not described yet: rules read its status (conditions,
    // relations), and the catalog's first write of it brings it back here. Writing now would
    // only be written over: two writes per entity on a cold start instead of one.
    if (entity.status?.observedGeneration === undefined) return 'done';
    const results = resultsOf(scores);
    const stored = storedResults(entity);
    const before = this.written.get(ref) ?? stored;
    // Written again when the informer's copy differs too: someone else may have changed it.
    if (sameResults(before, results) && sameResults(stored, results)) return 'done';
    if ((await this.world.writeEntityScores(entity, results)) === 'gone') return 'done';
    this.written.set(ref, results);
    // Announced only once the new level is stored: a restart then never announces it again.
    for (const drop of levelDrops(before, results, (k, level) => this.levelIndex(k, level)))
      this.world.notifications.levelDropped(entity, drop);
    return 'done';
  }

  /**
   * A Scorecard changed, was deleted or is due: compiles it (once per generation), scores
   * what it selects again when its rules changed or its interval passed — time-based facts
   * and exemptions change without any event — and writes its summary.
   */
  async reconcileScorecard(key: string): Promise<WorkResult> {
    const { book, enqueue } = this.world;
    const sc = this.world.scorecard(key);
    const now = this.world.now();
    if (!sc) {
      this.nextFullEvaluation.delete(key);
      for (const ref of book.removeScorecard(key)) enqueue(item.entity(ref));
      this.enqueueInitiativesOf(key);
      return 'done';
    }
    const { rules, changed } = book.compiled(sc);
    // A rule that timed out on some entity is dropped for all: those scored with it are scored again.
    const timedOut = book.takeNewTimeouts(key);
    if (changed || timedOut || (this.nextFullEvaluation.get(key) ?? 0) <= now.getTime()) {
      this.nextFullEvaluation.set(key, now.getTime() + intervalOf(sc));
      for (const ref of await book.rescoreScorecard(sc, this.world.graph.all(), this.world.factsOf, now)) enqueue(item.entity(ref));
    }
    const summary = summarise(
      sc.spec.levels,
      book.scoresOf(key).map((s) => s.score),
    );
    const scope = {
      namespace: sc.metadata.namespace,
      ignored: ignoredNamespaces(sc.metadata.namespace, sc.spec.selector, this.world.clusterScorecardNamespaces),
    };
    const status = scorecardStatus(sc.status?.conditions, sc.metadata.generation ?? 1, summary, rules.invalid, now, rules.timedOut, scope);
    if (!sameStatus(fieldsOf(sc.status, SCORECARD_STATUS_FIELDS), status)) await this.world.writeScorecardStatus(sc, status);
    this.enqueueInitiativesOf(key);
    return { requeueAfter: Math.max(1_000, (this.nextFullEvaluation.get(key) ?? now.getTime()) - now.getTime()) };
  }

  private enqueueInitiativesOf(key: string): void {
    for (const i of this.world.initiatives())
      if (initiativeScorecardKey(i) === key) this.world.enqueue(item.initiative(keyOf(i)), SUMMARY_DELAY_MS);
  }

  private levelIndex(key: string, level: string): number {
    return this.world.scorecard(key)?.spec.levels.findIndex((l) => l.name === level) ?? -1;
  }
}

function resultsOf(scores: ReadonlyMap<string, { result: ScorecardResult }>): ScorecardResult[] {
  return [...scores.values()].map((s) => s.result).sort((a, b) => a.scorecard.localeCompare(b.scorecard));
}

function intervalOf(sc: ScorecardObject): number {
  return refreshIntervalMs(sc.spec.evaluationInterval ?? '5m');
}
