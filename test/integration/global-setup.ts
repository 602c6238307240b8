import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';

/**
 * Starts one real control plane for the whole integration run and hands its kubeconfig to
 * the test workers through the environment (workers are forked after this runs).
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const controlPlane = await startControlPlane({
    keepDir: process.env.GREENROOM_KEEP_CONTROL_PLANE === '1',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  (globalThis as { __controlPlane?: ControlPlane }).__controlPlane = controlPlane;
  process.env.KUBECONFIG = controlPlane.kubeconfigPath;
  process.env.GREENROOM_TEST_BIN_KUBECTL = controlPlane.binaries.kubectl;
  process.env.GREENROOM_TEST_BIN_HELM = controlPlane.binaries.helm;
  process.stderr.write(`control plane up in ${Date.now() - started} ms at ${controlPlane.server}\n`);
}
