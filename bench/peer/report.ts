// The "Side by side with Backstage" section of BENCHMARKS.md, from one run's figures only.
import type { Parts } from './proc-usage.ts';
import { NODE_SAMPLES, type PeerSettings } from './settings.ts';
import type { Latency } from './timing.ts';

export interface Read extends Latency {
  /** Mean response size in bytes (absent for the walk, several responses). */
  bytes?: number;
  /** Mean entities a graph query or walk returned, over NODE_SAMPLES roots… */
  nodes?: number;
  /** …of which this many were cut at the query's node limit. */
  truncated?: number;
}

export interface Reads {
  page: Read;
  one: Read;
  graph: Read;
  ancestry?: Read;
}

export interface SideResult {
  /** Process start → a full read of the API shows every entity with exactly its relations. */
  coldStartMs: number;
  /** How long that last, successful, full read took (part of coldStartMs). */
  lastCheckMs: number;
  /** Greenroom: process start → every status written, queues empty. */
  statusesMs?: number;
  /** CPU seconds from the process start to the end of cold start, by process (group). */
  coldCpu: Parts;
  /** PSS in MiB, by process (group). */
  memory: Parts;
  memoryNote?: string;
  /** CPU seconds per minute over the quiet window after cold start, by process (group). */
  idleCpu: Parts;
  /** Share of the machine's CPU time that processes this run did not start used while this side ran. */
  otherWork?: number;
  changes: Record<string, Latency>;
  reads: Reads;
}

export interface SizeResult {
  size: number;
  backstage: SideResult;
  greenroom: SideResult;
}

export interface RunFacts {
  date: string;
  minutes: number;
  /** Share of the machine's CPU time that processes this run did not start used during the run. */
  otherWork: number;
  machine: string;
  node: string;
  greenroom: string;
  apiserver: string;
  backstage: string[];
  postgres: string;
  settings: PeerSettings;
}

const s = (ms: number): string => (ms >= 10_000 ? (ms / 1000).toFixed(0) : (ms / 1000).toFixed(1));
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (a: number, b: number): string => (b > 0 ? `${a / b >= 10 ? (a / b).toFixed(0) : (a / b).toFixed(1)}×` : '—');
const total = (m: Parts): number => m.reduce((sum, [, v]) => sum + v, 0);
/** `352 MiB (backend 279 + PostgreSQL 73)` */
const parts = (m: Parts, unit: string, digits: number): string =>
  `${total(m).toFixed(digits)} ${unit} (${m.map(([name, v]) => `${name} ${v.toFixed(digits)}`).join(' + ')})`;
