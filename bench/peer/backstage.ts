// Backstage's catalog backend, installed and run as a user would: `npm ci` of the pinned
// bench/peer/package.json into a cache directory (never into Greenroom's dependencies), then
// the default backend with only the catalog plugin, backed by PostgreSQL.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startTethered } from '../../src/local-cluster/tethered-process.ts';
import { POSTGRES_USER } from './postgres.ts';
import { tetheredCommandPid } from './proc-usage.ts';

const run = promisify(execFile);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** The packages whose versions the report names. */
export const BACKSTAGE_PACKAGES = ['@backstage/backend-defaults', '@backstage/plugin-catalog-backend', '@backstage/catalog-model', 'pg'];

/**
 * Installs the pinned Backstage packages (about 500, 325 MB) into
 * ~/.cache/greenroom/peer/<hash of package.json and the lockfile>/ unless already there, and
 * returns that directory. A second run, or a run after an unrelated change, reuses it.
 */
export async function ensureBackstage(log: (line: string) => void): Promise<string> {
  const manifest = readFileSync(here('package.json'));
  const lock = readFileSync(here('package-lock.json'));
  const hash = createHash('sha256').update(manifest).update(lock).digest('hex').slice(0, 16);
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'greenroom', 'peer', hash);
  const done = join(dir, '.installed');
  if (!existsSync(done)) {
    log(`installing Backstage's catalog backend into ${dir} (npm ci, about 500 packages; once)`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), manifest);
    await writeFile(join(dir, 'package-lock.json'), lock);
    // npm's `#!/usr/bin/env node` must find Node 24 (Backstage needs >= 22), the one running us.
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      maxBuffer: 64 * 2 ** 20,
    });
    await writeFile(done, new Date().toISOString());
  }
  await copyFile(here('backend.mjs'), join(dir, 'backend.mjs'));
  return dir;
}

/** Installed versions of {@link BACKSTAGE_PACKAGES}, e.g. `@backstage/backend-defaults 0.19.0`. */
export function backstageVersions(dir: string): string[] {
  return BACKSTAGE_PACKAGES.map((name) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return `${name} ${manifest.version}`;
  });
}

export interface BackstageOptions {
  installDir: string;
  /** Where the app-config and the log go. */
  workDir: string;
  port: number;
  postgresPort: number;
  /** The file catalog.locations names. */
  rootFile: string;
  /** catalog.processingInterval in seconds; absent: Backstage's default (random 100–150 s). */
  intervalSeconds?: number;
}

export interface Backstage {
  url: string;
  /** The backend's Node process. */
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** The app-config.yaml of the run: the catalog plugin, PostgreSQL, one file location, no sign-in. */
export function appConfig(o: BackstageOptions): Record<string, unknown> {
  return {
    backend: {
      baseUrl: `http://127.0.0.1:${o.port}`,
      listen: { host: '127.0.0.1', port: o.port },
      // The reads come from the benchmark, not from a signed-in browser.
      auth: { dangerouslyDisableDefaultAuthPolicy: true },
      database: { client: 'pg', connection: { host: '127.0.0.1', port: o.postgresPort, user: POSTGRES_USER } },
    },
    catalog: {
      rules: [{ allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Group', 'User', 'Domain'] }],
      locations: [{ type: 'file', target: o.rootFile }],
      ...(o.intervalSeconds === undefined ? {} : { processingInterval: { seconds: o.intervalSeconds } }),
    },
  };
}

/**
 * Starts the backend (under the harness's tether, so it ends with the benchmark) and
 * returns as soon as its process exists: readiness is what the caller measures.
 */
export async function startBackstage(o: BackstageOptions): Promise<Backstage> {
  const config = join(o.workDir, `app-config-${o.intervalSeconds ?? 'default'}.yaml`);
  await writeFile(config, stringify(appConfig(o)));
  const logFile = join(o.workDir, `backstage-${o.port}.log`);
  const tether = startTethered({
    name: 'backstage',
    // env -C: the backend runs in its install directory, as `yarn start` runs in the app's.
    command: 'env',
    args: ['-C', o.installDir, process.execPath, 'backend.mjs', '--config', config],
    logFile,
    // warn, as the operator runs in the benchmarks: no log line per request on either side.
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  });
  let pid: number | undefined;
  for (let i = 0; i < 200 && pid === undefined; i++) {
    try {
      const child = tetheredCommandPid(tether.pid);
      if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'node') pid = child;
    } catch {
      // not started yet
    }
    if (pid === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  if (pid === undefined) {
    await tether.stop();
    throw new Error(`Backstage did not start; see ${logFile}`);
  }
  return { url: `http://127.0.0.1:${o.port}`, pid, logFile, stop: () => tether.stop() };
}
