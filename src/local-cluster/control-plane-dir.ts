import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR_PREFIX = 'greenroom-cp-';

/** A control plane's temporary directory: certificates, logs, etcd's data and config files. */
export interface DataDir {
  dir: string;
  /** One `<component>.log` each, and the audit log. */
  logs: string;
  /** Certificates and keys. */
  pki: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes data directories of control planes whose host process died without cleaning up
 * (SIGKILL, OOM). Their components were already ended by the tether; only files remain.
 */
async function sweepAbandonedDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && !isAlive(owner)) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Sweeps the directories of dead control planes, then makes this one's, marked with our pid
 * so a later sweep knows when it is abandoned.
 */
export async function createDataDir(keepDir: boolean): Promise<DataDir> {
  await sweepAbandonedDirs();
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  // A kept directory is for a person to read later, so the sweep must not take it.
  if (!keepDir) await writeFile(join(dir, 'owner.pid'), String(process.pid));
  const logs = join(dir, 'logs');
  const pki = join(dir, 'pki');
  await mkdir(logs);
  await mkdir(pki);
  return { dir, logs, pki };
}
