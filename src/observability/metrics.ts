import { Registry, collectDefaultMetrics } from 'prom-client';

/** A metrics registry with the process metrics; controllers register theirs on it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The one way a metric is registered. Queues, informers and electors of different
 * controllers share one registry, and prom-client throws on a second registration: `shared`
 * hands back the metric already there. A metric whose collect() reads one replica's stores
 * (the catalog graph, the score book) is `replaced`, so a second operator started on the same
 * registry (tests, the demo's restarts) reports its own stores, not the first one's.
 */
export function metricOn<M>(
  registry: Registry,
  name: string,
  create: (registers: Registry[]) => M,
  mode: 'shared' | 'replaced' = 'shared',
): M {
  const existing = registry.getSingleMetric(name);
  if (existing && mode === 'shared') return existing as M;
  if (existing) registry.removeSingleMetric(name);
  return create([registry]);
}
