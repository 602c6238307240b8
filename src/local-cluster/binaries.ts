import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.ts';
import { runToEnd } from './run-to-end.ts';

export { projectRoot } from '../shared/paths.ts';

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
  const dir = await runBuildScript(['control-plane', 'build.sh'], [], '[control-plane]', log);
  return checked(binariesIn(dir));
}

/** What a node runs besides containerd and runc (which come from Debian), by absolute path. */
export interface NodeBinaries {
  kubelet: string;
  kubeProxy: string;
  kubeScheduler: string;
  /** Directory of the OCI archives tools/node/build-images.sh packs: `pause.tar` (tag in `pause.tag`), `smoke.tar`. */
  images: string;
}

/**
 * Returns the node's binaries and images, building them the first time like
 * {@link ensureBinaries} (`tools/control-plane/build.sh node`, then
 * `tools/node/build-images.sh`); the same cache directory holds them.
 */
export async function ensureNodeBinaries(log: (line: string) => void = () => undefined): Promise<NodeBinaries> {
  const preset = process.env.GREENROOM_BIN_DIR;
  const dir = preset ?? (await runBuildScript(['control-plane', 'build.sh'], ['node'], '[control-plane]', log));
  const images = await runBuildScript(['node', 'build-images.sh'], [], '[node-images]', log);
  return checked({
    kubelet: join(dir, 'kubelet'),
    kubeProxy: join(dir, 'kube-proxy'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    images,
  });
}

/** Dex and the helper that hashes its people's passwords, by absolute path. */
export interface DexBinaries {
  dex: string;
  bcryptHash: string;
}

/**
 * Returns Dex, building it from the Go module proxy the first time (tools/sign-in/build.sh,
 * 4 to 4.5 minutes cold on 2 cores; cached by version afterwards).
 */
export async function ensureDex(log: (line: string) => void = () => undefined): Promise<DexBinaries> {
  const dir = await runBuildScript(['sign-in', 'build.sh'], ['dex'], '[sign-in]', log);
  return checked({ dex: join(dir, 'dex'), bcryptHash: join(dir, 'bcrypt-hash') });
}

/** Returns oauth2-proxy, built like {@link ensureDex}. */
export async function ensureOAuth2Proxy(log: (line: string) => void = () => undefined): Promise<string> {
  const dir = await runBuildScript(['sign-in', 'build.sh'], ['oauth2-proxy'], '[sign-in]', log);
  return checked({ oauth2Proxy: join(dir, 'oauth2-proxy') }).oauth2Proxy;
}

/**
 * Runs one of tools/<part>/build.sh, which prints the bin directory on its last line; its
 * progress lines (those starting with `prefix`) go to `log`, and a failure carries the tail
 * of what it wrote to stderr.
 */
async function runBuildScript(scriptPath: string[], args: string[], prefix: string, log: (line: string) => void): Promise<string> {
  const script = join(projectRoot(), 'tools', ...scriptPath);
  const result = await runToEnd('bash', [script, ...args], {
    stderrKept: 4000,
    onStderr: (text) => {
      for (const line of text.split('\n')) if (line.startsWith(prefix)) log(line);
    },
  });
  if (result.code !== 0) throw new Error(`${script} exited with ${result.code ?? result.signal}:\n${result.stderr}`);
  return result.stdout.trim().split('\n').at(-1) ?? '';
}

function checked<T extends object>(binaries: T): T {
  for (const path of Object.values(binaries) as string[]) {
    if (!existsSync(path)) throw new Error(`binary missing: ${path}`);
  }
  return binaries;
}
