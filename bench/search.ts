// Search benchmark, run by `npm run bench` after the catalog benchmark (node --expose-gc
// bench/search.ts). In process, no cluster: builds the search index over a synthetic catalog
// and docs corpus, measures build time, index heap and query latency, and writes the
// "Search" section of BENCHMARKS.md (leaving the other sections as they are).
import { cpus, totalmem } from 'node:os';
import { SearchIndex, type SearchOptions } from '../src/search/index.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { percentile } from './synthetic-catalog.ts';
import { between, pick, random, syntheticDocs, syntheticEntities, syntheticPhrases, vocabulary, type Random } from './synthetic-search.ts';

const ENTITIES = Number(process.env.BENCH_SEARCH_ENTITIES ?? 10_000);
const SITES = Number(process.env.BENCH_SEARCH_SITES ?? 500);
/** The default run has the Search section; a larger one (issue 18: 100,000 entities, 5,000 sites) a section of its own. */
const HEADING = ENTITIES === 10_000 && SITES === 500 ? 'Search' : `Search at ${ENTITIES.toLocaleString('en')} entities`;
const PAGES_PER_SITE = 10;
const TARGET_P99_MS = 50;
const NAMESPACE = 'bench';
const log = (line: string): void => void process.stderr.write(`[bench:search] ${line}\n`);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const MiB = (bytes: number): number => bytes / 2 ** 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: the index heap is measured between two full collections');
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

// The corpus exists before the first measurement: the docs cache holds page text anyway,
// and the index stores references to those strings, not copies.
const rnd = random(20261124);
const words = vocabulary(rnd, 15_000);
const phrases = syntheticPhrases(rnd, 2_000, words);
const entities = syntheticEntities(rnd, ENTITIES, NAMESPACE);
const sites = syntheticDocs(rnd, SITES, PAGES_PER_SITE, NAMESPACE, entities, words, phrases);
const pageCount = sites.reduce((n, s) => n + s.pages.length, 0);
const wordCount = sites.reduce((n, s) => n + s.pages.reduce((m, p) => m + p.text.split(' ').length, 0), 0);
log(`corpus: ${entities.length} entities, ${pageCount} pages, ${wordCount} words`);

const before = heapUsed();
const started = process.hrtime.bigint();
const index = new SearchIndex();
for (const e of entities) index.upsertEntity(e);
const entitiesBuilt = ms(started);
for (const site of sites) index.upsertDocs(site, site.pages);
const buildMs = ms(started);
const heapMiB = MiB(heapUsed() - before);
const stats = index.stats();
log(`build ${buildMs.toFixed(0)} ms (entities ${entitiesBuilt.toFixed(0)} ms), heap ${heapMiB.toFixed(1)} MiB, ${stats.terms} terms`);

interface Query {
  kind: string;
  q: string;
  options: SearchOptions;
  /** What should be found: the ref or href, and within how many results. */
  expect?: { id: string; within: number };
}

/** One letter replaced by another (not the first: people rarely get that one wrong). */
function typo(r: Random, word: string): string {
  const at = between(r, 1, word.length - 1);
  const letters = 'abcdefghijklmnopqrstuvwxyz'.replace(word[at]!, '');
  return word.slice(0, at) + pick(r, [...letters]) + word.slice(at + 1);
}

function queries(r: Random, count: number): Query[] {
  const list: Query[] = [];
  const named = entities.filter((e) => e.kind !== 'User');
  const per = Math.ceil(count / 6);
  for (let i = 0; i < per; i++) {
    const e = pick(r, named);
    list.push({ kind: 'exact name', q: e.name, options: {}, expect: { id: e.ref, within: 1 } });
  }
  for (let i = 0; i < per; i++) {
    const w = pick(
      r,
      pick(r, named)
        .name.split('-')
        .filter((x) => x.length >= 5),
    );
    list.push({ kind: 'prefix', q: w ? w.slice(0, between(r, 3, Math.min(6, w.length - 1))) : 'inv', options: {} });
  }
  for (let i = 0; i < per; i++) {
    const e = pick(r, named);
    const parts = e.name.split('-');
    const longest = parts.reduce((a, b) => (b.length > a.length ? b : a));
    const q = parts.map((p) => (p === longest && p.length >= 4 ? typo(r, p) : p)).join(' ');
    list.push({ kind: 'typo', q, options: {}, expect: { id: e.ref, within: 10 } });
  }
  for (let i = 0; i < per; i++) {
    const e = pick(r, named);
    const description = String(e.spec.description)
      .toLowerCase()
      .replace(/[^a-z0-9 ]/g, '')
      .split(' ');
    const start = between(r, 0, description.length - 3);
    list.push({ kind: 'multi-word', q: description.slice(start, start + between(r, 2, 3)).join(' '), options: {} });
  }
  for (let i = 0; i < per; i++) {
    const site = pick(r, sites);
    const page = pick(r, site.pages);
    const phrase = phrases.find((p) => page.text.toLowerCase().includes(p))!;
    list.push({
      kind: 'docs phrase',
      q: phrase,
      options: {},
      expect: { id: `/docs/${site.namespace}/${site.name}/${page.slug}`, within: 20 },
    });
  }
  for (let i = 0; i < per; i++) {
    const e = pick(r, named);
    list.push({ kind: 'name word, kind filter', q: pick(r, e.name.split('-')), options: { kind: i % 3 === 0 ? 'docs' : e.kind } });
  }
  return list.slice(0, count);
}

