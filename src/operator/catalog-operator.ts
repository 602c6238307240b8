import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Counter, Gauge, type Registry } from 'prom-client';
import { API_VERSION, CATALOG_KINDS, type CatalogKind } from '../api/v1alpha1/index.ts';
import { toEntity, withChangedAt, type CatalogObject, type Entity } from '../catalog/entity.ts';
import { CatalogGraph } from '../catalog/graph.ts';
import { splitRef, type EntityRef } from '../catalog/refs.ts';
import { CatalogReconciler } from '../controllers/catalog/reconcile.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { eventRecorder } from '../kube/events.ts';
import { applyStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue } from '../runtime/work-queue.ts';

export interface CatalogOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  /** Workers per kind. */
  concurrency: number;
  /** Watch one namespace only; all namespaces when absent. */
  namespace?: string | undefined;
  /** Only the leader writes; every replica keeps the graph for the read API. */
  isLeader: () => boolean;
  now?: () => Date;
  /** Watchdog and relist periods, shortened by tests. */
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
  /** Told of every entity as it changes or goes, e.g. to keep a search index current. */
  onEntity?: { upsert: (entity: Entity) => void; remove: (ref: EntityRef) => void };
}

/**
 * The catalog part of the operator: one informer, queue and reconciler per catalog kind
 * around one shared graph. Informer events update the graph, and the entities the graph
 * says are affected are queued on their own kind's queue. Nothing is reconciled before
 * every kind has synced and the whole graph is built, so a cold start of N entities costs
 * at most N status writes.
 */
export class CatalogOperator {
  readonly graph = new CatalogGraph();

  private readonly options: CatalogOperatorOptions;
  private readonly log: Logger;
  private readonly informers: Informer<KubernetesObject>[] = [];
  private readonly queues = new Map<string, WorkQueue>();
  private readonly reconciler: CatalogReconciler;
  private readonly writes: Counter<'kind'>;
  private synced = false;

  constructor(options: CatalogOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'catalog' });
    const client = new RawKubeClient(options.kubeConfig);
    const kinds = new Map(CATALOG_KINDS.map((k) => [k.kind, k]));
    const record = eventRecorder(client, (error) => this.log.warn({ err: error }, 'could not record an event'));
    this.reconciler = new CatalogReconciler({
      recordEvent: (entity, event) =>
        record({ apiVersion: API_VERSION, kind: entity.kind, namespace: entity.namespace, name: entity.name, uid: entity.uid }, event),
      graph: this.graph,
      now: options.now ?? (() => new Date()),
      log: this.log,
      writeStatus: (entity, status) => applyStatus(client, kinds.get(entity.kind)!, entity.namespace, entity.name, status),
    });
    for (const kind of CATALOG_KINDS) this.wire(kind);
    this.writes = registerCatalogMetrics(options.registry, this.graph);
  }

  private wire(kind: CatalogKind): void {
    const name = kind.kind.toLowerCase();
    const informer = new Informer<KubernetesObject>({
      kubeConfig: this.options.kubeConfig,
      path: `/apis/${API_VERSION}/${this.options.namespace ? `namespaces/${this.options.namespace}/` : ''}${kind.plural}`,
      name,
      logger: this.log,
      registry: this.options.registry,
      ...this.options.informerTimings,
    });
    informer.on('add', (object) => this.upsert(object));
    informer.on('update', (object) => this.upsert(object));
    informer.on('delete', (object) => {
      const entity = toEntity(object as CatalogObject);
      if (entity) {
        this.options.onEntity?.remove(entity.ref);
        this.reconciler.forget(entity.ref);
        this.enqueue(this.graph.remove(entity.ref));
      }
    });
    this.informers.push(informer);
    this.queues.set(name, new WorkQueue({ name, logger: this.log, registry: this.options.registry }));
  }

  /** Objects come from a raw list/watch: timestamps are strings, as CatalogObject says. */
  private upsert(object: KubernetesObject): void {
    const entity = toEntity(object as CatalogObject);
    if (!entity) return;
    const current = withChangedAt(entity, this.graph.get(entity.ref), new Date());
    this.options.onEntity?.upsert(current);
    this.enqueue(this.graph.upsert(current));
  }

  private enqueue(refs: Iterable<EntityRef>): void {
    // Before the cold-start sync the whole graph is queued at once; queueing now would
    // only reconcile against a half-built graph.
    if (!this.synced) return;
    for (const ref of refs) this.queues.get(splitRef(ref).kind)?.add(ref);
  }

  /** Starts every informer, builds the graph, then starts the workers. */
  async start(): Promise<void> {
    const started = Date.now();
    await Promise.all(this.informers.map((i) => i.start()));
    this.synced = true;
    this.log.info({ entities: this.graph.size, ms: Date.now() - started }, 'catalog caches synced; graph built');
    for (const [, queue] of this.queues) {
      queue.run((ref) => this.work(ref), this.options.concurrency);
    }
    this.resyncAll();
  }

  /** Queues every entity, e.g. when this replica becomes leader. */
  resyncAll(): void {
    if (this.synced) this.enqueue(this.graph.sortedRefs());
  }

  private async work(ref: EntityRef): Promise<'done'> {
    // A follower keeps its graph current but leaves writing to the leader; becoming leader
    // queues everything again (resyncAll).
    if (!this.options.isLeader()) return 'done';
    if ((await this.reconciler.reconcile(ref)) === 'written') this.writes.inc({ kind: splitRef(ref).kind });
    return 'done';
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Stops the informers and drains the queues. */
  async stop(): Promise<void> {
    await Promise.all([...this.informers.map((i) => i.stop()), ...[...this.queues.values()].map((q) => q.shutdown())]);
  }
}

/** Greenroom's own catalog metrics; the gauges are computed from the graph when scraped. */
function registerCatalogMetrics(registry: Registry, graph: CatalogGraph): Counter<'kind'> {
  for (const name of ['greenroom_catalog_entities', 'greenroom_catalog_dangling_references', 'greenroom_catalog_status_writes_total']) {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  }
  new Gauge({
    name: 'greenroom_catalog_entities',
    help: 'Catalog entities in the operator graph, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const e of graph.all()) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
      for (const [kind, n] of counts) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'greenroom_catalog_dangling_references',
    help: 'References naming entities that do not exist, over the whole catalog.',
    registers: [registry],
    collect() {
      this.set(graph.danglingCount());
    },
  });
  return new Counter({
    name: 'greenroom_catalog_status_writes_total',
    help: 'Entity statuses written by this replica, by kind (only the leader writes).',
    labelNames: ['kind'],
    registers: [registry],
  });
}
