// Greenroom's changes and reads, once its cold start is measured: the same changes and the
// same entities as on Backstage's side (bench/peer/backstage-side.ts).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { loadKubeConfig } from '../../src/kube/config.ts';
import type { ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { kubectlFor } from '../kubectl.ts';
import { httpLatency, msSince } from '../measure.ts';
import type { SyntheticObject } from '../synthetic-catalog.ts';
import { addedDependency } from './catalog-files.ts';
import type { Converted } from './greenroom-side.ts';
import type { Read, Reads } from './report.ts';
import { componentNames, NODE_SAMPLES, READ_KINDS, type PeerSettings, type SideInput } from './settings.ts';
import { changeLatency, latencyOf, type Latency } from './timing.ts';

const CONCURRENCY = 8;

interface Relation {
  type: string;
  target: string;
}
type Relations = readonly Relation[] | undefined;
type Related = KubernetesObject & { status?: { relations?: Relation[] } };

/**
 * kubectl apply of the converted component with one more dependsOn; the clock runs from the
 * moment kubectl returned until the read API shows the relation on both ends (asked every
 * 10 ms) and, separately, until a watch shows it in both stored statuses.
 */
export async function greenroomChanges(
  controlPlane: ControlPlane,
  kubeConfig: ReturnType<typeof loadKubeConfig>,
  url: string,
  namespace: string,
  objects: readonly SyntheticObject[],
  converted: readonly Converted[],
  { settings, log }: Pick<SideInput, 'settings' | 'log'>,
): Promise<{ api: Latency; status: Latency }> {
  const kubectl = kubectlFor(controlPlane);
  const quiet = createLogger('silent');
  const informers = ['components', 'resources'].map(
    (plural) =>
      new Informer<Related>({ kubeConfig, path: `/apis/greenroom.dev/v1alpha1/namespaces/${namespace}/${plural}`, logger: quiet }),
  );
  await Promise.all(informers.map((i) => i.start()));
  const [components, resources] = informers as [Informer<Related>, Informer<Related>];
  const byName = new Map(converted.filter((o) => o.kind === 'Component').map((o) => [o.metadata.name, o]));
  const has = (list: Relations, type: string, target: string) => !!list?.some((r) => r.type === type && r.target === target);
  const apiTimes: number[] = [];
  const statusTimes: number[] = [];
  let applied = process.hrtime.bigint();
  let seen = { api: false, status: false };
  const change = (i: number) => addedDependency(objects, settings.changeOffsets.greenroom + i);
  const shows = (c: Relations, r: Relations, component: string, resource: string) =>
    has(c, 'dependsOn', `resource:${namespace}/${resource}`) && has(r, 'dependencyOf', `component:${namespace}/${component}`);
  try {
    await changeLatency(
      {
        samples: settings.greenroomChanges,
        budgetMs: Number.POSITIVE_INFINITY,
        timeoutMs: 30_000,
        pollMs: 10,
        async change(i) {
          const { component, resource } = change(i);
          const object = byName.get(component)!;
          const dependsOn = [...((object.spec.dependsOn as string[] | undefined) ?? []), `resource:${resource}`];
          await kubectl(['apply', '-f', '-'], JSON.stringify({ ...object, spec: { ...object.spec, dependsOn } }));
          applied = process.hrtime.bigint();
          seen = { api: false, status: false };
        },
        // Done once both are seen; each is timed when first seen.
        async visible(i) {
          const { component, resource } = change(i);
          if (
            !seen.status &&
            shows(
              components.get(namespace, component)?.status?.relations,
              resources.get(namespace, resource)?.status?.relations,
              component,
              resource,
            )
          ) {
            seen.status = true;
            statusTimes.push(msSince(applied));
          }
          if (!seen.api) {
            const [c, r] = await Promise.all(
              [`component/${namespace}/${component}`, `resource/${namespace}/${resource}`].map(
                async (path) => ((await (await fetch(`${url}/api/v1/entities/${path}`)).json()) as { relations?: Relation[] }).relations,
              ),
            );
            if (shows(c, r, component, resource)) {
              seen.api = true;
              apiTimes.push(msSince(applied));
            }
          }
          return seen.api && seen.status;
        },
      },
      'Greenroom change',
      log,
    );
    return { api: latencyOf(apiTimes), status: latencyOf(statusTimes) };
  } finally {
    await Promise.all(informers.map((i) => i.stop()));
  }
}

/** The read API at 8 in flight: pages of 100, one entity, a depth-3 graph; the same entities Backstage is asked for. */
export async function greenroomReads(
  url: string,
  namespace: string,
  objects: readonly SyntheticObject[],
  settings: PeerSettings,
): Promise<Reads> {
  const roots = componentNames(objects);
  const path = (make: (i: number) => string) => {
    let i = 0;
    return () => make(i++);
  };
  const read = async (make: (i: number) => string, requests = settings.reads): Promise<Read> => {
    const { p50, p99, bytes } = await httpLatency(url, path(make), requests, CONCURRENCY);
    return { n: requests, p50, p99, bytes: bytes.reduce((a, b) => a + b, 0) / bytes.length };
  };
  const page = await read((i) => `/api/v1/entities?namespace=${namespace}&limit=100&kind=${READ_KINDS[i % READ_KINDS.length]}`);
  const one = await read((i) => `/api/v1/entities/component/${namespace}/${roots.one(i)}`);
  // limit 2000 (the most it allows): the default 200 would cut the walk short where Backstage's does not.
  const graphPath = (i: number) => `/api/v1/graph?root=component:${namespace}/${roots.graph(i)}&depth=3&limit=2000`;
  const graph = await read(graphPath, settings.walks);
  let nodes = 0;
  let truncated = 0;
  for (let i = 0; i < NODE_SAMPLES; i++) {
    const answer = (await (await fetch(url + graphPath(i))).json()) as { nodes: unknown[]; truncated: boolean };
    nodes += answer.nodes.length;
    if (answer.truncated) truncated += 1;
  }
  return { page, one, graph: { ...graph, nodes: nodes / NODE_SAMPLES, truncated } };
}