// Warm up the JIT on other queries than the ones measured.
for (const query of queries(random(1), 200)) index.search(query.q, query.options);

const measured = queries(random(2), 600);
const latencies = new Map<string, number[]>();
const found = new Map<string, { hit: number; of: number }>();
for (const query of measured) {
  const start = process.hrtime.bigint();
  const answer = index.search(query.q, { limit: 20, ...query.options });
  const took = ms(start);
  latencies.set(query.kind, [...(latencies.get(query.kind) ?? []), took]);
  if (query.expect) {
    const ids = answer.results.slice(0, query.expect.within).map((r) => r.ref ?? r.href);
    const f = found.get(query.kind) ?? { hit: 0, of: 0 };
    found.set(query.kind, { hit: f.hit + (ids.includes(query.expect.id) ? 1 : 0), of: f.of + 1 });
  }
}
const all = [...latencies.values()].flat();
const p50 = percentile(all, 50);
const p99 = percentile(all, 99);
log(`queries: ${all.length}, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...all).toFixed(2)} ms`);

// Incremental updates: what the operator does on an informer event.
const upserts: number[] = [];
for (let i = 0; i < 1000; i++) {
  const e = entities[(i * 7919) % entities.length]!;
  const start = process.hrtime.bigint();
  index.upsertEntity({ ...e, spec: { ...e.spec, description: `${String(e.spec.description)} Changed ${i}.` } });
  upserts.push(ms(start));
}
const rebuilds: number[] = [];
for (let i = 0; i < 50; i++) {
  const site = sites[(i * 31) % sites.length]!;
  const start = process.hrtime.bigint();
  index.upsertDocs(
    site,
    site.pages.map((p) => ({ ...p, text: `${p.text} Revised ${i}.` })),
  );
  rebuilds.push(ms(start));
}
log(
  `updates: entity upsert p50 ${percentile(upserts, 50).toFixed(3)} ms, p99 ${percentile(upserts, 99).toFixed(3)} ms; site of ${PAGES_PER_SITE} pages p50 ${percentile(rebuilds, 50).toFixed(1)} ms`,
);

const f2 = (n: number): string => n.toFixed(2);
const rows = [...latencies.entries()].map(([kind, values]) => {
  const f = found.get(kind);
  return `| ${kind} | ${values.length} | ${f2(percentile(values, 50))} | ${f2(percentile(values, 99))} | ${f ? `${f.hit}/${f.of}` : '—'} |`;
});
const SIZED = HEADING === 'Search' ? '' : ` with BENCH_SEARCH_ENTITIES=${ENTITIES} BENCH_SEARCH_SITES=${SITES}`;
const section = `## ${HEADING}

Written by \`npm run bench\` (bench/search.ts, run after bench/catalog.ts; alone: \`node --expose-gc bench/search.ts\`${SIZED})
on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}.
In process, no cluster: the index the operator keeps (src/search/index.ts, MiniSearch) over a
deterministic synthetic corpus (bench/synthetic-search.ts) of ${entities.length.toLocaleString('en')} entities with varied names,
titles, descriptions, tags and owners, and ${pageCount.toLocaleString('en')} doc pages (${SITES} sites × ${PAGES_PER_SITE}; ${Math.round(wordCount / pageCount)} words a page on average,
300–800, ${wordCount.toLocaleString('en')} in all) drawn with Zipf(1.1) from ${words.length.toLocaleString('en')} words, common and generated; the index holds
${stats.terms.toLocaleString('en')} distinct terms. Heap is measured between full collections (\`--expose-gc\`) before and after the
build; the page text itself is not counted: the docs cache holds it and the index keeps references to it.

| what | measured | target | |
|---|---|---|---|
| build: ${entities.length.toLocaleString('en')} entities + ${pageCount.toLocaleString('en')} pages, one upsert at a time | ${(buildMs / 1000).toFixed(1)} s (entities ${(entitiesBuilt / 1000).toFixed(1)} s) | — | |
| index heap | ${heapMiB.toFixed(0)} MiB | — | |
| query latency (${all.length} queries, 20 results with highlights) | p50 ${f2(p50)} ms, p99 ${f2(p99)} ms, max ${f2(Math.max(...all))} ms | p99 < ${TARGET_P99_MS} ms | ${p99 < TARGET_P99_MS ? 'met' : 'not met'} |
| entity upsert (1,000 changed entities) | p50 ${percentile(upserts, 50).toFixed(3)} ms, p99 ${percentile(upserts, 99).toFixed(3)} ms | — | |
| docs rebuild (50 sites of ${PAGES_PER_SITE} pages replaced) | p50 ${percentile(rebuilds, 50).toFixed(1)} ms, p99 ${percentile(rebuilds, 99).toFixed(1)} ms | — | |

Queries by class — "found" counts how often the entity or page the query was made from came back:
first for exact names, in the top 10 for names with one letter wrong, in the top 20 for a
4-word phrase from a page.

| queries | n | p50 (ms) | p99 (ms) | found |
|---|---:|---:|---:|---:|
${rows.join('\n')}
`;

writeBenchmarksSection(HEADING, section);
log(`wrote the ${HEADING} section of BENCHMARKS.md`);
