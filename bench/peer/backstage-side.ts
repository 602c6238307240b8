// Backstage's side of the run: a fresh PostgreSQL, the catalog backend reading the chunk
// files, measured the way Greenroom is; then the same database with a 10 s processing interval.
import { httpLatency, msSince } from '../measure.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import type { SyntheticObject } from '../synthetic-catalog.ts';
import { byName, byRefs, listAll, refresh, type BackstageEntity } from './backstage-api.ts';
import { startBackstage, type Backstage, type BackstageOptions } from './backstage.ts';
import { addedDependency, keyOf, sameRelations, type RelationSet } from './catalog-files.ts';
import { startPostgres } from './postgres.ts';
import { cpuParts, partsSince, pssMiB, withDescendants, type Parts } from './proc-usage.ts';
import type { Read, Reads, SideResult } from './report.ts';
import { componentNames, NODE_SAMPLES, READ_KINDS, type PeerSettings, type SideInput } from './settings.ts';
import { changeLatency, idleCpuPerMinute, operationLatency, sleep, untilComplete, type Latency } from './timing.ts';

const IN_FLIGHT = 8;
/** Backstage's default processingInterval is random between 100 and 150 s. */
const DEFAULT_INTERVAL_MAX_MS = 150_000;

/** Every entity through the API (pages of 500 along the cursor): all there, each with exactly its relations? */
async function apiComplete(url: string, expected: Map<string, RelationSet>): Promise<boolean> {
  const items = await listAll(url, 'kind,metadata.name,metadata.namespace,relations');
  let found = 0;
  for (const e of items) {
    const want = expected.get(keyOf(e.kind, e.metadata.name));
    if (!want) continue; // the Location entities that read the files
    if (
      !sameRelations(
        want,
        (e.relations ?? []).map((r) => ({ type: r.type, target: r.targetRef })),
      )
    )
      return false;
    found += 1;
  }
  return found === expected.size;
}

export async function backstageSide(
  { objects, catalog, expected, workDir, settings, log }: SideInput,
  installDir: string,
): Promise<SideResult & { postgresVersion: string }> {
  const size = objects.length;
  const postgres = await startPostgres(log);
  let backstage: Backstage | undefined;
  try {
    const options: BackstageOptions = {
      installDir,
      workDir,
      port: await freePort(),
      postgresPort: postgres.port,
      rootFile: catalog.rootFile,
    };
    const postgresCpuBefore = cpuParts([['PostgreSQL', postgres.pid]]);
    const started = process.hrtime.bigint();
    backstage = await startBackstage(options);
    const { url, pid } = backstage;
    const api = await untilComplete(
      started,
      () => apiComplete(url, expected),
      60 * 60_000,
      `Backstage cold start (log: ${backstage.logFile})`,
    );
    const roots: [string, number][] = [
      ['backend', pid],
      ['PostgreSQL', postgres.pid],
    ];
    const coldCpu = partsSince(cpuParts(roots), postgresCpuBefore);
    log(`${size}: Backstage: API complete ${(api.readyMs / 1000).toFixed(1)} s`);
    const memory: Parts = roots.map(([name, root]) => [name, pssMiB(withDescendants(root))]);
    const idle = await idleCpuPerMinute(roots, settings.idleSeconds);
    log(`${size}: Backstage: idle ${idle.map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')} CPU s/min`);
    const reads = await backstageReads(url, objects, settings);

    const visible = (offset: number) => async (i: number) => shows(url, addedDependency(objects, offset + i));
    const edit = (offset: number) => (i: number) => catalog.rewrite(addedDependency(objects, offset + i).object);
    const defaultInterval = await changeLatency(
      {
        samples: settings.defaultChanges,
        budgetMs: settings.defaultBudgetMs,
        timeoutMs: 400_000,
        pollMs: 1000,
        change: edit(settings.changeOffsets.default),
        visible: visible(settings.changeOffsets.default),
      },
      'Backstage change, default interval',
      log,
    );
    log(`${size}: Backstage: change with the default interval p50 ${(defaultInterval.p50 / 1000).toFixed(1)} s (n ${defaultInterval.n})`);
    const refreshed = await changeLatency(
      {
        samples: settings.refreshChanges,
        budgetMs: settings.budgetMs,
        timeoutMs: 180_000,
        pollMs: 100,
        change: edit(settings.changeOffsets.refresh),
        async after(i) {
          const { component } = addedDependency(objects, settings.changeOffsets.refresh + i);
          await refresh(url, catalog.chunkLocations[catalog.chunkOf(keyOf('component', component))]!);
        },
        visible: visible(settings.changeOffsets.refresh),
      },
      'Backstage change, refresh call',
      log,
    );
    log(`${size}: Backstage: change with a refresh call p50 ${(refreshed.p50 / 1000).toFixed(1)} s`);
    await backstage.stop();
    const stopped = process.hrtime.bigint();

    // The same database, processing every 10 s: what a short interval buys and costs.
    backstage = await startBackstage({ ...options, intervalSeconds: settings.shortIntervalSeconds });
    const restarted = backstage.url;
    await untilComplete(
      process.hrtime.bigint(),
      async () => (await byName(restarted, 'group', 'team-0')) !== undefined,
      300_000,
      'Backstage restart',
    );
    // Each entity keeps the next processing time the first start gave it (at most 150 s after
    // its last processing there); only once every one of those has passed does every entity
    // run on the new interval.
    const rescheduled = DEFAULT_INTERVAL_MAX_MS + 5000 - msSince(stopped);
    log(
      `${size}: Backstage: restarted with a ${settings.shortIntervalSeconds} s interval; waiting ${(rescheduled / 1000).toFixed(0)} s until the old schedule has passed`,
    );
    await sleep(rescheduled);
    const shortInterval = await changeLatency(
      {
        samples: settings.intervalChanges,
        budgetMs: settings.budgetMs,
        timeoutMs: 300_000,
        pollMs: 250,
        change: edit(settings.changeOffsets.interval),
        visible: async (i) => shows(restarted, addedDependency(objects, settings.changeOffsets.interval + i)),
      },
      'Backstage change, 10 s interval',
      log,
    );
    log(`${size}: Backstage: change with a ${settings.shortIntervalSeconds} s interval p50 ${(shortInterval.p50 / 1000).toFixed(1)} s`);
    return {
      coldStartMs: api.readyMs,
      lastCheckMs: api.lastCheckMs,
      coldCpu,
      memory,
      idleCpu: idle,
      changes: { defaultInterval, refresh: refreshed, shortInterval },
      reads,
      postgresVersion: postgres.version,
    };
  } finally {
    await backstage?.stop();
    await postgres.stop();
  }
}

