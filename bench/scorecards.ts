// Scorecards benchmark, run by `npm run bench` after the catalog and search benchmarks (alone:
// `node bench/scorecards.ts`, after `tsc -p tsconfig.build.json`). A real control plane and
// the operator as its own process (from dist/, as the image runs it) over a synthetic catalog
// of about 2,000 scored components; measures how long a kubectl change of an entity, and of a
// scorecard rule, takes to show as the changed level in status, and writes the "Scorecards"
// section of BENCHMARKS.md (leaving the other sections as they are).
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { installCrds } from '../src/kube/apply.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { RawKubeClient } from '../src/kube/raw-client.ts';
import { startControlPlane } from '../src/local-cluster/control-plane.ts';
import { freePort } from '../src/local-cluster/ports.ts';
import { createLogger } from '../src/observability/logger.ts';
import { Informer } from '../src/runtime/informer.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { kubectlFor } from './kubectl.ts';
import { startOperatorProcess } from './operator-process.ts';
import { inParallel, percentile, syntheticCatalog } from './synthetic-catalog.ts';

const SIZE = Number(process.env.BENCH_SCORECARD_SIZE ?? 2400);
const ENTITY_CHANGES = Number(process.env.BENCH_SCORECARD_CHANGES ?? 100);
const RULE_CHANGES = Number(process.env.BENCH_SCORECARD_RULE_CHANGES ?? 20);
const CONCURRENCY = 8;
const TARGET_P99_MS = 1000;
const NAMESPACE = 'bench-scorecards';
const SCORECARD = `${NAMESPACE}/production-readiness`;
const log = (line: string): void => void process.stderr.write(`[bench:scorecards] ${line}\n`);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

type Scored = KubernetesObject & { status?: { scorecards?: { scorecard: string; level: string }[] } };

/** The scorecard, with the names its `not-listed` rule holds back and the length `described` asks for. */
function scorecard(listed: string[], describedMin = 20): string {
  return `apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: production-readiness, namespace: ${NAMESPACE}}
spec:
  selector: {kinds: [Component], types: [service]}
  levels: [{name: bronze}, {name: silver}, {name: gold}]
  rules:
    - {name: has-owner, level: bronze, expression: "has(self.spec.owner)"}
    - {name: described, level: bronze, expression: "has(self.spec.description) && size(self.spec.description) >= ${describedMin}"}
    - {name: not-listed, level: bronze, expression: "!(self.metadata.name in [${listed.map((n) => `'${n}'`).join(', ')}])"}
    - {name: production, level: silver, expression: "self.spec.lifecycle == 'production'"}
    - {name: in-a-system, level: silver, expression: "has(self.spec.system)"}
    - {name: resolved, level: silver, expression: "has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')"}
    - {name: depends-declared, level: silver, expression: "self.status.relations.exists(r, r.type == 'dependsOn')"}
    - {name: replicated, level: gold, expression: "facts.hasWorkload && facts.readyReplicas >= 2"}
    - {name: pinned-images, level: gold, expression: "facts.hasWorkload && !facts.latestTag"}
    - {name: limits, level: gold, expression: "facts.limitsSet"}
`;
}

/** Every fourth component runs a Deployment that meets the gold rules. */
const deployed = (i: number): boolean => i % 4 === 0;
function deployment(name: string): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: { 'greenroom.dev/component': name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `registry.example/${name}:1.0.0`, resources: { limits: { cpu: '1', memory: '256Mi' } } }] },
      },
    },
  };
}

const controlPlane = await startControlPlane({ log });
const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
const client = new RawKubeClient(kubeConfig);

const kubectl = kubectlFor(controlPlane);

