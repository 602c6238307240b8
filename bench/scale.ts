// npm run bench (after the others): the catalog at ten times the main benchmark's size —
// 100,000 entities with a big company's fan-out (bench/large-catalog.ts) — on the local
// control plane, with the operator as its own process from dist/. Writes the "Ten times the
// size" section of BENCHMARKS.md. BENCH_SCALE_SIZE changes the size (e.g. 20000 to try it).
import { readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCrds } from '../src/kube/apply.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { RawKubeClient } from '../src/kube/raw-client.ts';
import { startControlPlane } from '../src/local-cluster/control-plane.ts';
import { freePort } from '../src/local-cluster/ports.ts';
import { CatalogGraph } from '../src/catalog/graph.ts';
import { toEntity } from '../src/catalog/entity.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { changeLatency, readLatency, type Latencies } from './catalog-load.ts';
import { kubectlFor } from './kubectl.ts';
import { largeCatalog } from './large-catalog.ts';
import { msSince } from './measure.ts';
import { startOperatorProcess } from './operator-process.ts';
import { finalStatuses, floorWrites } from './status-floor.ts';
import { createSynthetic, type SyntheticObject } from './synthetic-catalog.ts';

const SIZE = Number(process.env.BENCH_SCALE_SIZE ?? 100_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const READS = Number(process.env.BENCH_READS ?? 2000);
const IN_FLIGHT = 8;
/** Concurrencies the floor is measured at; the best is the floor, and the operator's. */
const CONCURRENCIES = [8, 16, 32, 64];
/** The floor's sample: every tenth object, a quarter of them per concurrency. */
const FLOOR_EVERY = 10;
const log = (line: string): void => void process.stderr.write(`[scale] ${line}\n`);
const memory = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;

const controlPlane = await startControlPlane({ log });
try {
  const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
  const client = new RawKubeClient(kubeConfig);
  const kubectl = kubectlFor(controlPlane);
  await installCrds(kubeConfig, fileURLToPath(new URL('../crds/', import.meta.url)));
  const namespace = 'scale';
  const objects = largeCatalog(SIZE, namespace);
  let started = process.hrtime.bigint();
  await createSynthetic(client, objects, namespace, 32);
  const createdIn = msSince(started);
  log(`created ${SIZE} entities in ${(createdIn / 1000).toFixed(0)} s (bench ${memory()})`);

  // The floor: the operator's final statuses (computed from the whole catalog) written by a
  // bare loop to a sample copy, at each concurrency; the best rate, scaled to the whole catalog.
  const statuses = finalStatuses(objects);
  const sample = objects.map((o, i) => ({ o, i })).filter(({ i }) => i % FLOOR_EVERY === 0);
  const floorNamespace = `${namespace}-floor`;
  await createSynthetic(
    client,
    sample.map(({ o }) => ({ ...o, metadata: { ...o.metadata, namespace: floorNamespace } })),
    floorNamespace,
    32,
  );
  const quarter = Math.ceil(sample.length / CONCURRENCIES.length);
  const rates: { concurrency: number; perSecond: number }[] = [];
  for (const [k, concurrency] of CONCURRENCIES.entries()) {
    const slice = sample.slice(k * quarter, (k + 1) * quarter);
    const ms = await floorWrites(
      client,
      slice.map(({ o }) => o),
      slice.map(({ i }) => statuses[i]!),
      floorNamespace,
      concurrency,
    );
    rates.push({ concurrency, perSecond: (slice.length / ms) * 1000 });
    log(`floor at ${concurrency} in flight: ${rates.at(-1)!.perSecond.toFixed(0)} status writes/s`);
  }
  const best = rates.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const floorMs = (SIZE / best.perSecond) * 1000;

  // What a correct read API answers: every entity, and these entities' relations exactly.
  const expected = new CatalogGraph();
  for (const o of objects) expected.upsert(toEntity({ ...o, metadata: { ...o.metadata, generation: 1 } })!);
  const probes = probeRefs(objects, namespace);

  const port = await freePort();
  started = process.hrtime.bigint();
  const operator = await startOperatorProcess(controlPlane.kubeconfigPath, namespace, port, best.concurrency);
  let readModelMs = 0;
  for (;;) {
    if (await readModelComplete(operator.url, namespace, expected, probes)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  readModelMs = msSince(started);
  log(`read model complete after ${(readModelMs / 1000).toFixed(1)} s, operator RSS ${operator.rssMiB().toFixed(0)} MiB`);
  let writes = 0;
  for (;;) {
    const [written, depth] = await operator.metrics('greenroom_catalog_status_writes_total', 'workqueue_depth');
    writes = written ?? 0;
    if (writes >= SIZE && depth === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const statusesMs = msSince(started);
  const rssAfterStart = operator.rssMiB();
  log(`every status written after ${(statusesMs / 1000).toFixed(1)} s (${writes} writes), RSS ${rssAfterStart.toFixed(0)} MiB`);

  const change = await changeLatency({
    kubeConfig,
    apply: (manifest) => kubectl(['apply', '-f', '-'], manifest),
    namespace,
    components: objects.filter((o) => o.kind === 'Component'),
    resources: objects.filter((o) => o.kind === 'Resource').length,
    changes: CHANGES,
  });
  log(`change visible p50 ${change.p50.toFixed(0)} ms, p99 ${change.p99.toFixed(0)} ms`);

  const count = (kind: string): number => objects.filter((o) => o.kind === kind).length;
  const [components, groups] = [count('Component'), count('Group')];
  const kinds = ['component', 'resource', 'api', 'system', 'group', 'user'];
  const reads: [string, (i: number) => string][] = [
    ['a page of 100 (one kind)', (i) => `/api/v1/entities?namespace=${namespace}&limit=100&kind=${kinds[i % kinds.length]}`],
    ['a page of 100 (one owner)', (i) => `/api/v1/entities?namespace=${namespace}&limit=100&owner=team-${(i * 7) % groups}`],
    ['one entity', (i) => `/api/v1/entities/component/${namespace}/component-${(i * 13) % components}`],
    ['a graph of depth 3', (i) => `/api/v1/graph?root=component:${namespace}/component-${(i * 7) % components}&depth=3`],
    ['ownership of a group (first 100)', (i) => `/api/v1/entities/group/${namespace}/team-${(i * 11) % groups}/ownership?limit=100`],
  ];
  const readRows: [string, Latencies][] = [];
  for (const [what, path] of reads) {
    const latency = await readLatency(operator.url, path, READS, IN_FLIGHT);
    readRows.push([what, latency]);
    log(`read ${what}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`);
  }
  const rss = Math.max(rssAfterStart, operator.rssMiB());
  await operator.stop();
  const [etcdRss, apiserverRss] = controlPlane.processes.slice(0, 2).map((p) => rssMiB(childOf(p.pid)));
  const etcdDbMiB = fileBytes(join(controlPlane.dir, 'etcd', 'member', 'snap', 'db')) / 2 ** 20;
  log(`etcd RSS ${etcdRss!.toFixed(0)} MiB, database ${etcdDbMiB.toFixed(0)} MiB; kube-apiserver RSS ${apiserverRss!.toFixed(0)} MiB`);

  const ok = (met: boolean): string => (met ? 'met' : 'not met');
  const f = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  writeBenchmarksSection(
    'Ten times the size',
    `## Ten times the size

Written by \`npm run bench\` (bench/scale.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'};
the local control plane, the operator (its own process, from dist/) and the load generator share the machine.
${f(SIZE)} entities (bench/large-catalog.ts): ${['Group', 'User', 'Domain', 'System', 'API', 'Resource', 'Component'].map((k) => `${f(count(k))} ${k}s`).join(', ')}; ownership and
system membership drawn skewed, so the largest group owns thousands of entities, the largest systems have
thousands of parts, and ten shared resources are each depended on by thousands of components. Created in
${(createdIn / 1000).toFixed(0)} s (32 in flight) before the operator starts.

The floor is the apiserver's own write rate: the operator's final statuses written by a bare loop to a
sample (every tenth entity, in a namespace of its own) at ${CONCURRENCIES.join(', ')} writes in flight —
${rates.map((r) => `${r.perSecond.toFixed(0)}/s at ${r.concurrency}`).join(', ')}; the best, ${best.perSecond.toFixed(0)}/s, scaled to
${f(SIZE)} writes is the floor, and the operator runs with that concurrency (\`--concurrency ${best.concurrency}\`).

| what | measured | target | |
|---|---|---|---|
| operator start → read API complete and correct (every entity listed; ${probes.length} probes, hubs among them, with exactly their relations) | ${(readModelMs / 1000).toFixed(1)} s | < 30 s | ${ok(readModelMs < 30_000)} |
| operator start → every status written, queues empty | ${(statusesMs / 1000).toFixed(1)} s (${f(writes)} writes) | ≤ 1.2 × floor (${(floorMs / 1000).toFixed(1)} s): ${(statusesMs / floorMs).toFixed(2)} × | ${ok(statusesMs <= 1.2 * floorMs)} |
| change visible on both ends (${change.n} × kubectl apply adding a dependsOn) | p50 ${change.p50.toFixed(0)} ms, p99 ${change.p99.toFixed(0)} ms | p99 < 1000 ms | ${ok(change.p99 < 1000)} |
${readRows.map(([what, l]) => `| read API: ${what} (${l.n} requests, ${IN_FLIGHT} in flight) | p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms | p99 < 50 ms | ${ok(l.p99 < 50)} |`).join('\n')}
| operator memory (RSS, highest seen) | ${rss.toFixed(0)} MiB | < 1536 MiB | ${ok(rss < 1536)} |

Beside it, at the end of the run: kube-apiserver RSS ${apiserverRss!.toFixed(0)} MiB (its watch cache holds every entity), etcd RSS
${etcdRss!.toFixed(0)} MiB with a database file of ${etcdDbMiB.toFixed(0)} MiB (history included; the apiserver compacts it every 5 minutes).
`,
  );
  log('wrote the "Ten times the size" section of BENCHMARKS.md');
} finally {
  await controlPlane.stop();
}

/** The process a tether runs (its only child). */
function childOf(tether: number): number {
  return Number(readFileSync(`/proc/${tether}/task/${tether}/children`, 'utf8').trim().split(/\s+/)[0]);
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return Number.NaN;
  }
}

/** Entities whose relations prove the read model whole: the hubs, the last of each kind, and a spread. */
function probeRefs(objects: readonly SyntheticObject[], namespace: string): string[] {
  const ref = (o: SyntheticObject): string => `${o.kind.toLowerCase()}:${namespace}/${o.metadata.name}`;
  const hubs = ['group:team-0', 'system:system-0', 'resource:resource-0', 'api:api-0'].map((r) => r.replace(':', `:${namespace}/`));
  const last = [...new Map(objects.map((o) => [o.kind, o])).values()].map(ref);
  const spread = Array.from({ length: 20 }, (_, i) => ref(objects[Math.floor((i * objects.length) / 20)]!));
  return [...new Set([...hubs, ...last, ...spread])];
}

async function readModelComplete(url: string, namespace: string, expected: CatalogGraph, probes: readonly string[]): Promise<boolean> {
  try {
    const list = (await (await fetch(`${url}/api/v1/entities?namespace=${namespace}&limit=1`)).json()) as { total?: number };
    if (list.total !== expected.size) return false;
    for (const ref of probes) {
      const [kind, rest] = ref.split(':') as [string, string];
      const res = await fetch(`${url}/api/v1/entities/${kind}/${rest}`);
      if (!res.ok) return false;
      const { relations } = (await res.json()) as { relations: { type: string; target: string }[] };
      const want = expected.relationsOf(ref);
      if (relations.length !== want.length || want.some((r, i) => r.type !== relations[i]!.type || r.target !== relations[i]!.target))
        return false;
    }
    return true;
  } catch {
    return false;
  }
}
