// A throw-away PostgreSQL for Backstage's catalog: Debian's postgresql package, run as the
// postgres user in a temporary directory, trust auth on 127.0.0.1 only, removed at stop.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/local-cluster/ports.ts';
import { cpuSeconds } from './proc-usage.ts';

const run = promisify(execFile);
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
/** The role initdb makes (a superuser, so Backstage may create its plugin databases). */
export const POSTGRES_USER = 'backstage';

/**
 * CPU seconds of the servers already stopped: pg_ctl makes the postmaster a daemon, not our
 * child, so its time never reaches our own cutime; the run adds it to what it used itself.
 */
let stoppedCpu = 0;
export const stoppedPostgresCpuSeconds = (): number => stoppedCpu;

export interface Postgres {
  port: number;
  /** `postgres (PostgreSQL) 15.x …` */
  version: string;
  /** The postmaster's pid; its children are the rest of the server. */
  pid: number;
  stop(): Promise<void>;
}

/** Fails with what to install when Debian's PostgreSQL 15 is not there. */
export function requirePostgres(): void {
  if (!existsSync(join(POSTGRES_BIN, 'pg_ctl'))) {
    throw new Error(`PostgreSQL 15 is missing (${POSTGRES_BIN}): run apt-get install -y postgresql`);
  }
}

const asPostgres = (command: string, args: string[]) =>
  run('runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, command), ...args], { maxBuffer: 16 * 2 ** 20 });

/** initdb + pg_ctl start in a fresh directory; on failure nothing is left running or on disk. */
export async function startPostgres(log: (line: string) => void): Promise<Postgres> {
  requirePostgres();
  const dir = await mkdtemp(join(tmpdir(), 'greenroom-peer-pg-'));
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  let started = false;
  let pid = 0;
  const stop = async (): Promise<void> => {
    if (pid) stoppedCpu += cpuSeconds([pid]);
    pid = 0;
    if (started) await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    started = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', data, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
    started = true;
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const version = (await run(join(POSTGRES_BIN, 'postgres'), ['--version'])).stdout.trim();
    log(`PostgreSQL on 127.0.0.1:${port} (pid ${pid})`);
    return { port, version, pid, stop };
  } catch (error) {
    const tail = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${tail}`);
  }
}
