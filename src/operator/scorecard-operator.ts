import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { API_VERSION, CATALOG_KINDS, catalogKind } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { CatalogGraph } from '../catalog/graph.ts';
import { canonicalOwner, refOf } from '../catalog/refs.ts';
import { InitiativeReconciler } from '../controllers/scorecard/initiatives.ts';
import { registerScorecardMetrics } from '../controllers/scorecard/metrics.ts';
import { OwnerNotifications } from '../controllers/scorecard/notifications.ts';
import { item, ScoresReconciler, type ScorecardWorld } from '../controllers/scorecard/reconcile.ts';
import { ScoreBook } from '../controllers/scorecard/scores.ts';
import { eventRecorder } from '../kube/events.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { keyOf } from '../runtime/object-cache.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { BACKSTAGE_ID_LABEL, bindsTo, COMPONENT_LABEL, factsFor, type PdbObject, type WorkloadObject } from '../scorecards/facts.ts';
import type { Notifier } from '../notifications/notify.ts';
import { RulePool } from '../scorecards/rule-pool.ts';
import type { InitiativeObject, ScorecardObject, ScorecardStore } from '../scorecards/store.ts';
import type { RuntimeFacts } from '../scorecards/types.ts';
import { WorkloadIndex } from '../scorecards/workload-index.ts';
import { cachedWorkload, workloadKind, workloadsIn } from './scorecard-workloads.ts';

/** Field manager of entities' status.scorecards: apart from the catalog's, so neither removes the other's fields. */
export const SCORECARD_FIELD_MANAGER = 'greenroom-scorecards';

export interface ScorecardOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  namespace?: string | undefined;
  isLeader: () => boolean;
  graph: CatalogGraph;
  /** Namespaces whose Scorecards and Initiatives select entities in every namespace; elsewhere their own only. */
  clusterScorecardNamespaces?: readonly string[];
  /** Workers (default 4). */
  concurrency?: number;
  /** Sends level drops and initiative reminders to the owners' webhooks; none are sent without it. */
  notifier?: Notifier;
  /** The dashboard's external URL, for links in notifications. */
  dashboardUrl?: string;
  now?: () => Date;
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
  /** Worker threads that evaluate rules (default 2). */
  ruleWorkers?: number;
  /** How long one rule may run on one entity before it is stopped and reported (default 1000 ms). */
  ruleTimeoutMs?: number;
}

/**
 * Scorecards and initiatives: evaluates each entity against the scorecards that select it
 * (CEL over the entity and runtime facts from its Deployments and StatefulSets) when the
 * entity, a scorecard or a workload changes and on each scorecard's interval, writes the
 * results to the entity's status.scorecards and a summary to the Scorecard, and follows
 * each Initiative's progress, phase and milestones. Nothing is evaluated or written before
 * its own informers and the catalog graph have synced and the whole catalog is scored.
 */
export class ScorecardOperator {
  private readonly options: ScorecardOperatorOptions;
  private readonly log: Logger;
  private readonly scorecards: Informer<KubernetesObject>;
  private readonly initiatives: Informer<KubernetesObject>;
  private readonly workloads: Informer<KubernetesObject>[] = [];
  private readonly pdbs: Informer<KubernetesObject>;
  private readonly queue: WorkQueue;
  private readonly scores: ScoresReconciler;
  private readonly initiativeReconciler: InitiativeReconciler;
  /** Rules run here, off the event loop that renews the Lease and answers probes. */
  private readonly rulePool: RulePool;
  /**
   * Workloads by the entity they bind to, built from the caches on first use and from then on
   * updated by each workload event (Deployment status updates are frequent).
   */
  private bound: WorkloadIndex | undefined;
  /** Set once the caches synced and the first full scoring pass is done; nothing is queued before. */
  private primed = false;
  /**
   * What the dashboard reads: scorecards and initiatives as the informers hold them. A
   * property rather than methods of the class because `scorecards` and `initiatives` name
   * the informers.
   */
  readonly store: ScorecardStore = {
    scorecards: () => this.scorecards.list() as unknown as ScorecardObject[],
    initiatives: () => this.initiatives.list() as unknown as InitiativeObject[],
  };

