// API definitions benchmark, run by `npm run bench` (alone: node bench/api-definitions.ts).
// In process, no cluster: describes the biggest real definitions reachable here (GitHub's REST
// description and GraphQL schema) in the operator's child process, then serves their API tab
// and sub-pages from the dashboard's own app and measures what a reader waits for. Writes the
// "API definitions" section of BENCHMARKS.md.
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeInChildProcess } from '../src/api-definitions/describe-process.ts';
import { DEFAULT_DEFINITION_LIMITS } from '../src/api-definitions/limits.ts';
import type { ApiDescription, DefinitionFormat } from '../src/api-definitions/model.ts';
import type { ReadDefinition } from '../src/api-definitions/read-definition.ts';
import { CatalogGraph } from '../src/catalog/graph.ts';
import { toEntity } from '../src/catalog/entity.ts';
import { createApp } from '../src/http/app.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { httpLatency } from './measure.ts';

const TARGET_P99_MS = 50;
const REQUESTS = 400;
const IN_FLIGHT = 8;
const NAMESPACE = 'bench';
const log = (line: string): void => void process.stderr.write(`[bench:api-definitions] ${line}\n`);
const modules = (path: string): string => readFileSync(new URL(`../node_modules/${path}`, import.meta.url), 'utf8');

interface Described {
  name: string;
  format: DefinitionFormat;
  bytes: number;
  seconds: number;
  description: ApiDescription;
  digest: string;
}

async function describe(name: string, format: DefinitionFormat, text: string): Promise<Described> {
  const started = Date.now();
  const result = await describeInChildProcess(format, text, { ...DEFAULT_DEFINITION_LIMITS, maxBytes: Number.MAX_SAFE_INTEGER });
  if ('problems' in result) throw new Error(`${name} did not describe: ${result.problems[0]?.message}`);
  const seconds = (Date.now() - started) / 1000;
  log(`${name}: ${seconds.toFixed(1)} s, description ${(JSON.stringify(result.description).length / 2 ** 20).toFixed(1)} MiB`);
  return {
    name,
    format,
    bytes: Buffer.byteLength(text),
    seconds,
    description: result.description,
    digest: createHash('sha256').update(text).digest('hex'),
  };
}

/** p50 and p99 of `REQUESTS` GETs of `path`, `IN_FLIGHT` at a time, after one warm-up; the page's size. */
async function latency(base: string, path: string): Promise<{ p50: number; p99: number; bytes: number }> {
  const { p50, p99, bytes } = await httpLatency(base, path, REQUESTS, IN_FLIGHT);
  return { p50, p99, bytes: bytes[0]! };
}

/** The dashboard's app over GitHub's two descriptions, in its own process as in the operator (the load client must not share its event loop). */
async function serve(): Promise<void> {
  const rest = await describe("GitHub's REST description", 'openapi', modules('@octokit/openapi/generated/api.github.com.json'));
  const graphql = await describe("GitHub's GraphQL schema", 'graphql', modules('@octokit/graphql-schema/schema.graphql'));
  const graph = new CatalogGraph();
  const shelf = new Map<string, ReadDefinition>();
  for (const [name, d] of [
    ['github-rest', rest],
    ['github-graphql', graphql],
  ] as const) {
    const entity = toEntity({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'API',
      metadata: { name, namespace: NAMESPACE, uid: name, generation: 1, resourceVersion: '1' },
      spec: { type: d.format, lifecycle: 'production', owner: 'team-apis', definition: `https://definitions.example/${name}` },
    })!;
    graph.upsert(entity);
    shelf.set(entity.ref, {
      origin: entity.spec.definition as string,
      format: d.format,
      reading: false,
      description: d.description,
      bytes: d.bytes,
      digest: d.digest,
    });
  }
  const app = createApp({
    isReady: () => true,
    graph,
    definitions: { definitionOf: (ref) => shelf.get(ref) },
    limits: { rateLimitPerMinute: 0, maxInFlight: 64 },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const operation = rest.description.format === 'openapi' ? rest.description.tags.flatMap((t) => t.operations)[0]!.id : '';
  const described = [rest, graphql].map(({ name, bytes, seconds }) => ({ name, bytes, seconds }));
  process.send!({ port: (server.address() as AddressInfo).port, operation, described });
}

interface Served {
  port: number;
  operation: string;
  described: Pick<Described, 'name' | 'bytes' | 'seconds'>[];
}

if (process.argv[2] === 'serve') {
  await serve();
} else {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [served] = (await once(child, 'message')) as [Served];
  const base = `http://127.0.0.1:${served.port}`;
  const pages: [string, string][] = [
    ['REST tab (its 49 tags, its schemas)', `/catalog/api/${NAMESPACE}/github-rest/definition`],
    ['REST tag page (repos: 204 operations)', `/catalog/api/${NAMESPACE}/github-rest/definition/tags/repos`],
    ['REST operation page', `/catalog/api/${NAMESPACE}/github-rest/definition/operations/${encodeURIComponent(served.operation)}`],
    ['REST schema page (full-repository)', `/catalog/api/${NAMESPACE}/github-rest/definition/schemas/full-repository`],
    ['GraphQL tab (root fields, type index)', `/catalog/api/${NAMESPACE}/github-graphql/definition`],
    ['GraphQL type page (Repository)', `/catalog/api/${NAMESPACE}/github-graphql/definition/types/Repository`],
  ];
  const rows: string[] = [];
  for (const [what, path] of pages) {
    const measured = await latency(base, path);
    log(`${what}: p50 ${measured.p50.toFixed(1)} ms, p99 ${measured.p99.toFixed(1)} ms, ${(measured.bytes / 1024).toFixed(0)} KiB`);
    rows.push(
      `| ${what} | ${(measured.bytes / 1024).toFixed(0)} KiB | p50 ${measured.p50.toFixed(1)} ms, p99 ${measured.p99.toFixed(1)} ms | p99 < ${TARGET_P99_MS} ms | ${measured.p99 < TARGET_P99_MS ? 'met' : 'missed'} |`,
    );
  }
  child.kill();
  write(served.described, rows);
}

function write(described: Served['described'], rows: string[]): void {
  const date = new Date().toISOString().slice(0, 10);
  writeBenchmarksSection(
    'API definitions',
    `## API definitions

Written by \`npm run bench\` (bench/api-definitions.ts; alone: \`node bench/api-definitions.ts\`) on ${date}:
${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}.
No cluster: each definition is described as the operator does it, in a child process (heap
--definition-memory-mb ${DEFAULT_DEFINITION_LIMITS.memoryMb}), then the dashboard's app, in a process of its own as in the
operator, serves its API tab from the description in memory to a client in this process; ${REQUESTS} GETs per page, ${IN_FLIGHT} in flight, after one
warm-up (the first read of a page renders it, taking tens of milliseconds for the biggest; later reads
of the same version of the definition reuse that HTML). The target is the read API's.

| definition | size | describe |
|---|---|---|
${described.map((d) => `| ${d.name} | ${(d.bytes / 2 ** 20).toFixed(1)} MiB | ${d.seconds.toFixed(1)} s |`).join('\n')}

| page | HTML | measured | target | |
|---|---|---|---|---|
${rows.join('\n')}
`,
  );
  log('wrote the "API definitions" section of BENCHMARKS.md');
}
