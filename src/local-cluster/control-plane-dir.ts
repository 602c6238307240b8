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
 * (SIGKILL, OOM). Their components were already ended by the tether; only files remain. A
 * directory that cannot be removed (a mount still held inside it, say) is left and reported:
 * someone else's leftovers must not stop this control plane from starting.
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
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(parent, entry);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
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