  constructor(options: ScorecardOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'scorecards' });
    const client = new RawKubeClient(options.kubeConfig);
    const scope = options.namespace ? `namespaces/${options.namespace}/` : '';
    const informer = (name: string, path: string, labelSelector?: string) =>
      new Informer<KubernetesObject>({ kubeConfig: options.kubeConfig, path, name, logger: this.log, registry: options.registry, ...(labelSelector ? { labelSelector } : {}), ...options.informerTimings });
    this.scorecards = informer('scorecard', `/apis/${API_VERSION}/${scope}scorecards`);
    this.initiatives = informer('initiative', `/apis/${API_VERSION}/${scope}initiatives`);
    // Only workloads that name an entity, by either label convention.
    for (const resource of ['deployments', 'statefulsets']) {
      for (const label of [COMPONENT_LABEL, BACKSTAGE_ID_LABEL]) this.workloads.push(informer(`${resource}-${label}`, `/apis/apps/v1/${scope}${resource}`, label));
    }
    this.pdbs = informer('poddisruptionbudget', `/apis/policy/v1/${scope}poddisruptionbudgets`);
    this.queue = new WorkQueue({ name: 'scorecards', logger: this.log, registry: options.registry });
    const record = eventRecorder(client, (error) => this.log.warn({ err: error }, 'could not record an event'));
    this.rulePool = new RulePool({
      ...(options.ruleWorkers === undefined ? {} : { size: options.ruleWorkers }),
      ...(options.ruleTimeoutMs === undefined ? {} : { ruleTimeoutMs: options.ruleTimeoutMs }),
    });
    const clusterScorecardNamespaces = options.clusterScorecardNamespaces ?? [];
    const book = new ScoreBook(this.rulePool, clusterScorecardNamespaces);
    const scorecardOf = (k: string) => {
      const [namespace, name] = k.split('/') as [string, string];
      return this.scorecards.get(namespace, name) as unknown as ScorecardObject | undefined;
    };
    const writes = registerScorecardMetrics(options.registry, {
      book,
      levelIndex: (k, level) => scorecardOf(k)?.spec.levels.findIndex((l) => l.name === level) ?? -1,
      ownerOf: (ref) => ownerRef(options.graph.get(ref)),
      initiatives: this.store.initiatives,
      isLeader: options.isLeader,
    });
    const world: ScorecardWorld = {
      graph: options.graph,
      book,
      clusterScorecardNamespaces,
      scorecards: this.store.scorecards,
      scorecard: scorecardOf,
      initiatives: this.store.initiatives,
      initiative: (k) => {
        const [namespace, name] = k.split('/') as [string, string];
        return this.initiatives.get(namespace, name) as unknown as InitiativeObject | undefined;
      },
      factsOf: (entity) => this.factsOf(entity),
      writeEntityScores: async (entity, results) => {
        const written = await applyStatus(client, { kind: entity.kind, plural: catalogKind(entity.kind)!.plural }, entity.namespace, entity.name, { scorecards: results }, SCORECARD_FIELD_MANAGER);
        if (written === 'written') writes.inc({ kind: entity.kind.toLowerCase() });
        return written;
      },
      writeScorecardStatus: (sc, status) => applyStatus(client, { kind: 'Scorecard', plural: 'scorecards' }, sc.metadata.namespace, sc.metadata.name, status),
      writeInitiativeStatus: (i, status) => applyStatus(client, { kind: 'Initiative', plural: 'initiatives' }, i.metadata.namespace, i.metadata.name, status),
      recordBehind: (entity, message) =>
        record({ apiVersion: API_VERSION, kind: catalogKind(entity.kind)!.kind, namespace: entity.namespace, name: entity.name, uid: entity.uid }, { type: 'Warning', reason: 'InitiativeBehind', message }),
      notifications: new OwnerNotifications({
        notifier: options.notifier,
        entity: (ref) => options.graph.get(ref),
        scorecardTitle: (k) => scorecardOf(k)?.spec.title,
        dashboardUrl: options.dashboardUrl,
        // Tenants see Events on their Group, not the operator's log: both get it.
        warnOwner: (owner, reason, message) => {
          this.log.warn({ owner: owner.ref, reason }, message);
          void record({ apiVersion: API_VERSION, kind: catalogKind(owner.kind)!.kind, namespace: owner.namespace, name: owner.name, uid: owner.uid }, { type: 'Warning', reason, message });
        },
      }),
      enqueue: (k, afterMs) => this.enqueue(k, afterMs),
      now: () => options.now?.() ?? new Date(),
    };
    this.scores = new ScoresReconciler(world);
    this.initiativeReconciler = new InitiativeReconciler(world);
    this.wire();
  }

  private wire(): void {
    const scorecardChanged = (o: KubernetesObject) => this.enqueue(item.scorecard(keyOf(o)));
    for (const event of ['add', 'update', 'delete'] as const) this.scorecards.on(event, scorecardChanged);
    const initiativeChanged = (o: KubernetesObject) => this.enqueue(item.initiative(keyOf(o)));
    this.initiatives.on('add', initiativeChanged);
    this.initiatives.on('update', initiativeChanged);
    this.workloads.forEach((informer, index) => {
      const kind = workloadKind(index);
      const workloadChanged = (o: KubernetesObject) => {
        const { namespace, name } = o.metadata as { namespace: string; name: string };
        // A relabelled workload leaves the entity it was bound to: that one is scored again too.
        this.enqueueBound(namespace, this.bound?.update(kind, namespace, name, cachedWorkload(this.workloads, kind, namespace, name)));
        this.enqueueBound(namespace, bindsTo(o as unknown as WorkloadObject));
      };
      for (const event of ['add', 'update', 'delete'] as const) informer.on(event, workloadChanged);
    });
    const pdbChanged = (o: KubernetesObject) => {
      for (const w of workloadsIn(this.workloads, o.metadata!.namespace!)) this.enqueueBound(o.metadata!.namespace!, bindsTo(w));
    };
    for (const event of ['add', 'update', 'delete'] as const) this.pdbs.on(event, pdbChanged);
  }

  /** The catalog tells this of every entity change (and removal). */
  entityChanged(ref: string): void {
    this.enqueue(item.entity(ref));
  }

  /**
   * Before the first full scoring pass nothing is queued: that pass scores everything the
   * informers delivered meanwhile, and queues what it must write.
   */
  private enqueue(k: string, afterMs = 0): void {
    if (!this.primed) return;
    if (afterMs > 0) this.queue.addAfter(k, afterMs);
    else this.queue.add(k);
  }

  private enqueueBound(namespace: string, name: string | undefined): void {
    if (!name) return;
    for (const kind of CATALOG_KINDS) {
      const ref = refOf(kind.kind, namespace, name);
      if (this.options.graph.get(ref)) this.enqueue(item.entity(ref));
    }
  }

  private factsOf(entity: Entity): RuntimeFacts {
    if (!this.bound) {
      this.bound = new WorkloadIndex();
      for (const w of workloadsIn(this.workloads, undefined)) this.bound.update(w.kind!, w.metadata!.namespace!, w.metadata!.name!, w);
    }
    const workloads = this.bound.of(entity.namespace, entity.name);
    return factsFor(entity, workloads, workloads.length > 0 ? (this.pdbs.list(entity.namespace) as unknown as PdbObject[]) : []);
  }

  private informerList(): Informer<KubernetesObject>[] {
    return [this.scorecards, this.initiatives, this.pdbs, ...this.workloads];
  }

  hasSynced(): boolean {
    return this.primed;
  }

  /**
   * Starts the informers; once they and the catalog graph (`graphBuilt`) have synced, scores
   * the whole catalog in memory and only then starts the workers, so the first summaries and
   * initiative phases count every entity and no entity loses its results on a restart.
   */
  async start(graphBuilt: Promise<unknown> = Promise.resolve()): Promise<void> {
    await Promise.all([...this.informerList().map((i) => i.start()), graphBuilt]);
    this.primed = true;
    if (this.options.isLeader()) await this.prime();
    this.queue.run((k) => this.work(k), this.options.concurrency ?? 4);
  }

  /** On becoming leader: score everything again (a follower's scores are stale) and reconcile it all. */
  enqueueAll(): void {
    if (this.primed) this.prime().catch((error: unknown) => this.log.error({ err: error }, 'could not score the whole catalog'));
  }

  private async prime(): Promise<void> {
    const started = Date.now();
    this.initiativeReconciler.forgetAnnounced();
    await this.scores.prime();
    this.log.info({ entities: this.options.graph.size, scorecards: this.scorecards.list().length, ms: Date.now() - started }, 'scored the whole catalog');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informerList().map((i) => i.stop()), this.queue.shutdown()]);
    await Promise.all([this.options.notifier?.stop(), this.rulePool.close()]);
  }

  private async work(queued: string): Promise<WorkResult> {
    // A follower writes nothing; becoming leader primes and queues everything (enqueueAll).
    if (!this.options.isLeader()) return 'done';
    const [type, id] = [queued.slice(0, 1), queued.slice(2)];
    if (type === 'e') return this.scores.evaluateEntity(id);
    if (type === 's') return this.scores.reconcileScorecard(id);
    return this.initiativeReconciler.reconcile(id);
  }
}

/** The entity's owner as a canonical ref, '' when it has none. */
function ownerRef(entity: Entity | undefined): string {
  const owner = entity?.spec.owner;
  return typeof owner === 'string' ? canonicalOwner(owner, entity!.namespace) : '';
}
