// npm run bench: measures the catalog operator against a real control plane and writes
// BENCHMARKS.md. See the README's "Benchmarks" section for what each figure means.
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { installCrds } from '../src/kube/apply.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { RawKubeClient } from '../src/kube/raw-client.ts';
import { startControlPlane } from '../src/local-cluster/control-plane.ts';
import { freePort } from '../src/local-cluster/ports.ts';
import { kubectlFor } from './kubectl.ts';
import { startOperatorProcess } from './operator-process.ts';
import { changeLatency, readLatency } from './catalog-load.ts';
import { createSynthetic, syntheticCatalog, type SyntheticObject } from './synthetic-catalog.ts';
import { msSince as ms } from './measure.ts';
import { finalStatuses, floorWrites } from './status-floor.ts';

const run = promisify(execFile);
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const CONCURRENCY = 8;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const READS = Number(process.env.BENCH_READS ?? 2000);
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

const controlPlane = await startControlPlane({ log });
const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
const client = new RawKubeClient(kubeConfig);
const kubectl = kubectlFor(controlPlane);
/** `kubectl apply -f -` with the manifest on stdin; rejects with kubectl's stderr. */
const kubectlApply = (manifest: string): Promise<void> => kubectl(['apply', '-f', '-'], manifest);
await installCrds(kubeConfig, fileURLToPath(new URL('../crds/', import.meta.url)));
const results: string[] = [];
const rows: Record<string, string>[] = [];

const createAll = (objects: SyntheticObject[], namespace: string): Promise<void> => createSynthetic(client, objects, namespace);

/** The floor: the same final statuses, on a copy of the catalog in its own namespace, by a bare loop. */
const floorOf = (objects: SyntheticObject[]): Promise<number> =>
  floorWrites(client, objects, finalStatuses(objects), objects[0]!.metadata.namespace, CONCURRENCY);

try {
  for (const size of SIZES) {
    const namespace = `bench-${size}`;
    const objects = syntheticCatalog(size, namespace);
    const refs = objects.reduce(
      (n, o) =>
        n + ['owner', 'system', 'parent'].filter((f) => o.spec[f]).length + ((o.spec.dependsOn as unknown[] | undefined)?.length ?? 0),
      0,
    );
    log(`${size}: creating ${objects.length} entities (${(refs / size).toFixed(1)} references each)`);
    await createAll(objects, namespace);
    const floorCopy = syntheticCatalog(size, `${namespace}-floor`);
    await createAll(floorCopy, `${namespace}-floor`);
    const floor = await floorOf(floorCopy);
    log(`${size}: floor ${floor.toFixed(0)} ms for ${size} status writes`);

    const port = await freePort();
    const started = process.hrtime.bigint();
    const operator = await startOperatorProcess(controlPlane.kubeconfigPath, namespace, port, CONCURRENCY);
    // Scraping costs the operator CPU (its gauges walk the graph), so poll gently.
    let writes = 0;
    for (;;) {
      const [written, depth] = await operator.metrics('greenroom_catalog_status_writes_total', 'workqueue_depth');
      writes = written ?? 0;
      if (writes >= size && depth === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const coldStart = ms(started);
    const rss = operator.rssMiB();
    log(`${size}: cold start ${coldStart.toFixed(0)} ms, ${writes} writes, RSS ${rss.toFixed(0)} MiB`);
    rows.push({
      size: String(size),
      floor: floor.toFixed(0),
      cold: coldStart.toFixed(0),
      ratio: (coldStart / floor).toFixed(2),
      writes: String(writes),
      rss: rss.toFixed(0),
    });

    if (size === Math.max(...SIZES)) {
      results.push(await changeRow(namespace, objects));
      results.push(await readRows(operator.url, namespace, objects.filter((o) => o.kind === 'Component').length));
    }
    await operator.stop();
  }
  await writeReport();
} finally {
  await controlPlane.stop();
}

/** kubectl apply adds a dependsOn; time until the component and the resource both show it. */
async function changeRow(namespace: string, objects: SyntheticObject[]): Promise<string> {
  const { p50, p99 } = await changeLatency({
    kubeConfig,
    apply: kubectlApply,
    namespace,
    components: objects.filter((o) => o.kind === 'Component'),
    resources: objects.filter((o) => o.kind === 'Resource').length,
    changes: CHANGES,
  });
  log(`change latency p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
  return `| change visible on both ends (${CHANGES} × kubectl apply adding a dependsOn, ${objects.length} entities) | p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms | p99 < 1000 ms | ${p99 < 1000 ? 'met' : 'not met'} |`;
}

/** Read API under load: list pages of 100, single gets and depth-3 graphs, 8 requests in flight. */
async function readRows(url: string, namespace: string, components: number): Promise<string> {
  const paths = [
    (i: number) => `/api/v1/entities?namespace=${namespace}&limit=100&kind=${['component', 'resource', 'group'][i % 3]}`,
    (i: number) => `/api/v1/entities/component/${namespace}/component-${(i * 13) % components}`,
    (i: number) => `/api/v1/graph?root=component:${namespace}/component-${(i * 7) % components}&depth=3`,
  ];
  const lines: string[] = [];
  for (const [index, name] of ['list page of 100', 'get one entity', 'graph depth 3'].entries()) {
    const { p50, p99 } = await readLatency(url, paths[index]!, READS, CONCURRENCY);
    log(`read ${name}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    lines.push(
      `| read API: ${name} (${READS} requests, ${CONCURRENCY} in flight) | p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms | p99 < 50 ms | ${p99 < 50 ? 'met' : 'not met'} |`,
    );
  }
  return lines.join('\n');
}

async function writeReport(): Promise<void> {
  const { stdout: kubeVersion } = await run(controlPlane.binaries.kubectl, [
    '--kubeconfig',
    controlPlane.kubeconfigPath,
    'version',
    '-o',
    'json',
  ]);
  const server = (JSON.parse(kubeVersion) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion;
  const text = `# Benchmarks

Written by \`npm run bench\` (bench/catalog.ts) on ${new Date().toISOString().slice(0, 10)}; every figure below was measured in that run.

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version};
local control plane (etcd + kube-apiserver ${server}, built from source) on the same machine, so the
apiserver, etcd, the operator and the load generator share ${cpus().length} cores.

Reproduce: \`npm run bench\` (sizes with \`BENCH_SIZES=1000,10000\`). The operator runs as its own
process (\`greenroom operator --watch-namespace …\`), started after the entities exist.

## Cold start

Entities created before the operator starts (about 3 references each: owner, system, dependsOn,
parent). "Floor" is the same status writes — the final statuses the operator writes, computed
beforehand, on a copy of the catalog in its own namespace — done by a bare loop with the same
client and concurrency (${CONCURRENCY}). The operator's time runs from process start until it has written every
status and its queues are empty; it includes Node start-up, listing, building the graph and
the writes. Target: at most 1.5 × the floor; RSS target at 10,000 entities: < 400 MiB.

| entities | floor (ms) | operator cold start (ms) | ratio | status writes | operator RSS (MiB) |
|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.size} | ${r.floor} | ${r.cold} | ${r.ratio} | ${r.writes} | ${r.rss} |`).join('\n')}

## Changes and reads

| what | measured | target | |
|---|---|---|---|
${results.join('\n')}

Change latency is measured from the moment \`kubectl apply\` returned (the change is stored) until
a watch shows the relation on both the component and the resource.
`;
  await writeFile(fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), text);
  log('wrote BENCHMARKS.md');
}
