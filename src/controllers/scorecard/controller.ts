import { API_VERSION, catalogKind, RESOURCES } from '../../api/v1alpha1/index.ts';
import type { Entity } from '../../catalog/entity.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import { canonicalOwner, type EntityRef } from '../../catalog/refs.ts';
import type { Notifier } from '../../notifications/notify.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { Controller, splitKey } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { factsFor } from '../../scorecards/facts.ts';
import { RulePool } from '../../scorecards/rule-pool.ts';
import type { ScorecardStore } from '../../scorecards/store.ts';
import { InitiativeReconciler } from './initiatives.ts';
import { registerScorecardMetrics } from './metrics.ts';
import { OwnerNotifications } from './notifications.ts';
import { ScoresReconciler, type ScorecardWorld } from './reconcile.ts';
import { ScoreBook } from './scores.ts';
import { BoundWorkloads, entityScoreWatches, initiativeWatches, scorecardWatches, watchScorecardSources } from './triggers.ts';

/** Field manager of entities' status.scorecards: apart from the catalog's, so neither removes the other's fields. */
export const SCORECARD_FIELD_MANAGER = 'greenroom-scorecards';

export interface ScorecardControllersOptions {
  graph: CatalogGraph;
  /** Namespaces whose Scorecards and Initiatives select entities in every namespace; elsewhere their own only. */
  clusterScorecardNamespaces: readonly string[];
  /** Entities scored at once. */
  concurrency: number;
  /** Sends level drops and initiative reminders to the owners' webhooks; none are sent without it. */
  notifier?: Notifier | undefined;
  /** The dashboard's external URL, for links in notifications. */
  dashboardUrl?: string | undefined;
  /** Worker threads that evaluate rules, and how long one rule may run on one entity. */
  ruleWorkers?: number | undefined;
  ruleTimeoutMs?: number | undefined;
}

