import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreHostAfterCrash } from './node-host.ts';

const DIR_PREFIX = 'greenroom-cp-';
/**
 * A node's directory lies apart from its control plane's: sweeps of older versions remove
 * a dead control plane's directory outright, which must not happen to one holding a
 * node's mounts before they are unmounted.
 */
const NODE_DIR_PREFIX = 'greenroom-kubelet-';

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
 * (SIGKILL, OOM). Their components were already ended by the tether; only files remain —
 * unless the control plane had a node, whose containers, mounts and host changes outlive
 * the tether and are put back first.
 */
async function sweepAbandonedDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    const isNode = entry.startsWith(NODE_DIR_PREFIX);
    if (!entry.startsWith(DIR_PREFIX) && !isNode) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    try {
      if (isNode) restoreHostAfterCrash(dir);
    } catch (error) {
      // A mount we could not remove must not be crossed by rm: leave the directory to a person.
      process.stderr.write(`greenroom local cluster: could not restore the host after ${dir}: ${(error as Error).message}\n`);
      continue;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Makes a node's directory (containerd's and the kubelet's state), marked with our pid like
 * a control plane's, so the sweep can put the host back if we die without stop().
 */
export async function createNodeDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), NODE_DIR_PREFIX));
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  return dir;
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