/** The component shows dependsOn the resource and the resource dependencyOf the component. */
async function shows(url: string, change: { component: string; resource: string }): Promise<boolean> {
  const has = (e: BackstageEntity | undefined, type: string, target: string) =>
    !!e?.relations?.some((r) => r.type === type && r.targetRef === target);
  const [c, r] = await Promise.all([byName(url, 'component', change.component), byName(url, 'resource', change.resource)]);
  return has(c, 'dependsOn', `resource:default/${change.resource}`) && has(r, 'dependencyOf', `component:default/${change.component}`);
}

/**
 * Depth-3 neighbourhood the way Backstage's catalog-graph frontend builds it: the root by
 * ref, then level by level every related entity not yet seen, one by-refs request a level.
 */
async function walk(url: string, root: string, depth: number): Promise<number> {
  const seen = new Set([root]);
  let frontier = [root];
  for (let level = 0; level <= depth && frontier.length > 0; level++) {
    const entities = await byRefs(url, frontier);
    const next: string[] = [];
    if (level < depth) {
      for (const e of entities) {
        for (const r of e?.relations ?? []) {
          if (!seen.has(r.targetRef)) {
            seen.add(r.targetRef);
            next.push(r.targetRef);
          }
        }
      }
    }
    frontier = next;
  }
  return seen.size;
}

async function backstageReads(url: string, objects: readonly SyntheticObject[], settings: PeerSettings): Promise<Reads> {
  const roots = componentNames(objects);
  const read = async (make: (i: number) => string, requests = settings.reads): Promise<Read> => {
    let i = 0;
    const { p50, p99, bytes } = await httpLatency(url, () => make(i++), requests, IN_FLIGHT);
    return { n: requests, p50, p99, bytes: bytes.reduce((a, b) => a + b, 0) / bytes.length };
  };
  const page = await read((i) => `/api/catalog/entities/by-query?limit=100&filter=kind=${READ_KINDS[i % READ_KINDS.length]}`);
  const one = await read((i) => `/api/catalog/entities/by-name/component/default/${roots.one(i)}`);
  const ancestry = await read((i) => `/api/catalog/entities/by-name/component/default/${roots.one(i)}/ancestry`);
  const rootRef = (i: number) => `component:default/${roots.graph(i)}`;
  const graph: Latency = await operationLatency((i) => walk(url, rootRef(i), 3), settings.walks, IN_FLIGHT);
  let nodes = 0;
  for (let i = 0; i < NODE_SAMPLES; i++) nodes += await walk(url, rootRef(i), 3);
  return { page, one, ancestry, graph: { ...graph, nodes: nodes / NODE_SAMPLES } };
}
