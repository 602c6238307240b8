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

/** Where something is mounted now, from /proc/self/mounts (octal escapes, e.g. `\\040` for a space, decoded). */
async function currentMountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter(Boolean)
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

/**
 * Removes data directories of control planes whose host process died without cleaning up
 * (SIGKILL, OOM). Their components were already ended by the tether; only files remain —
 * unless the control plane had a node, whose containers, mounts and host changes outlive
 * the tether and are put back first. A directory that cannot be removed (a mount still held
 * inside it, say) is left and reported: someone else's leftovers must not stop this control
 * plane from starting.
 */
export async function sweepAbandonedDirs(
  options: {
    parent?: string;
    remove?: (dir: string) => Promise<void>;
    warn?: (line: string) => void;
    mountPoints?: () => Promise<string[]>;
  } = {},
): Promise<void> {
  const mountPoints = options.mountPoints ?? currentMountPoints;
  const parent = options.parent ?? tmpdir();
  const remove = options.remove ?? ((dir: string) => rm(dir, { recursive: true, force: true }));
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const entry of await readdir(parent)) {
    const isNode = entry.startsWith(NODE_DIR_PREFIX);
    if (!entry.startsWith(DIR_PREFIX) && !isNode) continue;
    const dir = join(parent, entry);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    try {
      if (isNode) restoreHostAfterCrash(dir);
    } catch (error) {
      warn(`left ${dir} of a node that ended without cleaning up: could not restore the host: ${(error as Error).message}`);
      continue;
    }
    // A recursive rm would descend into a mount left inside (a kubelet's volume, say) and
    // delete what it shows from elsewhere: such a directory is left to its owner's teardown.
    const held = (await mountPoints()).filter((point) => point.startsWith(`${dir}/`));
    if (held.length > 0) {
      warn(`left ${dir} of a control plane that ended without cleaning up: ${held.length} mounts still inside (${held[0]})`);
      continue;
    }
    await remove(dir).catch((error: unknown) => warn(`left ${dir} of a control plane that ended without cleaning up: ${String(error)}`));
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
export async function createDataDir(keepDir: boolean, warn?: (line: string) => void): Promise<DataDir> {
  await sweepAbandonedDirs(warn ? { warn } : {});
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  // A kept directory is for a person to read later, so the sweep must not take it.
  if (!keepDir) await writeFile(join(dir, 'owner.pid'), String(process.pid));
  const logs = join(dir, 'logs');
  const pki = join(dir, 'pki');
  await mkdir(logs);
  await mkdir(pki);
  return { dir, logs, pki };
}
