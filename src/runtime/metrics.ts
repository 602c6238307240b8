import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricOn } from '../observability/metrics.ts';

/**
 * The runtime's metrics, named as controller-runtime and client-go name them so that
 * existing dashboards and alerts work unchanged. Work-queue series are labelled `name`,
 * controller series `controller`; both carry the controller's name.
 */
export interface RuntimeMetrics {
  queueDepth: Gauge<'name'>;
  queueAdds: Counter<'name'>;
  queueRetries: Counter<'name'>;
  queueDuration: Histogram<'name'>;
  workDuration: Histogram<'name'>;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  activeWorkers: Gauge<'controller'>;
  leaderStatus: Gauge<'name'>;
  informerRestarts: Counter<'informer' | 'reason'>;
  informerHandlerErrors: Counter<'informer'>;
  informerBookmarks: Counter<'informer'>;
}

// controller-runtime's buckets: workqueue latencies span 10 ns to 1000 s by powers of ten.
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** The runtime's metrics on `registry`; safe to call many times with the same registry. */
export function createRuntimeMetrics(registry: Registry): RuntimeMetrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
    metricOn(registry, name, (registers) => new Gauge({ name, help, labelNames, registers }));
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    metricOn(registry, name, (registers) => new Counter({ name, help, labelNames, registers }));
  const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> =>
    metricOn(registry, name, (registers) => new Histogram({ name, help, labelNames, buckets, registers }));
  return {
    queueDepth: gauge('workqueue_depth', 'Current depth of workqueue', ['name']),
    queueAdds: counter('workqueue_adds_total', 'Total number of adds handled by workqueue', ['name']),
    queueRetries: counter('workqueue_retries_total', 'Total number of retries handled by workqueue', ['name']),
    queueDuration: histogram(
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
      ['name'],
      WORKQUEUE_BUCKETS,
    ),
    workDuration: histogram(
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes',
      ['name'],
      WORKQUEUE_BUCKETS,
    ),
    reconcileTotal: counter('controller_runtime_reconcile_total', 'Total number of reconciliations per controller', [
      'controller',
      'result',
    ]),
    reconcileErrors: counter('controller_runtime_reconcile_errors_total', 'Total number of reconciliation errors per controller', [
      'controller',
    ]),
    reconcileTime: histogram(
      'controller_runtime_reconcile_time_seconds',
      'Length of time per reconciliation per controller',
      ['controller'],
      RECONCILE_BUCKETS,
    ),
    activeWorkers: gauge('controller_runtime_active_workers', 'Number of currently used workers per controller', ['controller']),
    leaderStatus: gauge(
      'leader_election_master_status',
      'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      ['name'],
    ),
    informerRestarts: counter(
      'greenroom_informer_restarts_total',
      'Watch restarts per informer and reason (error, silence, relist, manual)',
      ['informer', 'reason'],
    ),
    informerHandlerErrors: counter('greenroom_informer_handler_errors_total', 'Event handlers that threw or rejected, per informer', [
      'informer',
    ]),
    informerBookmarks: counter(
      'greenroom_informer_watch_bookmarks_total',
      'Watch bookmarks received per informer: a quiet watch that gets them is alive',
      ['informer'],
    ),
  };
}
