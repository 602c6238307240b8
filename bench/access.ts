// Reads as signed-in people (issue 13): the read API's latency at 10,000 entities for 50
// distinct people, each seeing the catalog through RBAC (a RoleBinding per team in the
// catalog's namespace, so every request takes the filtering path), next to the same reads
// anonymous (--auth none). Real control plane, real SubjectAccessReviews, the operator as
// its own process run from source. Writes the "Reads as signed-in people" section of
// BENCHMARKS.md. Run: node bench/access.ts (BENCH_ACCESS_SIZE, BENCH_READS).
import { fileURLToPath } from 'node:url';
import { presentNamespaces } from '../src/access/present.ts';
import { AccessReviews, subjectAccessReviews, type Subject } from '../src/access/reviews.ts';
import { visibilitiesFor } from '../src/access/visible-namespaces.ts';
import { toEntity } from '../src/catalog/entity.ts';
import { CatalogGraph } from '../src/catalog/graph.ts';
import { installCrds } from '../src/kube/apply.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { RawKubeClient } from '../src/kube/raw-client.ts';
import { startControlPlane } from '../src/local-cluster/control-plane.ts';
import { freePort } from '../src/local-cluster/ports.ts';
import { createLogger } from '../src/observability/logger.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { startOperatorProcess, type OperatorProcess } from './operator-process.ts';
import { createSynthetic, inParallel, percentile, syntheticCatalog } from './synthetic-catalog.ts';

const SIZE = Number(process.env.BENCH_ACCESS_SIZE ?? 10_000);
const READS = Number(process.env.BENCH_READS ?? 2000);
const PEOPLE = 50;
const TEAMS = 10;
const CONCURRENCY = 8;
const TARGET_RATIO = 1.5;
const NAMESPACE = 'bench-access';
const log = (line: string): void => void process.stderr.write(`[bench:access] ${line}\n`);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Person i is in team i mod 10; the proxy's headers name them (no prefixes). */
const people: Subject[] = Array.from({ length: PEOPLE }, (_, i) => ({ username: `person-${i}`, groups: [`team-${i % TEAMS}`] }));
const headersOf = (p: Subject) => ({ 'X-Forwarded-User': p.username, 'X-Forwarded-Groups': p.groups.join(',') });

const controlPlane = await startControlPlane({ log });
const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
const client = new RawKubeClient(kubeConfig);
const reader = 'bench-greenroom-reader';