/** Waits (polling the bench's own watch cache) until `done` holds; the time it took from `since`. */
async function until(what: string, since: bigint, done: () => boolean, timeoutMs = 60_000, pollMs = 2): Promise<number> {
  for (;;) {
    if (done()) return ms(since);
    if (ms(since) > timeoutMs) throw new Error(`${what} not visible after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

let section = '';
try {
  await installCrds(kubeConfig, fileURLToPath(new URL('../crds/', import.meta.url)));
  await client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
  });
  const objects = syntheticCatalog(SIZE, NAMESPACE);
  const components = objects.filter((o) => o.kind === 'Component').map((o) => o.metadata.name);
  log(
    `creating ${objects.length} entities (${components.length} components) and ${components.filter((_, i) => deployed(i)).length} Deployments`,
  );
  await inParallel(objects, 16, async (o) => {
    await client.request({
      method: 'POST',
      path: `/apis/greenroom.dev/v1alpha1/namespaces/${NAMESPACE}/${o.plural}`,
      body: { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec },
    });
  });
  await inParallel(
    components.filter((_, i) => deployed(i)),
    16,
    async (name) => {
      await client.request({ method: 'POST', path: `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, body: deployment(name) });
      // No kubelet here: the bench writes the status a deployment controller would.
      await client.request({
        method: 'PATCH',
        path: `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}/status`,
        contentType: 'application/merge-patch+json',
        body: { status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } },
      });
    },
  );
  await kubectl(['apply', '-f', '-'], scorecard([]));

  const watch = new Informer<Scored>({
    kubeConfig,
    path: `/apis/greenroom.dev/v1alpha1/namespaces/${NAMESPACE}/components`,
    logger: createLogger('silent'),
  });
  await watch.start();
  const levelOf = (name: string): string | undefined =>
    watch.get(NAMESPACE, name)?.status?.scorecards?.find((s) => s.scorecard === SCORECARD)?.level;

  const started = process.hrtime.bigint();
  const operator = await startOperatorProcess(controlPlane.kubeconfigPath, NAMESPACE, await freePort(), CONCURRENCY);
  // Scored when every component has its final level: gold with a Deployment, silver without.
  const coldStart = await until(
    'every component scored',
    started,
    () => components.every((name, i) => levelOf(name) === (deployed(i) ? 'gold' : 'silver')),
    300_000,
    50,
  );
  const rss = operator.rssMiB();
  log(`cold start: ${components.length} components at their level after ${coldStart.toFixed(0)} ms, RSS ${rss.toFixed(0)} MiB`);

  // Entity changes: one component at a time leaves production, so it falls to bronze.
  const entityLatency: number[] = [];
  for (let i = 0; i < ENTITY_CHANGES; i++) {
    const name = components[(i * 37 + 5) % components.length]!;
    await kubectl(['patch', 'component', name, '-n', NAMESPACE, '--type=merge', '-p', '{"spec":{"lifecycle":"experimental"}}']);
    const stored = process.hrtime.bigint();
    entityLatency.push(await until(`${name} at bronze`, stored, () => levelOf(name) === 'bronze'));
  }
  log(`entity change → level: p50 ${percentile(entityLatency, 50).toFixed(0)} ms, p99 ${percentile(entityLatency, 99).toFixed(0)} ms`);

  // Rule changes: `not-listed` holds back one component; moving it to another moves two levels.
  const untouched = components.filter(
    (_, i) => !deployed(i) && !Array.from({ length: ENTITY_CHANGES }, (__, k) => (k * 37 + 5) % components.length).includes(i),
  );
  const ruleLatency: number[] = [];
  let listed: string | undefined;
  for (let i = 0; i < RULE_CHANGES; i++) {
    const next = untouched[(i * 53 + 3) % untouched.length]!;
    const previous = listed;
    await kubectl(['apply', '-f', '-'], scorecard([next]));
    const stored = process.hrtime.bigint();
    ruleLatency.push(
      await until(
        `the rule change to move ${next}`,
        stored,
        () => levelOf(next) === '' && (previous === undefined || levelOf(previous) === 'silver'),
      ),
    );
    listed = next;
  }
  log(`rule change → levels: p50 ${percentile(ruleLatency, 50).toFixed(0)} ms, p99 ${percentile(ruleLatency, 99).toFixed(0)} ms`);

  // One rule change that moves every component: as many status writes as components.
  await kubectl(['apply', '-f', '-'], scorecard(listed ? [listed] : [], 1000));
  const everyStart = process.hrtime.bigint();
  const everyMs = await until(
    'every component at no level',
    everyStart,
    () => components.every((name) => levelOf(name) === ''),
    300_000,
    20,
  );
  log(`rule change moving all ${components.length} components: ${everyMs.toFixed(0)} ms`);

  await watch.stop();
  await operator.stop();
  section = report({ components: components.length, entities: objects.length, coldStart, rss, entityLatency, ruleLatency, everyMs });
} finally {
  await controlPlane.stop();
}

function report(r: {
  components: number;
  entities: number;
  coldStart: number;
  rss: number;
  entityLatency: number[];
  ruleLatency: number[];
  everyMs: number;
}): string {
  const row = (values: number[]) =>
    `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
  const met = (values: number[]) => (percentile(values, 99) < TARGET_P99_MS ? 'met' : 'not met');
  const n = r.components.toLocaleString('en');
  return `## Scorecards

Written by \`npm run bench\` (bench/scorecards.ts, after bench/search.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'},
${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}; the local control plane, the operator (its own process, from dist/,
\`--concurrency ${CONCURRENCY}\`) and the load generator share the machine. The synthetic catalog of ${r.entities.toLocaleString('en')} entities
(bench/synthetic-catalog.ts) has ${n} components, all selected by one Scorecard of 10 rules in three levels — over
spec, status conditions and relations, and runtime facts; every fourth component runs a Deployment that meets
the gold rules. Latency runs from the moment kubectl returned (the change is stored) until a watch on the
components shows the changed level in status.scorecards.

| what | measured | target | |
|---|---|---|---|
| ${ENTITY_CHANGES} × \`kubectl patch\` of a component (leaves production: silver or gold → bronze) | ${row(r.entityLatency)} | p99 < ${TARGET_P99_MS} ms | ${met(r.entityLatency)} |
| ${RULE_CHANGES} × \`kubectl apply\` of the Scorecard with one rule changed (all ${n} rescored; 2 levels move) | ${row(r.ruleLatency)} | p99 < ${TARGET_P99_MS} ms | ${met(r.ruleLatency)} |
| one rule change that moves every component (${n} status writes) | ${(r.everyMs / 1000).toFixed(1)} s | — | |
| cold start: operator process start until all ${n} components show their level | ${(r.coldStart / 1000).toFixed(1)} s | — | |
| operator RSS after the cold start | ${r.rss.toFixed(0)} MiB | — | |
`;
}

writeBenchmarksSection('Scorecards', section);
log('wrote the Scorecards section of BENCHMARKS.md');
