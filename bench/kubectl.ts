import { execFile } from 'node:child_process';
import type { ControlPlane } from '../src/local-cluster/control-plane.ts';

/** kubectl against the benchmark's control plane, with the manifest (if any) on stdin; rejects with kubectl's stderr. */
export function kubectlFor(
  controlPlane: Pick<ControlPlane, 'binaries' | 'kubeconfigPath'>,
): (args: string[], stdin?: string) => Promise<void> {
  return (args, stdin) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        controlPlane.binaries.kubectl,
        ['--kubeconfig', controlPlane.kubeconfigPath, ...args],
        (error, _stdout, stderr) => (error ? reject(new Error(`kubectl ${args[0]} failed: ${stderr}`)) : resolve()),
      );
      child.stdin?.end(stdin ?? '');
    });
}