/** Scorecards and initiatives in one replica: three controllers sharing one score book. */
export interface Scorecards {
  /** What the dashboard reads. */
  store: ScorecardStore;
  controllers: readonly Controller[];
  /** The catalog's fan-out: an entity changed or went. */
  entityChanged(ref: EntityRef): void;
  /** On becoming leader: score everything again (a follower's scores are stale) and reconcile it all. */
  enqueueAll(): Promise<void>;
  hasSynced(): boolean;
  /** Starts once the catalog graph (`graphBuilt`) is built. */
  start(graphBuilt: Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Scorecards and initiatives as three controllers over one score book: entity scores (CEL
 * over the entity and runtime facts from its workloads, written to status.scorecards),
 * scorecard summaries, and initiatives (progress, phase, milestones). Nothing is evaluated
 * or written before the caches and the catalog graph have synced and the whole catalog is
 * scored (the entity-score controller's prime, which the other two wait for).
 */
export function scorecardControllers(context: ControllerContext, options: ScorecardControllersOptions): Scorecards {
  const log = context.logger.child({ component: 'scorecards' });
  const sources = watchScorecardSources(context);
  const { graph, clusterScorecardNamespaces } = options;
  const bound = new BoundWorkloads(sources.workloads);
  // Rules run here, off the event loop that renews the Lease and answers probes.
  const rulePool = new RulePool({
    ...(options.ruleWorkers === undefined ? {} : { size: options.ruleWorkers }),
    ...(options.ruleTimeoutMs === undefined ? {} : { ruleTimeoutMs: options.ruleTimeoutMs }),
    onStopped: ({ rule, entity, reason }) => log.warn({ rule, entity }, rule ? `scorecard rule stopped: ${reason}` : reason),
  });
  const book = new ScoreBook(rulePool, clusterScorecardNamespaces);
  const store: ScorecardStore = { scorecards: () => sources.scorecards.list(), initiatives: () => sources.initiatives.list() };
  const scorecardOf = (k: string) => sources.scorecards.get(splitKey(k).namespace, splitKey(k).name);
  const writes = registerScorecardMetrics(context.registry, {
    book,
    levelIndex: (k, level) => scorecardOf(k)?.spec.levels.findIndex((l) => l.name === level) ?? -1,
    ownerOf: (ref) => ownerRef(graph.get(ref)),
    initiatives: store.initiatives,
    isLeader: () => context.isLeader(),
  });
  const involved = (entity: Entity) => ({
    apiVersion: API_VERSION,
    kind: catalogKind(entity.kind)!.kind,
    namespace: entity.namespace,
    name: entity.name,
    uid: entity.uid,
  });
  // Queue items name their controller: e| an entity, s| a Scorecard, i| an Initiative (see reconcile.ts).
  const enqueue = (item: string, afterMs?: number) => {
    const target = item.startsWith('e|') ? entityScores : item.startsWith('s|') ? summaries : initiatives;
    target.enqueue(item.slice(2), afterMs);
  };
  const world: ScorecardWorld = {
    graph,
    book,
    clusterScorecardNamespaces,
    scorecards: store.scorecards,
    scorecard: scorecardOf,
    initiatives: store.initiatives,
    initiative: (k) => sources.initiatives.get(splitKey(k).namespace, splitKey(k).name),
    factsOf: (entity) => {
      const workloads = bound.of(entity.namespace, entity.name);
      return factsFor(entity, workloads, workloads.length > 0 ? sources.pdbs.list(entity.namespace) : []);
    },
    writeEntityScores: async (entity, results) => {
      const written = await context.status.apply(
        catalogKind(entity.kind)!,
        entity.namespace,
        entity.name,
        { scorecards: results },
        SCORECARD_FIELD_MANAGER,
      );
      if (written === 'written') writes.inc({ kind: entity.kind.toLowerCase() });
      return written;
    },
    writeScorecardStatus: (sc, status) => context.status.apply(RESOURCES.scorecards, sc.metadata.namespace, sc.metadata.name, status),
    writeInitiativeStatus: (i, status) => context.status.apply(RESOURCES.initiatives, i.metadata.namespace, i.metadata.name, status),
    recordBehind: (entity, message) => context.events(involved(entity), { type: 'Warning', reason: 'InitiativeBehind', message }),
    notifications: new OwnerNotifications({
      notifier: options.notifier,
      entity: (ref) => graph.get(ref),
      scorecardTitle: (k) => scorecardOf(k)?.spec.title,
      dashboardUrl: options.dashboardUrl,
      // Tenants see Events on their Group, not the operator's log: both get it.
      warnOwner: (owner, reason, message) => {
        log.warn({ owner: owner.ref, reason }, message);
        void context.events(involved(owner), { type: 'Warning', reason, message });
      },
    }),
    enqueue,
    now: () => nowOf(context),
  };
  const scores = new ScoresReconciler(world);
  const initiativeReconciler = new InitiativeReconciler(world);
  const prime = async () => {
    const started = Date.now();
    initiativeReconciler.forgetAnnounced();
    await scores.prime();
    log.info({ entities: graph.size, scorecards: sources.scorecards.list().length, ms: Date.now() - started }, 'scored the whole catalog');
  };
  let graphBuilt: Promise<unknown> = Promise.resolve();
  const entityScores = new Controller(context, {
    name: 'entity-scores',
    watches: entityScoreWatches(sources, graph, bound),
    concurrency: options.concurrency,
    // The prime decides which entities need writing; nothing else is queued on start.
    keys: () => [],
    prime,
    // Scores need the Scorecards, and the initiatives' first look needs them primed: both caches first.
    waitFor: () => Promise.all([graphBuilt, sources.scorecards.start(), sources.initiatives.start()]),
    reconcile: (ref) => scores.evaluateEntity(ref),
  });
  const primed = () => entityScores.start();
  const summaries = new Controller(context, {
    name: 'scorecard-summaries',
    watches: scorecardWatches(sources),
    concurrency: 1,
    keys: () => sources.scorecards.list().map(keyOf),
    waitFor: primed,
    reconcile: (key) => scores.reconcileScorecard(key),
  });
  const initiatives = new Controller(context, {
    name: 'initiatives',
    watches: initiativeWatches(sources),
    concurrency: 1,
    keys: () => sources.initiatives.list().map(keyOf),
    waitFor: primed,
    reconcile: (key) => initiativeReconciler.reconcile(key),
  });
  const controllers = [entityScores, summaries, initiatives];
  return {
    store,
    controllers,
    entityChanged: (ref) => entityScores.enqueue(ref),
    enqueueAll: () => entityScores.enqueueAll().catch((error: unknown) => log.error({ err: error }, 'could not score the whole catalog')),
    hasSynced: () => controllers.every((c) => c.hasSynced()),
    start: async (built) => {
      graphBuilt = built;
      await Promise.all(controllers.map((c) => c.start()));
    },
    stop: async () => {
      await Promise.all(controllers.map((c) => c.stop()));
      await Promise.all([options.notifier?.stop(), rulePool.close()]);
    },
  };
}

/** The entity's owner as a canonical ref, '' when it has none. */
function ownerRef(entity: Entity | undefined): string {
  const owner = entity?.spec.owner;
  return typeof owner === 'string' ? canonicalOwner(owner, entity!.namespace) : '';
}
