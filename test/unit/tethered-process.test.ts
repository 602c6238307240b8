import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTethered } from '../../src/local-cluster/tethered-process.ts';
import { descendants, isAlive, waitForExit } from '../support/processes.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// These run real processes (sleep, bash); nothing is mocked.
const newDir = tempDirs('tether-test-');
const logFile = (): string => join(newDir(), 'out.log');

describe('a tethered process', () => {
  // Regression: bash reads ~/.bashrc when its stdin is a socket (Node's 'pipe') and SHLVL is
  // unset, as under nohup; one .bashrc ran `pyenv init` and held etcd back for 60 s.
  it('when started without SHLVL from a HOME whose .bashrc does something, then that .bashrc is not run', async () => {
    const home = newDir();
    const marker = join(home, 'bashrc-ran');
    writeFileSync(join(home, '.bashrc'), `touch ${marker}\n`);
    writeFileSync(join(home, '.bash_profile'), `touch ${marker}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.SHLVL;
    const out = logFile();
    const proc = startTethered({ name: 'echo', command: 'echo', args: ['started'], logFile: out, env });
    expect(await proc.exited).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('when stopped, then the command and the tether have both exited', async () => {
    const proc = startTethered({ name: 'sleeper', command: 'sleep', args: ['1000'], logFile: logFile() });
    await new Promise((r) => setTimeout(r, 200));
    const tree = [proc.pid, ...descendants(proc.pid)];
    expect(tree.length).toBeGreaterThanOrEqual(2);
    await proc.stop();
    expect(proc.running()).toBe(false);
    expect(await waitForExit(tree, 1000)).toEqual([]);
  });

  it('when the command ignores SIGTERM, then stop kills it after the grace period', async () => {
    const proc = startTethered({
      name: 'stubborn',
      command: 'bash',
      args: ['-c', 'trap "" TERM; while true; do sleep 0.05; done'],
      logFile: logFile(),
    });
    await new Promise((r) => setTimeout(r, 200));
    const tree = [proc.pid, ...descendants(proc.pid)];
    const started = Date.now();
    await proc.stop(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await waitForExit(tree, 1000)).toEqual([]);
  });

  it('when the command exits by itself, then exited resolves with its exit code', async () => {
    const proc = startTethered({ name: 'quick', command: 'bash', args: ['-c', 'exit 7'], logFile: logFile() });
    expect(await proc.exited).toBe(7);
    expect(proc.running()).toBe(false);
  });

  it('when the Node process that started it is killed with SIGKILL, then the command exits too', async () => {
    const script = fileURLToPath(new URL('../support/tether-host.ts', import.meta.url));
    const host = spawn(process.execPath, [script, logFile()], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tetherPid = await new Promise<number>((resolve, reject) => {
      host.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      host.once('exit', (code) => reject(new Error(`host exited early with ${code}`)));
    });
    await new Promise((r) => setTimeout(r, 200));
    const tree = [tetherPid, ...descendants(tetherPid)];
    expect(tree.some((pid) => pid !== tetherPid && isAlive(pid))).toBe(true);
    host.kill('SIGKILL');
    expect(await waitForExit(tree, 5000)).toEqual([]);
  });
});
