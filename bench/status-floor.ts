import type { EntityStatus } from '../src/api/v1alpha1/index.ts';
import { toEntity } from '../src/catalog/entity.ts';
import { CatalogGraph } from '../src/catalog/graph.ts';
import { decideStatus } from '../src/controllers/catalog/decide.ts';
import { resolvedView } from '../src/controllers/catalog/reconcile.ts';
import type { RawKubeClient } from '../src/kube/raw-client.ts';
import { applyStatus } from '../src/kube/status-writer.ts';
import { msSince } from './measure.ts';
import { inParallel, type SyntheticObject } from './synthetic-catalog.ts';

/**
 * What the operator will write for each object: its final status, computed the way the
 * operator computes it (same graph, same decision), before the clock starts.
 */
export function finalStatuses(objects: readonly SyntheticObject[]): EntityStatus[] {
  const graph = new CatalogGraph();
  const entities = objects.map((o) => toEntity({ ...o, metadata: { ...o.metadata, generation: 1 } })!);
  for (const e of entities) graph.upsert(e);
  const now = new Date();
  return entities.map((e) => decideStatus(e, resolvedView(graph, e.ref), now));
}

/**
 * The floor: the given status writes by a bare loop with the operator's client, `concurrency`
 * in flight, nothing else; milliseconds. Each object gets `statuses[i]` in `namespace`.
 */
export async function floorWrites(
  client: RawKubeClient,
  objects: readonly SyntheticObject[],
  statuses: readonly EntityStatus[],
  namespace: string,
  concurrency: number,
): Promise<number> {
  const start = process.hrtime.bigint();
  await inParallel(objects, concurrency, async (o, i) => {
    await applyStatus(client, o, namespace, o.metadata.name, statuses[i]);
  });
  return msSince(start);
}
