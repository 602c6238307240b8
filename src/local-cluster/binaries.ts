import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';

export { projectRoot } from '../paths.ts';

/** The executables a local control plane needs, by absolute path. */
export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  helm: string;
}

export function binariesIn(dir: string): Binaries {
  return {
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubectl: join(dir, 'kubectl'),
    helm: join(dir, 'helm'),
  };
}

/**
 * Returns the control-plane binaries, building them from the Go module proxy the first
 * time (tools/control-plane/build.sh; cached by version afterwards, so later calls take
 * a second). `GREENROOM_BIN_DIR` points at a directory of ready binaries instead.
 */
export async function ensureBinaries(log: (line: string) => void = () => undefined): Promise<Binaries> {
  const preset = process.env.GREENROOM_BIN_DIR;
  if (preset) return checked(binariesIn(preset));
  const script = join(projectRoot(), 'tools', 'control-plane', 'build.sh');
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderrTail = (stderrTail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.startsWith('[control-plane]')) log(line);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${script} exited with ${code}:\n${stderrTail}`));
    });
  });
  return checked(binariesIn(dir));
}

function checked(binaries: Binaries): Binaries {
  for (const path of Object.values(binaries)) {
    if (!existsSync(path)) throw new Error(`control-plane binary missing: ${path}`);
  }
  return binaries;
}
