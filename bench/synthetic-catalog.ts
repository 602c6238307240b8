import type { RawKubeClient } from '../src/kube/raw-client.ts';

/**
 * A synthetic catalog of `size` entities with about three references each, shaped like a
 * company: 2 % groups, 4 % systems, 10 % resources, the rest components. Deterministic.
 */
export interface SyntheticObject {
  apiVersion: string;
  kind: string;
  plural: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export function syntheticCatalog(size: number, namespace: string): SyntheticObject[] {
  const groups = Math.max(1, Math.round(size * 0.02));
  const systems = Math.max(1, Math.round(size * 0.04));
  const resources = Math.max(1, Math.round(size * 0.1));
  const components = size - groups - systems - resources;
  const make = (kind: string, plural: string, name: string, spec: Record<string, unknown>): SyntheticObject => ({
    apiVersion: 'greenroom.dev/v1alpha1',
    kind,
    plural,
    metadata: { name, namespace },
    spec,
  });
  const objects: SyntheticObject[] = [];
  for (let i = 0; i < groups; i++)
    objects.push(make('Group', 'groups', `team-${i}`, { type: 'team', ...(i > 0 ? { parent: `team-${Math.floor((i - 1) / 5)}` } : {}) }));
  for (let i = 0; i < systems; i++) objects.push(make('System', 'systems', `system-${i}`, { owner: `team-${i % groups}` }));
  for (let i = 0; i < resources; i++) {
    objects.push(
      make('Resource', 'resources', `resource-${i}`, { type: 'database', owner: `team-${i % groups}`, system: `system-${i % systems}` }),
    );
  }
  for (let i = 0; i < components; i++) {
    objects.push(
      make('Component', 'components', `component-${i}`, {
        type: 'service',
        lifecycle: 'production',
        owner: `team-${i % groups}`,
        system: `system-${i % systems}`,
        dependsOn: [`resource:resource-${i % resources}`],
        description: `Synthetic service number ${i}`,
      }),
    );
  }
  return objects;
}

/** Creates the namespace and every object in it through the apiserver, `concurrency` (16) at a time. */
export async function createSynthetic(
  client: RawKubeClient,
  objects: readonly SyntheticObject[],
  namespace: string,
  concurrency = 16,
): Promise<void> {
  await client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
  await inParallel(objects, concurrency, async (o) => {
    await client.request({
      method: 'POST',
      path: `/apis/greenroom.dev/v1alpha1/namespaces/${namespace}/${o.plural}`,
      body: { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec },
    });
  });
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/** p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
