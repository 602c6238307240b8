// Docs builds with techdocs-core's Markdown set: how long a site takes to build in the
// operator's bounded build process (DEFAULT_DOCS_LIMITS: a 64 MiB heap) and the process's
// peak memory, for plain Markdown pages (the floor: what every build does) and the same
// pages written with TechDocs' extensions (tabs, footnotes, admonitions, task lists,
// emoji, critic, abbreviations, definition lists, attribute lists, snippets) and a
// Mermaid diagram on every tenth page, up to the default page limit. Writes the
// "Docs builds" section of BENCHMARKS.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DOCS_LIMITS } from '../src/docs/limits.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { plainPage, site, techdocsPage } from './synthetic-docs.ts';

// The build process as the image runs it: compiled, from dist/ (`npm run bench` compiles
// first). From the sources, Node would strip types in the child too, which alone costs
// ~30 MiB of its memory.
const compiled = new URL('../dist/src/docs/build-process.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) throw new Error('compile first: node node_modules/typescript/bin/tsc -p tsconfig.build.json');
const { buildInChildProcess } = (await import(compiled.href)) as typeof import('../src/docs/build-process.ts');

const SIZES = (process.env.BENCH_DOCS_PAGES ?? '100,500').split(',').map(Number);
const RUNS = Number(process.env.BENCH_DOCS_RUNS ?? 3);
/**
 * Two builds and the operator share the chart's 512 Mi pod: a build's heap plus 128 MiB of
 * process each (helm/greenroom/values.yaml, docs).
 */
const RSS_TARGET_MIB = DEFAULT_DOCS_LIMITS.buildMemoryMb + 128;
/** A site at the page limit is served within seconds of its build starting. */
const TIME_TARGET_S = 10;

/** The peak resident memory of this process's children while `work` runs, sampled every 10 ms. */
async function peakChildRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = 0;
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
        peak = Math.max(peak, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
      } catch {
        // The process ended between the listing and the read.
      }
    }
  };
  const timer = setInterval(sample, 10);
  try {
    return { result: await work(), peakMiB: peak };
  } finally {
    clearInterval(timer);
  }
}

interface Measure {
  seconds: number;
  peakMiB: number;
  assetKiB: number;
  ok: boolean;
  error?: string;
}

async function measure(files: Map<string, string>): Promise<Measure> {
  const times: number[] = [];
  let peakMiB = 0;
  let assetKiB = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    try {
      const { result, peakMiB: peak } = await peakChildRss(() =>
        buildInChildProcess(files, { base: '/docs/bench/site' }, { limits: DEFAULT_DOCS_LIMITS }),
      );
      times.push((performance.now() - started) / 1000);
      peakMiB = Math.max(peakMiB, peak);
      assetKiB = result.chunks.reduce((n, c) => n + c.length, 0) / 1024;
    } catch (error) {
      return { seconds: Number.NaN, peakMiB, assetKiB, ok: false, error: (error as Error).message };
    }
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, peakMiB, assetKiB, ok: true };
}

const rows: string[] = [];
for (const pages of SIZES) {
  const plain = await measure(site(pages, plainPage));
  const techdocs = await measure(site(pages, techdocsPage));
  console.log(`[bench] ${pages} pages: plain ${JSON.stringify(plain)}, techdocs ${JSON.stringify(techdocs)}`);
  const factor = techdocs.seconds / plain.seconds;
  const verdict = (met: boolean) => (met ? 'met' : 'not met');
  rows.push(
    `| ${pages} pages: build (median of ${RUNS}) | ${plain.ok ? `${plain.seconds.toFixed(2)} s` : plain.error} | ${techdocs.ok ? `${techdocs.seconds.toFixed(2)} s (${factor.toFixed(2)}× the floor)` : techdocs.error} | < ${TIME_TARGET_S} s | ${verdict(techdocs.ok && techdocs.seconds < TIME_TARGET_S)} |`,
    `| ${pages} pages: build process peak RSS | ${plain.peakMiB.toFixed(0)} MiB | ${techdocs.peakMiB.toFixed(0)} MiB | ≤ ${RSS_TARGET_MIB} MiB, within the ${DEFAULT_DOCS_LIMITS.buildMemoryMb} MiB heap | ${verdict(techdocs.ok && techdocs.peakMiB <= RSS_TARGET_MIB)} |`,
    `| ${pages} pages: stored site (gzip) | ${plain.assetKiB.toFixed(0)} KiB | ${techdocs.assetKiB.toFixed(0)} KiB | — | |`,
  );
}

writeBenchmarksSection(
  'Docs builds',
  `## Docs builds

A DocSource's site built in the operator's bounded build process with the default limits
(${DEFAULT_DOCS_LIMITS.buildMemoryMb} MiB heap, at most ${DEFAULT_DOCS_LIMITS.maxPages} pages), as the operator builds it: the
floor is the same pages in plain Markdown (headings, paragraphs, lists, a table, code);
"TechDocs" adds techdocs-core's extensions on every page (an admonition holding code, three
content tabs with inline highlighted code, a task list with emoji, critic marks, mark, caret
and tilde, smart symbols, a definition list, abbreviations, attribute lists, a snippet and a
footnote) and a Mermaid diagram of 8 nodes on every tenth page, drawn at build time; every
code block has line numbers, as techdocs-core has them. Peak RSS is the build process's,
sampled every 10 ms, the highest of the ${RUNS} runs; it is noisy: at 500 TechDocs pages,
runs of this benchmark on one idle machine ranged from 169 to 193 MiB, one of nine above the target; two builds run at once (--docs-workers) beside
the operator in the chart's 512 Mi pod, which leaves each its heap plus 128 MiB of process,
hence the ${RSS_TARGET_MIB} MiB target.

| measure | plain Markdown (floor) | TechDocs | target | |
|---|---|---|---|---|
${rows.join('\n')}
`,
);
