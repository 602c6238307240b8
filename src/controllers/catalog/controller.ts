import { Counter, Gauge, type Registry } from 'prom-client';
import { API_VERSION, catalogKind } from '../../api/v1alpha1/index.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import { splitRef } from '../../catalog/refs.ts';
import { metricOn } from '../../observability/metrics.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { Controller } from '../../runtime/controller.ts';
import { CatalogReconciler } from './reconcile.ts';
import { catalogWatches, type EntityListener } from './triggers.ts';

export interface CatalogControllerOptions {
  /** The read model the catalog keeps: every replica's, written by the watches, read by HTTP, search and scorecards. */
  graph: CatalogGraph;
  /** The explicit fan-out of entity changes (search, scorecards). */
  listeners: readonly EntityListener[];
  concurrency: number;
}

/**
 * The catalog: one controller over every catalog kind, around one shared graph. Watches keep
 * the graph (triggers.ts), the reconciler writes each entity's status from it (reconcile.ts,
 * deciding in decide.ts). Nothing is reconciled before every kind has synced, so a cold start
 * of N entities costs at most N status writes.
 */
export function catalogController(context: ControllerContext, options: CatalogControllerOptions): Controller {
  const { graph } = options;
  const reconciler = new CatalogReconciler({
    graph,
    now: () => nowOf(context),
    log: context.logger.child({ component: 'catalog' }),
    writeStatus: (entity, status) => context.status.apply(catalogKind(entity.kind)!, entity.namespace, entity.name, status),
    recordEvent: (entity, event) =>
      context.events(
        { apiVersion: API_VERSION, kind: entity.kind, namespace: entity.namespace, name: entity.name, uid: entity.uid },
        event,
      ),
  });
  const writes = registerCatalogMetrics(context.registry, graph);
  return new Controller(context, {
    name: 'catalog',
    watches: catalogWatches(context, graph, options.listeners),
    concurrency: options.concurrency,
    keys: () => graph.sortedRefs(),
    reconcile: async (ref) => {
      if ((await reconciler.reconcile(ref)) === 'written') writes.inc({ kind: splitRef(ref).kind });
      return 'done';
    },
  });
}

/** Greenroom's own catalog metrics; the gauges are computed from the graph when scraped. */
function registerCatalogMetrics(registry: Registry, graph: CatalogGraph): Counter<'kind'> {
  metricOn(
    registry,
    'greenroom_catalog_entities',
    (registers) =>
      new Gauge({
        name: 'greenroom_catalog_entities',
        help: 'Catalog entities in the operator graph, by kind.',
        labelNames: ['kind'],
        registers,
        collect() {
          this.reset();
          for (const [kind, n] of graph.countsByKind()) this.set({ kind }, n);
        },
      }),
    'replaced',
  );
  metricOn(
    registry,
    'greenroom_catalog_dangling_references',
    (registers) =>
      new Gauge({
        name: 'greenroom_catalog_dangling_references',
        help: 'References naming entities that do not exist, over the whole catalog.',
        registers,
        collect() {
          this.set(graph.danglingCount());
        },
      }),
    'replaced',
  );
  return metricOn(
    registry,
    'greenroom_catalog_status_writes_total',
    (registers) =>
      new Counter({
        name: 'greenroom_catalog_status_writes_total',
        help: 'Entity statuses written by this replica, by kind (only the leader writes).',
        labelNames: ['kind'],
        registers,
      }),
    'replaced',
  );
}
