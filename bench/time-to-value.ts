// Time to value: from `helm install` to a dashboard that shows the sample catalog, on a real
// node (containerd, kubelet, kube-proxy) with the image already built and imported, as a
// platform team would see it on a cluster that has the image. Replaces only the "Time to
// value" section of BENCHMARKS.md. Needs root (the node), like test/node.
//
// Each run installs the chart as the README does (`helm install … --create-namespace`, the
// chart's default values but for the local image), applies examples/catalog/ as soon as helm
// returns, and polls the dashboard through the Service's cluster address until it lists every
// sample entity. Between runs the release, its namespaces and the CRDs are removed, so each
// install starts from an empty cluster (the image stays in containerd, as it would on a node).
import { fileURLToPath } from 'node:url';
import { get, waitFor } from '../src/local-cluster/health.ts';
import {
  applySampleCatalog,
  dashboardShows,
  LOCAL_IMAGE_VALUES,
  startGreenroomNode,
  type GreenroomNode,
} from '../test/support/greenroom-on-node.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';

const RUNS = 3;
const TARGET_SECONDS = 60;
const root = fileURLToPath(new URL('../', import.meta.url));
const log = (line: string): void => void process.stderr.write(`[time-to-value] ${line}\n`);

interface Run {
  helm: number;
  firstAnswer: number;
  catalogShown: number;
}

async function measure(node: GreenroomNode): Promise<Run> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  await node.helm(['install', 'greenroom', `${root}helm/greenroom`, '-n', 'greenroom', '--create-namespace', ...LOCAL_IMAGE_VALUES]);
  const helm = seconds();
  await node.kubectl(['create', 'namespace', 'pageturner']);
  const entities = await applySampleCatalog(node, root, 'pageturner');
  const dashboard = await node.serviceUrl('greenroom', 'greenroom');
  await waitFor(async () => (await get(`${dashboard}/`)).status === 200, { what: 'the dashboard', timeoutMs: 180_000, intervalMs: 200 });
  const firstAnswer = seconds();
  await dashboardShows(dashboard, 'pageturner', entities, 180_000);
  return { helm, firstAnswer, catalogShown: seconds() };
}

async function reset(node: GreenroomNode): Promise<void> {
  await node.helm(['uninstall', 'greenroom', '-n', 'greenroom', '--wait']);
  await node.kubectl(['delete', 'namespace', 'greenroom', 'pageturner', '--wait=true', '--timeout=180s']);
  await node.kubectl(['delete', 'crd', '-l', 'app.kubernetes.io/part-of=greenroom', '--wait=true']);
}

const node = await startGreenroomNode(root, log);
const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    if (i > 0) await reset(node);
    const result = await measure(node);
    log(
      `run ${i + 1}: helm ${result.helm.toFixed(1)} s, first answer ${result.firstAnswer.toFixed(1)} s, catalog shown ${result.catalogShown.toFixed(1)} s`,
    );
    runs.push(result);
  }
} finally {
  await node.stop();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const total = median(runs.map((r) => r.catalogShown));
const row = (label: string, pick: (r: Run) => number) =>
  `| ${label} | ${median(runs.map(pick)).toFixed(1)} | ${runs.map((r) => pick(r).toFixed(1)).join(' / ')} |`;
writeBenchmarksSection(
  'Time to value',
  `## Time to value

From \`helm install\` to a dashboard showing the sample catalog (${runs.length} installs, each on an
empty cluster: the release, namespaces and CRDs removed between them), on one real node of
this 2-core machine, with the image already built and imported into containerd
(\`bench/time-to-value.ts\`). The chart's default values but for the local image; two
operator replicas; the sample catalog applied with \`kubectl apply --server-side\` as soon as
helm returns; the dashboard polled through the Service's cluster address every 200 ms.

| seconds from \`helm install\` | median | runs |
|---|---:|---:|
${row('helm install returns', (r) => r.helm)}
${row('the dashboard answers through the Service', (r) => r.firstAnswer)}
${row('the dashboard lists every sample entity', (r) => r.catalogShown)}

Target: under ${TARGET_SECONDS} s — ${total < TARGET_SECONDS ? 'met' : 'not met'} (median ${total.toFixed(1)} s).
`,
);
log('wrote the Time to value section of BENCHMARKS.md');
