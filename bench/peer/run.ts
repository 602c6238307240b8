// npm run bench:peer: Backstage's catalog backend and Greenroom, one after the other on this
// machine, on the same synthetic catalog; writes the "Side by side with Backstage" section of
// BENCHMARKS.md. See the README's "Benchmarks" section.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeBenchmarksSection } from '../benchmarks-file.ts';
import { msSince } from '../measure.ts';
import { syntheticCatalog } from '../synthetic-catalog.ts';
import { backstageSide } from './backstage-side.ts';
import { backstageVersions, ensureBackstage } from './backstage.ts';
import { expectedRelations, writeBackstageCatalog } from './catalog-files.ts';
import { greenroomSide } from './greenroom-side.ts';
import { requirePostgres, stoppedPostgresCpuSeconds } from './postgres.ts';
import { otherWork } from './proc-usage.ts';
import { PEER_HEADING, peerSection, type SizeResult } from './report.ts';
import { settingsFromEnv } from './settings.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const log = (line: string): void => void process.stderr.write(`[bench:peer] ${line}\n`);

const begun = process.hrtime.bigint();
const wholeRun = otherWork(stoppedPostgresCpuSeconds);
const settings = settingsFromEnv();
requirePostgres();
if (!existsSync(join(root, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run through `npm run bench:peer`, which compiles');
const installDir = await ensureBackstage(log);

/**
 * The machine is shared (another engineer's benchmarks, a CI run): before each side, wait a
 * bounded time for others to use at most a quarter of the CPU over 15 s, so that both sides
 * are more likely measured on an equally quiet machine. Each side's share is reported anyway.
 */
async function quieter(what: string): Promise<void> {
  const until = Date.now() + settings.quietWaitSeconds * 1000;
  for (;;) {
    const window = otherWork(stoppedPostgresCpuSeconds);
    await new Promise((r) => setTimeout(r, 15_000));
    const share = window();
    if (share <= 0.25 || Date.now() > until) {
      log(`${what}: other processes use ${(100 * share).toFixed(0)} % of the CPU; starting`);
      return;
    }
    log(`${what}: other processes use ${(100 * share).toFixed(0)} % of the CPU; waiting for a quieter machine`);
  }
}

const results: SizeResult[] = [];
let apiserver = '';
let postgresVersion = '';
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })).stdout.trim();

/** The section from the sizes measured so far (with a note while some are still to come). */
async function writeSection(): Promise<void> {
  const section = peerSection(
    {
      date: new Date().toISOString().slice(0, 10),
      minutes: msSince(begun) / 60_000,
      // The machine is shared: what else ran meanwhile.
      otherWork: wholeRun(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
      node: process.version,
      greenroom: `${version} (${commit})`,
      apiserver,
      backstage: backstageVersions(installDir),
      postgres: postgresVersion.replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL '),
      settings,
    },
    results,
  );
  writeBenchmarksSection(PEER_HEADING, section);
  if (results.length === settings.sizes.length) process.stdout.write(section);
}

for (const size of settings.sizes) {
  const work = await mkdtemp(join(tmpdir(), `greenroom-peer-${size}-`));
  try {
    const objects = syntheticCatalog(size, 'default');
    const catalog = await writeBackstageCatalog(objects, join(work, 'backstage'));
    const expected = expectedRelations(objects);
    log(`${size}: ${objects.length} entities in ${catalog.chunks.length} files; Greenroom first`);
    const input = { objects, catalog, expected, workDir: work, settings, log };
    await quieter(`${size}: Greenroom`);
    let meanwhile = otherWork(stoppedPostgresCpuSeconds);
    const greenroom = { ...(await greenroomSide(input)), otherWork: 0 };
    greenroom.otherWork = meanwhile();
    apiserver = greenroom.apiserverVersion;
    log(`${size}: Backstage`);
    await quieter(`${size}: Backstage`);
    meanwhile = otherWork(stoppedPostgresCpuSeconds);
    const backstage = { ...(await backstageSide(input, installDir)), otherWork: 0 };
    backstage.otherWork = meanwhile();
    postgresVersion = backstage.postgresVersion;
    results.push({ size, greenroom, backstage });
    // After each size, so that a later failure still leaves what was measured.
    await writeSection();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

log(`wrote the "${PEER_HEADING}" section of BENCHMARKS.md in ${(msSince(begun) / 60_000).toFixed(0)} minutes`);
