import { fileURLToPath } from 'node:url';
import { installCrds } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';

/**
 * Starts one real control plane for the whole integration run and hands its kubeconfig to
 * the test workers through the environment (workers are forked after this runs). The
 * generated CRDs from crds/ are installed, as the chart and the demo install them.
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
  const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
  await installCrds(kubeConfig, fileURLToPath(new URL('../../crds/', import.meta.url)));
  process.stderr.write(`control plane up in ${Date.now() - started} ms at ${controlPlane.server}\n`);
}
