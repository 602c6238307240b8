import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../../src/local-cluster/control-plane.ts';
import { commandLine, descendants, waitForExit } from '../support/processes.ts';

const binDir = (): string => {
  const kubectlPath = process.env.GREENROOM_TEST_BIN_KUBECTL;
  if (!kubectlPath) throw new Error('run through the integration project');
  return kubectlPath.slice(0, kubectlPath.lastIndexOf('/'));
};

function describeAlive(pids: number[]): string {
  return pids.map((pid) => `${pid}: ${commandLine(pid)}`).join('\n');
}

describe('the control-plane harness', () => {
  it('when stopped, then no etcd, apiserver or controller-manager process and no temp dir is left', async () => {
    const controlPlane = await startControlPlane({
      binaries: (await import('../../src/local-cluster/binaries.ts')).binariesIn(binDir()),
    });
    const pids = controlPlane.processes.flatMap((p) => [p.pid, ...descendants(p.pid)]);
    const names = pids.map(commandLine).join('\n');
    expect(names).toMatch(/etcd/);
    expect(names).toMatch(/kube-apiserver/);
    expect(names).toMatch(/kube-controller-manager/);
    await controlPlane.stop();
    expect(describeAlive(await waitForExit(pids, 1000))).toBe('');
    expect(existsSync(controlPlane.dir)).toBe(false);
  });

  it('when the process that started it is killed with SIGKILL, then its components still exit', async () => {
    // A separate Node process plays a test runner that dies without running any cleanup.
    const script = fileURLToPath(new URL('../support/start-and-report.ts', import.meta.url));
    const host = spawn(process.execPath, [script], {
      env: { ...process.env, GREENROOM_BIN_DIR: binDir() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const report = await new Promise<{ pids: number[] }>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { pids: number[] });
      });
      host.once('exit', (code) => reject(new Error(`host exited with ${code} before reporting`)));
    });
    const components = report.pids.flatMap((pid) => [pid, ...descendants(pid)]);
    expect(components.length).toBeGreaterThanOrEqual(6);
    host.kill('SIGKILL');
    expect(describeAlive(await waitForExit(components, 20_000))).toBe('');
  });
});
