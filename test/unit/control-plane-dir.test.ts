import { describe, expect, it } from '@jest/globals';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepAbandonedDirs } from '../../src/local-cluster/control-plane-dir.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const newDir = tempDirs('sweep-');
/** A pid no process has: past the kernel's pid_max. */
const DEAD_PID = 2 ** 22 + 1;

async function controlPlaneDir(parent: string, name: string, owner: number | undefined): Promise<void> {
  await mkdir(join(parent, name));
  if (owner !== undefined) await writeFile(join(parent, name, 'owner.pid'), String(owner));
}

describe('sweeping the directories of control planes that ended without cleaning up', () => {
  it('when a dead owner left a directory, then it is removed; a live owner’s and a kept one (no owner) stay', async () => {
    const parent = newDir();
    await controlPlaneDir(parent, 'greenroom-cp-dead', DEAD_PID);
    await controlPlaneDir(parent, 'greenroom-cp-live', process.pid);
    await controlPlaneDir(parent, 'greenroom-cp-kept', undefined);
    await sweepAbandonedDirs({ parent });
    expect((await readdir(parent)).sort()).toEqual(['greenroom-cp-kept', 'greenroom-cp-live']);
  });

  it('when an abandoned directory cannot be removed, then the sweep says so and goes on to the next', async () => {
    const parent = newDir();
    await controlPlaneDir(parent, 'greenroom-cp-a', DEAD_PID);
    await controlPlaneDir(parent, 'greenroom-cp-b', DEAD_PID);
    const removed: string[] = [];
    const warnings: string[] = [];
    const remove = async (dir: string) => {
      if (dir.endsWith('-a'))
        throw Object.assign(new Error(`EBUSY: resource busy or locked, rmdir '${dir}/node/kubelet'`), { code: 'EBUSY' });
      removed.push(dir);
    };
    await expect(sweepAbandonedDirs({ parent, remove, warn: (line) => warnings.push(line) })).resolves.toBeUndefined();
    expect(removed).toEqual([join(parent, 'greenroom-cp-b')]);
    expect(warnings).toEqual([expect.stringMatching(/greenroom-cp-a .*EBUSY/)]);
  });

  it('when a mount is still held inside an abandoned directory, then the sweep leaves it untouched and says so', async () => {
    const parent = newDir();
    await controlPlaneDir(parent, 'greenroom-cp-node', DEAD_PID);
    const removed: string[] = [];
    const warnings: string[] = [];
    await sweepAbandonedDirs({
      parent,
      remove: async (dir) => void removed.push(dir),
      warn: (line) => warnings.push(line),
      mountPoints: async () => ['/', join(parent, 'greenroom-cp-node', 'node', 'kubelet', 'pods', 'x', 'volumes')],
    });
    expect(removed).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/greenroom-cp-node .*1 mounts still inside/)]);
  });
});
