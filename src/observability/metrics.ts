import { Registry, collectDefaultMetrics } from 'prom-client';

/** A metrics registry with the process metrics; controllers register theirs on it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