async function rbac(): Promise<void> {
  await client.request({
    method: 'POST',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: reader }, rules: [{ apiGroups: ['greenroom.dev'], resources: ['*'], verbs: ['get', 'list'] }] },
  });
  for (let t = 0; t < TEAMS; t++) {
    await client.request({
      method: 'POST',
      path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings`,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `team-${t}-reads`, namespace: NAMESPACE },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `team-${t}` }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader },
      },
    });
  }
}

/** Until the operator has written every status and its queues are empty: reads then meet a quiet replica. */
async function settled(operator: OperatorProcess, writesBefore: number): Promise<void> {
  for (;;) {
    const [ready] = await Promise.all([fetch(`${operator.url}/readyz`).then((r) => r.ok, () => false)]);
    const [written, depth] = await operator.metrics('greenroom_catalog_status_writes_total', 'workqueue_depth');
    if (ready && (written ?? 0) >= writesBefore && depth === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const PATHS = [
  { name: 'list page of 100', path: (i: number) => `/api/v1/entities?namespace=${NAMESPACE}&limit=100&kind=${['component', 'resource', 'group'][i % 3]}` },
  { name: 'get one entity', path: (i: number) => `/api/v1/entities/component/${NAMESPACE}/component-${(i * 13) % Math.round(SIZE * 0.84)}` },
  { name: 'graph depth 3', path: (i: number) => `/api/v1/graph?root=component:${NAMESPACE}/component-${(i * 7) % Math.round(SIZE * 0.84)}&depth=3` },
];

/** p50/p99 per path; request i is made as person i mod 50 when signed in. */
async function readLoad(url: string, signedIn: boolean): Promise<{ p50: number; p99: number }[]> {
  const out: { p50: number; p99: number }[] = [];
  for (const { name, path } of PATHS) {
    const latencies: number[] = [];
    await inParallel(Array.from({ length: READS }, (_, i) => i), CONCURRENCY, async (i) => {
      const start = process.hrtime.bigint();
      const res = await fetch(url + path(i), { headers: signedIn ? headersOf(people[i % PEOPLE]!) : {} });
      const body = (await res.json()) as { total?: number; nodes?: unknown[] };
      if (!res.ok) throw new Error(`${path(i)}: ${res.status}`);
      // Each person sees the whole namespace: a filter that hid it would not be measuring anything.
      if (body.total === 0 || body.nodes?.length === 0) throw new Error(`${path(i)}: nothing visible`);
      latencies.push(ms(start));
    });
    out.push({ p50: percentile(latencies, 50), p99: percentile(latencies, 99) });
    log(`${signedIn ? `${PEOPLE} people` : 'anonymous'} ${name}: p50 ${out.at(-1)!.p50.toFixed(1)} ms, p99 ${out.at(-1)!.p99.toFixed(1)} ms`);
  }
  return out;
}

try {
  await installCrds(kubeConfig, fileURLToPath(new URL('../crds/', import.meta.url)));
  const objects = syntheticCatalog(SIZE, NAMESPACE);
  log(`creating ${objects.length} entities`);
  await createSynthetic(client, objects, NAMESPACE);
  await rbac();

  // The hook: visibility for 50 distinct people against the real apiserver, cold then cached.
  const graph = new CatalogGraph();
  for (const o of objects) graph.upsert(toEntity({ ...o, metadata: { ...o.metadata, generation: 1 } })!);
  let reviews = 0;
  const send = subjectAccessReviews(client);
  const access = new AccessReviews({ send: (s, q) => (reviews++, send(s, q)), logger: createLogger('silent') });
  const present = presentNamespaces({ graph });
  let start = process.hrtime.bigint();
  await visibilitiesFor(access, people, present);
  const cold = ms(start);
  const coldReviews = reviews;
  start = process.hrtime.bigint();
  await visibilitiesFor(access, people, present);
  const warm = ms(start);
  log(`visibility for ${PEOPLE} people: cold ${cold.toFixed(0)} ms (${coldReviews} reviews), cached ${warm.toFixed(2)} ms`);

  let operator = await startOperatorProcess(controlPlane.kubeconfigPath, NAMESPACE, await freePort(), CONCURRENCY, { fromSource: true });
  await settled(operator, SIZE);
  for (let i = 0; i < 200; i++) await fetch(operator.url + PATHS[i % 3]!.path(i)).then((r) => r.arrayBuffer());
  const anonymous = await readLoad(operator.url, false);
  await operator.stop();

  operator = await startOperatorProcess(controlPlane.kubeconfigPath, NAMESPACE, await freePort(), CONCURRENCY, { fromSource: true, extraArgs: ['--auth', 'proxy'] });
  await settled(operator, 0);
  // Warm-up as every person once per path: their reviews are cached (10 s TTL) before the clock starts, as they would be for a person browsing.
  for (let i = 0; i < PEOPLE * 3; i++) await fetch(operator.url + PATHS[i % 3]!.path(i), { headers: headersOf(people[i % PEOPLE]!) }).then((r) => r.arrayBuffer());
  const people50 = await readLoad(operator.url, true);
  await operator.stop();

  const rows = PATHS.map(({ name }, i) => {
    const a = anonymous[i]!;
    const p = people50[i]!;
    const ratio = p.p99 / a.p99;
    return `| ${name} | p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms | p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms | ${ratio.toFixed(2)} | ${ratio <= TARGET_RATIO ? 'met' : 'not met'} |`;
  });
  writeBenchmarksSection('Reads as signed-in people', `## Reads as signed-in people

Written by \`node bench/access.ts\` on ${new Date().toISOString().slice(0, 10)}. ${SIZE} entities in one namespace; ${PEOPLE} people in
${TEAMS} teams, each team with a RoleBinding in that namespace to a ClusterRole that may get/list
greenroom.dev resources, so every signed-in request is filtered (namespaced grants, not
cluster-wide) although each person sees everything. The operator runs from source as its own
process, \`--auth none\` for the anonymous figures and \`--auth proxy\` (headers from loopback) for
the signed-in ones; ${READS} requests per path, ${CONCURRENCY} in flight, request i made as person i mod ${PEOPLE}.
Target: signed-in p99 within ${TARGET_RATIO} × anonymous.

| read API | anonymous | ${PEOPLE} signed-in people | p99 ratio | |
|---|---|---|---:|---|
${rows.join('\n')}

Building the visibility of ${PEOPLE} distinct people at once (src/access/visible-namespaces.ts
\`visibilitiesFor\`, against the same apiserver): ${cold.toFixed(0)} ms with a cold cache (${coldReviews} SubjectAccessReviews:
12 cluster-wide, then one per resource present in the namespace), ${warm.toFixed(2)} ms once cached.
`);
  log('wrote the "Reads as signed-in people" section of BENCHMARKS.md');
} finally {
  await controlPlane.stop();
}
