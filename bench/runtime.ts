// Runtime tab benchmark, run by `npm run bench` (alone: node --expose-gc bench/runtime.ts).
// In process, no cluster: feeds the Runtime tab's RuntimeIndex 10,000 Deployments (each bound
// to a Component), their 30,000 Pods and 20,000 Warning Events, built as the apiserver sends
// them and pruned as the informers prune them; measures the time and the heap it takes, what
// one informer event costs, and the tab's latency served by the dashboard's own app. Writes the
// "Runtime tab" section of BENCHMARKS.md.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CatalogGraph } from '../src/catalog/graph.ts';
import { toEntity } from '../src/catalog/entity.ts';
import { pruneEvent, prunePod, pruneWorkload } from '../src/controllers/runtime-view/objects.ts';
import { EVENTS_IN_ALL, EVENTS_PER_ENTITY, RuntimeIndex } from '../src/controllers/runtime-view/runtime-index.ts';
import { entityRuntime } from '../src/controllers/runtime-view/runtime-view.ts';
import { createApp } from '../src/http/app.ts';
import { at, fullPod, fullWarning, fullWorkload } from '../test/support/runtime-objects.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { httpLatency, msSince as ms } from './measure.ts';
import { percentile } from './synthetic-catalog.ts';

const TARGET_P99_MS = 50;
const COMPONENTS = 10_000;
const PODS_EACH = 3;
const EVENTS = 20_000;
const UPDATES = 2_000;
const REQUESTS = 400;
const IN_FLIGHT = 8;
const NAMESPACE = 'bench';
const log = (line: string): void => void process.stderr.write(`[bench:runtime] ${line}\n`);
const name = (i: number): string => `component-${i}`;
const podName = (i: number, p: number): string => `${name(i)}-7d9f-${'abcdefgh'[p]}`;
const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface Measured {
  port: number;
  feedSeconds: number;
  indexBytes: number;
  keptEvents: number;
  json: { full: number; pruned: number; fullPod: number; prunedPod: number };
  podUpdate: { p50: number; p99: number };
  eventUpdate: { p50: number; p99: number };
  view: { p50: number; p99: number };
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Every object as the informers list it: full from the apiserver, then pruned; adds up their JSON sizes. */
function* objects(json: Measured['json']): Generator<['Deployment' | 'Pod' | 'Event', string, object]> {
  const pruned = <T>(kind: 'Deployment' | 'Pod' | 'Event', full: T, prune: (o: T) => object, id: string) => {
    const small = prune(full);
    const [f, p] = [JSON.stringify(full).length, JSON.stringify(small).length];
    json.full += f;
    json.pruned += p;
    if (kind === 'Pod') [json.fullPod, json.prunedPod] = [f, p];
    return [kind, id, small] as ['Deployment' | 'Pod' | 'Event', string, object];
  };
  const workload = (i: number) => fullWorkload({ name: name(i), namespace: NAMESPACE, entity: name(i), replicas: PODS_EACH });
  for (let i = 0; i < COMPONENTS; i++) yield pruned('Deployment', workload(i), pruneWorkload, name(i));
  for (let i = 0; i < COMPONENTS; i++)
    for (let p = 0; p < PODS_EACH; p++)
      yield pruned('Pod', fullPod({ name: podName(i, p), namespace: NAMESPACE, app: name(i), entity: name(i) }), prunePod, podName(i, p));
  for (let k = 0; k < EVENTS; k++) yield pruned('Event', warning(k, (k * 7919) % COMPONENTS), pruneEvent, `warning-${k}`);
}

/** The `k`th Warning Event, about Pod or (one in four) ReplicaSet of component `i`, a second after the one before. */
const warning = (k: number, i: number) =>
  fullWarning({
    name: `warning-${k}`,
    namespace: NAMESPACE,
    regarding: k % 4 === 0 ? { kind: 'ReplicaSet', name: `${name(i)}-7d9f` } : { kind: 'Pod', name: podName(i, k % PODS_EACH) },
    at: at(k / 60),
  });

/** p50 and p99 of `times` milliseconds. */
const spread = (times: number[]) => ({ p50: percentile(times, 50), p99: percentile(times, 99) });
/** Runs `f`, adding the milliseconds it took to `times`. */
function timed(times: number[], f: () => unknown): void {
  const started = process.hrtime.bigint();
  f();
  times.push(ms(started));
}

/** In a process of its own, as in the operator (the load client must not share its event loop): feeds the index, then serves it. */
async function serve(): Promise<void> {
  const json = { full: 0, pruned: 0, fullPod: 0, prunedPod: 0 };
  const before = heapAfterGc();
  const index = new RuntimeIndex();
  let feeding = 0;
  for (const [kind, id, object] of objects(json)) {
    const started = process.hrtime.bigint();
    index.update(kind, NAMESPACE, id, object);
    feeding += ms(started);
  }
  const indexBytes = heapAfterGc() - before;
  log(`fed in ${(feeding / 1000).toFixed(2)} s; index ${MiB(indexBytes)}, ${index.eventCount} Events kept`);
  // One informer event each: a Pod's restart count goes up; a new Warning Event, with the index at its cap.
  const podTimes: number[] = [];
  const eventTimes: number[] = [];
  for (let u = 0; u < UPDATES; u++) {
    const i = (u * 104_729) % COMPONENTS;
    const changed = prunePod(fullPod({ name: podName(i, 0), namespace: NAMESPACE, app: name(i), entity: name(i), restarts: [u + 1] }));
    timed(podTimes, () => index.update('Pod', NAMESPACE, podName(i, 0), changed));
    const event = pruneEvent(warning(EVENTS + u, i));
    timed(eventTimes, () => index.update('Event', NAMESPACE, `warning-${EVENTS + u}`, event));
  }
  // One tab's view alone, no HTTP: what each read computes before rendering.
  const viewTimes: number[] = [];
  for (let r = 0; r < 200; r++)
    timed(viewTimes, () => entityRuntime(index, { namespace: NAMESPACE, name: name((r * 7_907) % COMPONENTS) }, new Date()));
  const graph = new CatalogGraph();
  const metadata = (i: number) => ({ name: name(i), namespace: NAMESPACE, uid: name(i), generation: 1, resourceVersion: '1' });
  const spec = { type: 'service', lifecycle: 'production', owner: 'team-0' };
  for (let i = 0; i < COMPONENTS; i++)
    graph.upsert(toEntity({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'Component', metadata: metadata(i), spec })!);
  const app = createApp({
    isReady: () => true,
    graph,
    runtime: { runtimeOf: (entity, now) => ({ view: entityRuntime(index, entity, now), delivery: [] }) },
    limits: { rateLimitPerMinute: 0, maxInFlight: 64 },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const measured: Measured = {
    port,
    feedSeconds: feeding / 1000,
    indexBytes,
    keptEvents: index.eventCount,
    json,
    podUpdate: spread(podTimes),
    eventUpdate: spread(eventTimes),
    view: spread(viewTimes),
  };
  process.send!(measured);
}

/** p50 and p99 of `REQUESTS` GETs of random entities' Runtime tabs, `IN_FLIGHT` at a time, after one warm-up; the bytes of the pages. */
const latency = (base: string) =>
  httpLatency(base, () => `/catalog/component/${NAMESPACE}/${name(Math.floor(Math.random() * COMPONENTS))}/runtime`, REQUESTS, IN_FLIGHT);

if (process.argv[2] === 'serve') {
  await serve();
} else {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [m] = (await once(child, 'message')) as [Measured];
  const tab = await latency(`http://127.0.0.1:${m.port}`);
  child.kill();
  log(`Runtime tab: p50 ${tab.p50.toFixed(1)} ms, p99 ${tab.p99.toFixed(1)} ms`);
  write(m, tab);
}

function write(m: Measured, tab: Awaited<ReturnType<typeof latency>>): void {
  const date = new Date().toISOString().slice(0, 10);
  const pods = COMPONENTS * PODS_EACH;
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const met = tab.p99 <= TARGET_P99_MS;
  writeBenchmarksSection(
    'Runtime tab',
    `## Runtime tab

Written by \`npm run bench\` (bench/runtime.ts; alone: \`node --expose-gc bench/runtime.ts\`) on ${date}:
${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} (other work on the machine).
No cluster: ${COMPONENTS.toLocaleString('en')} Components in one namespace, each bound (label greenroom.dev/component) to a
Deployment with ${PODS_EACH} Pods, and ${EVENTS.toLocaleString('en')} Warning Events about them (one a second, each about a
Pod or a ReplicaSet), built as the apiserver sends them (test/support/runtime-objects.ts),
pruned as the informers prune them, then fed to the Runtime tab's index one by one; the index
keeps at most ${EVENTS_PER_ENTITY} Events per entity and ${EVENTS_IN_ALL.toLocaleString('en')} in all. Heap is heapUsed after gc, before and after
feeding. The dashboard's app, in a process of its own as in the operator, serves the tab from
that index (delivery status none, anonymous: \`--auth none\`) to a client in this process;
${REQUESTS} GETs of random Components' tabs, ${IN_FLIGHT} in flight, after one warm-up. The target is the read API's.

| measure | figure |
|---|---|
| feed the index (\`index.update\` of ${(COMPONENTS + pods + EVENTS).toLocaleString('en')} pruned objects; Events kept: ${m.keptEvents.toLocaleString('en')}) | ${m.feedSeconds.toFixed(2)} s |
| heap the index retains | ${MiB(m.indexBytes)} (${Math.round(m.indexBytes / pods)} bytes per Pod, all in) |
| JSON size of every object, full / pruned (what a cache of whole objects would hold / the informers hold) | ${MiB(m.json.full)} / ${MiB(m.json.pruned)} |
| JSON of one Pod, full / pruned | ${kb(m.json.fullPod)} / ${kb(m.json.prunedPod)} |
| one Pod change (\`index.update\`), over ${UPDATES.toLocaleString('en')} | p50 ${m.podUpdate.p50.toFixed(3)} ms, p99 ${m.podUpdate.p99.toFixed(3)} ms |
| one new Warning Event, index at its cap, over ${UPDATES.toLocaleString('en')} | p50 ${m.eventUpdate.p50.toFixed(3)} ms, p99 ${m.eventUpdate.p99.toFixed(3)} ms |
| one tab's view (\`entityRuntime\`, no HTTP), over 200 | p50 ${m.view.p50.toFixed(1)} ms, p99 ${m.view.p99.toFixed(1)} ms |

| page | HTML | measured | target | |
|---|---|---|---|---|
| Runtime tab of a random Component | ${kb(percentile(tab.bytes, 50))} | p50 ${tab.p50.toFixed(1)} ms, p99 ${tab.p99.toFixed(1)} ms | p99 ≤ ${TARGET_P99_MS} ms | ${met ? 'met' : 'missed'} |

${
  met
    ? `The tab meets the read API's target at ${COMPONENTS.toLocaleString('en')} Components.`
    : `The tab misses the read API's target here. The view itself (a workload's Pods found through a label
index, not a scan of the namespace's ${pods.toLocaleString('en')} Pods) takes p99 ${m.view.p99.toFixed(1)} ms, so the rest is the request path
and the page's render on a machine with a load average of ${loadavg()[0]!.toFixed(1)}: measure again on a quiet one.`
}
`,
  );
  log('wrote the "Runtime tab" section of BENCHMARKS.md');
}
