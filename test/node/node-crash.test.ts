// What a crashed test runner leaves of a real node: the tether ends containerd and the
// kubelet, but containerd's shims, the running containers, the kubelet's mounts, the
// bridge, the iptables chains and the sysctls stay until the next control plane's start
// sweeps the dead run's directory and puts them back.
import { describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../../src/local-cluster/control-plane.ts';
import { hostState, mountsUnder } from './host-state.ts';
import { commandLine, descendants, waitForExit } from '../support/processes.ts';

jest.setTimeout(600_000);

describe('a real node whose host process is killed', () => {
  it('when the process that started it is killed with SIGKILL, then the next control plane puts the host back', async () => {
    const before = hostState();
    const script = fileURLToPath(new URL('./start-node-and-report.ts', import.meta.url));
    const host = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const report = await new Promise<{ dir: string; pids: number[] }>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { dir: string; pids: number[] });
      });
      host.once('exit', (code) => reject(new Error(`host exited with ${code} before reporting`)));
    });
    const components = report.pids.flatMap((pid) => [pid, ...descendants(pid)]);
    host.kill('SIGKILL');
    const alive = await waitForExit(components, 20_000);
    expect(alive.map((pid) => `${pid}: ${commandLine(pid)}`).join('\n')).toBe('');
    // The crash left the node's traces: this is what the sweep has to undo.
    expect(mountsUnder(report.dir).length).toBeGreaterThan(0);
    expect(hostState()).not.toEqual(before);

    const next = await startControlPlane();
    await next.stop();

    expect(mountsUnder(report.dir)).toEqual([]);
    expect(existsSync(report.dir)).toBe(false);
    expect(hostState()).toEqual(before);
  });
});
