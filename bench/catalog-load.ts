// What the catalog benchmarks measure once an operator is running: how soon a change shows
// on both ends, and the read API's latency with requests in flight.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { createLogger } from '../src/observability/logger.ts';
import { Informer } from '../src/runtime/informer.ts';
import { msSince } from './measure.ts';
import { inParallel, percentile, type SyntheticObject } from './synthetic-catalog.ts';

type Related = KubernetesObject & { status?: { relations?: { type: string; target: string }[] } };

export interface Latencies {
  p50: number;
  p99: number;
  n: number;
}

export const summarise = (values: number[]): Latencies => ({ p50: percentile(values, 50), p99: percentile(values, 99), n: values.length });

/**
 * `changes` × `kubectl apply` of a component with one more dependsOn (on a resource it did
 * not depend on); each timed from the moment kubectl returned (the change is stored) until a
 * watch shows dependsOn on the component and dependencyOf on the resource.
 */
export async function changeLatency(options: {
  kubeConfig: KubeConfig;
  apply: (manifest: string) => Promise<void>;
  namespace: string;
  components: readonly SyntheticObject[];
  resources: number;
  changes: number;
}): Promise<Latencies> {
  const { namespace } = options;
  const quiet = createLogger('silent');
  const watched = ['components', 'resources'].map(
    (plural) =>
      new Informer<Related>({
        kubeConfig: options.kubeConfig,
        path: `/apis/greenroom.dev/v1alpha1/namespaces/${namespace}/${plural}`,
        logger: quiet,
      }),
  );
  await Promise.all(watched.map((i) => i.start()));
  const [components, resources] = watched as [Informer<Related>, Informer<Related>];
  const has = (list: { type: string; target: string }[] | undefined, r: { type: string; target: string }): boolean =>
    !!list?.some((x) => x.type === r.type && x.target === r.target);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < options.changes; i++) {
      const component = options.components[i % options.components.length]!;
      const name = component.metadata.name;
      const before = (component.spec.dependsOn as string[] | undefined) ?? [];
      let n = (i * 37 + 11) % options.resources;
      while (before.includes(`resource:resource-${n}`)) n = (n + 1) % options.resources;
      const target = `resource-${n}`;
      const manifest = {
        apiVersion: component.apiVersion,
        kind: component.kind,
        metadata: { name, namespace },
        spec: { ...component.spec, dependsOn: [...before, `resource:${target}`] },
      };
      await options.apply(JSON.stringify(manifest));
      const applied = process.hrtime.bigint();
      const dependsOn = { type: 'dependsOn', target: `resource:${namespace}/${target}` };
      const dependencyOf = { type: 'dependencyOf', target: `component:${namespace}/${name}` };
      for (;;) {
        if (
          has(components.get(namespace, name)?.status?.relations, dependsOn) &&
          has(resources.get(namespace, target)?.status?.relations, dependencyOf)
        )
          break;
        if (msSince(applied) > 30_000) throw new Error(`change ${i} (${name} → ${target}) not visible after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      latencies.push(msSince(applied));
    }
  } finally {
    await Promise.all(watched.map((i) => i.stop()));
  }
  return summarise(latencies);
}

/** `requests` GETs of `url` + `path(i)`, `inFlight` at a time; each must answer 200. */
export async function readLatency(url: string, path: (i: number) => string, requests: number, inFlight: number): Promise<Latencies> {
  const latencies: number[] = [];
  await inParallel(
    Array.from({ length: requests }, (_, i) => i),
    inFlight,
    async (i) => {
      const start = process.hrtime.bigint();
      const res = await fetch(url + path(i));
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path(i)}: ${res.status}`);
      latencies.push(msSince(start));
    },
  );
  return summarise(latencies);
}