const ms = (v: number): string => (v >= 1000 ? `${s(v)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);
const lat = (l: Latency): string =>
  `${l.n > 0 ? `${ms(l.p50)} / ${ms(l.p99)}` : '—'} (n ${l.n}${l.timedOut ? `; ${l.timedOut} more not seen within ${s(l.timeoutMs ?? 0)} s` : ''})`;
const latRatio = (a: Latency, b: Latency): string => `${ratio(a.p50, b.p50)} / ${ratio(a.p99, b.p99)}`;
const kib = (bytes: number | undefined): string => (bytes === undefined ? '' : `, ${(bytes / 1024).toFixed(1)} KiB each`);

/** A warning under a table whose two sides shared the machine with very different loads. */
function unevenLoad(backstage: number, greenroom: number): string[] {
  if (Math.abs(backstage - greenroom) < 0.25) return [];
  const [busier, quieter] = backstage > greenroom ? ['Backstage', 'Greenroom'] : ['Greenroom', 'Backstage'];
  return [
    '',
    `**Uneven load:** other processes used ${percent(Math.max(backstage, greenroom))} of the CPU while ${busier}'s side ran and ${percent(Math.min(backstage, greenroom))} while ${quieter}'s did, so the times, and the ratios, of this size lean against ${busier}.`,
  ];
}

function sizeTable({ size, backstage: b, greenroom: g }: SizeResult, settings: PeerSettings): string {
  const gApply = g.changes.apply!;
  const rows: string[][] = [
    [
      'cold start: the API lists every entity with all its relations, both directions',
      `${s(b.coldStartMs)} s (last check ${ms(b.lastCheckMs)})`,
      `${s(g.coldStartMs)} s (last check ${ms(g.lastCheckMs)})`,
      ratio(b.coldStartMs, g.coldStartMs),
    ],
    ['cold start: every status written in the apiserver', '—', `${s(g.statusesMs!)} s`, '—'],
    ['CPU used during cold start', parts(b.coldCpu, 's', 1), parts(g.coldCpu, 's', 1), ratio(total(b.coldCpu), total(g.coldCpu))],
    ['memory (PSS) after cold start', parts(b.memory, 'MiB', 0), parts(g.memory, 'MiB', 0), ratio(total(b.memory), total(g.memory))],
    [
      'CPU per idle minute (Backstage: default interval)',
      parts(b.idleCpu, 's', 2),
      parts(g.idleCpu, 's', 2),
      ratio(total(b.idleCpu), total(g.idleCpu)),
    ],
    ...(
      [
        ['defaultInterval', 'Backstage default interval (100–150 s)'],
        ['refresh', "Backstage refresh call on the chunk's Location"],
        ['shortInterval', `Backstage ${settings.shortIntervalSeconds} s interval`],
      ] as const
    ).map(([key, label]) => [
      `change visible on both ends, p50 / p99: ${label} vs Greenroom kubectl apply`,
      lat(b.changes[key]!),
      lat(gApply),
      latRatio(b.changes[key]!, gApply),
    ]),
    ['change in both stored statuses (Greenroom, watch), p50 / p99', '—', lat(g.changes.applyStatus!), '—'],
    [
      'read a page of 100, p50 / p99',
      `${lat(b.reads.page)}${kib(b.reads.page.bytes)}`,
      `${lat(g.reads.page)}${kib(g.reads.page.bytes)}`,
      latRatio(b.reads.page, g.reads.page),
    ],
    [
      'read one entity by name, p50 / p99',
      `${lat(b.reads.one)}${kib(b.reads.one.bytes)}`,
      `${lat(g.reads.one)}${kib(g.reads.one.bytes)}`,
      latRatio(b.reads.one, g.reads.one),
    ],
    [
      'depth-3 graph of a component, p50 / p99: Backstage by-refs walk vs Greenroom /api/v1/graph',
      `${lat(b.reads.graph)}, ${fixed(b.reads.graph.nodes ?? 0, 0)} entities`,
      `${lat(g.reads.graph)}, ${fixed(g.reads.graph.nodes ?? 0, 0)} entities${g.reads.graph.truncated ? ` (cut at 2000 for ${g.reads.graph.truncated} of ${NODE_SAMPLES} roots)` : ''}`,
      latRatio(b.reads.graph, g.reads.graph),
    ],
    ['ancestry of a component (Backstage only), p50 / p99', `${lat(b.reads.ancestry!)}${kib(b.reads.ancestry!.bytes)}`, '—', '—'],
    [
      'other work on the machine while this side ran (share of all CPU time, processes this run did not start)',
      percent(b.otherWork ?? 0),
      percent(g.otherWork ?? 0),
      '—',
    ],
  ];
  return [
    `### ${size.toLocaleString('en-US')} entities`,
    '',
    '| | Backstage | Greenroom | Backstage ÷ Greenroom |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...(g.memoryNote ? ['', `Greenroom's memory: ${g.memoryNote}.`] : []),
    ...unevenLoad(b.otherWork ?? 0, g.otherWork ?? 0),
  ].join('\n');
}

const percent = (share: number): string => `${(100 * share).toFixed(0)} %`;

export const PEER_HEADING = 'Side by side with Backstage';

export function peerSection(facts: RunFacts, results: SizeResult[]): string {
  const st = facts.settings;
  return `## ${PEER_HEADING}

Written by \`npm run bench:peer\` (bench/peer/run.ts) on ${facts.date}; every figure below was measured in that
run, which took ${facts.minutes.toFixed(0)} minutes. Both products ran on this machine, one after the other (never
at the same time), on the same synthetic catalog: ${facts.machine}; Node ${facts.node} for both.
The machine is shared: processes this run did not start used ${percent(facts.otherWork)} of its CPU time over the
run (each side's share is in its table; before each side the run waited up to ${st.quietWaitSeconds} s for them to
use at most 25 %); the figures were taken with that load there.

- Greenroom ${facts.greenroom}: the operator from dist/ (as the image runs it, \`--concurrency 8\`, log level
  warn) on a fresh local control plane (etcd + kube-apiserver ${facts.apiserver}, built from source).
- Backstage: ${facts.backstage.join(', ')}, installed from the npm registry with \`npm ci\` of
  bench/peer/package-lock.json and run as \`createBackend()\` with only the catalog plugin (LOG_LEVEL=warn,
  NODE_ENV=production, default auth policy off so the benchmark may read), on a fresh ${facts.postgres}
  database per size.

**The catalog.** bench/synthetic-catalog.ts (2 % Groups with a parent, 4 % Systems, 10 % Resources, the rest
Components with owner, system and one dependsOn) written as Backstage YAML: files of 100 entities, each read
by its own \`kind: Location\` (as a repository's catalog-info.yaml), listed by one root Location that
app-config.yaml's \`catalog.locations\` names. Greenroom gets the same files converted by
\`greenroom convert --namespace\`, created in the apiserver before the operator starts (16 POSTs in flight).
Backstage's database is empty at its start; the files exist.

**What the figures mean.**
- *Cold start*: from starting the process until a full read through the product's own API finds every
  entity with exactly the expected relations in both directions (ownedBy/ownerOf, partOf/hasPart,
  dependsOn/dependencyOf, childOf/parentOf; namespaces aside), polled a second after each full read ends.
  The time includes the last, successful read, shown apart: Backstage's by-query pages of 500 carry the
  relations; Greenroom's list carries none, so its check lists the namespace (pages of 500) and then reads
  every entity's own route (8 in flight) while the operator is still writing statuses. For Greenroom also
  the time until its metrics say every status is written and the queues are empty.
- *CPU*: utime + stime from /proc (of PostgreSQL's postmaster and every backend, including exited ones)
  from the process start to the end of cold start (Greenroom: the later of its two), and over a quiet
  ${st.idleSeconds} s after it, shown per minute (Backstage with its default interval, which reprocesses
  every entity every 100–150 s). Greenroom counts the operator, kube-apiserver and etcd; Backstage the
  backend and PostgreSQL.
- *Memory*: PSS (shared pages split between the processes sharing them) from /proc/PID/smaps_rollup right
  after cold start.
- *Change*: one component gains a dependsOn; the clock runs from the moment it is stored (Backstage: the
  chunk file renamed into place; Greenroom: \`kubectl apply\` returned) until the API shows the dependsOn on
  the component and the dependencyOf on the resource, asked every 1 s (default interval), 100 ms
  (refresh call) or 250 ms (${st.shortIntervalSeconds} s interval) on Backstage and every 10 ms on
  Greenroom. Backstage's default-interval samples stop at ${st.defaultChanges} or after
  ${(st.defaultBudgetMs / 1000).toFixed(0)} s, the others at their count or after ${(st.budgetMs / 1000).toFixed(0)} s; its ${st.shortIntervalSeconds} s-interval samples come from a
  second start of the backend on the same database, taken once 155 s have passed since the first one
  stopped (each entity keeps the next processing time the default interval gave it). Ratios are of p50 / p99.
- *Reads*: 8 requests in flight, after one warm-up, on the same entities on both sides: a first page of 100
  (kinds in turn: Component, Resource, Group; Backstage returns whole entities, Greenroom summaries), one
  Component by name, and the Component's neighbourhood three hops out. Greenroom has a graph query
  (\`/api/v1/graph?depth=3&limit=2000\`); Backstage has none, so it is timed as its catalog-graph frontend
  builds the graph: the root by \`POST /entities/by-refs\`, then each level's new refs in one by-refs
  request, four requests timed as one. Backstage's \`ancestry\` route (which Location produced an entity) is
  shown alone: Greenroom has no counterpart. ${st.reads} requests a figure, ${st.walks} for graphs and walks;
  entities per graph are the mean over ${NODE_SAMPLES} of the roots.

${results.map((r) => sizeTable(r, st)).join('\n\n')}
${results.length < st.sizes.length ? `\nThe run has not reached ${st.sizes.slice(results.length).join(', ')} entities (still running, or it failed there).\n` : ''}`;
}
