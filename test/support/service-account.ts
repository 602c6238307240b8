import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { kubectl } from './kubectl.ts';

/**
 * A kubeconfig that authenticates as a ServiceAccount with a token from the TokenRequest
 * API — what a pod running as that account gets — so code run with it has exactly the
 * account's rights on the real apiserver.
 */
export async function serviceAccountKubeconfig(namespace: string, serviceAccount: string, dir: string): Promise<string> {
  const token = (await kubectl(['create', 'token', serviceAccount, '-n', namespace, '--duration=1h'])).trim();
  const cluster = loadKubeConfig().getCurrentCluster()!;
  const path = join(dir, `${namespace}-${serviceAccount}.kubeconfig`);
  await writeFile(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'pod',
    clusters: [{ name: 'c', cluster: { server: cluster.server, ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : { 'certificate-authority': cluster.caFile }) } }],
    users: [{ name: 'sa', user: { token } }],
    contexts: [{ name: 'pod', context: { cluster: 'c', user: 'sa', namespace } }],
  }), { mode: 0o600 });
  return path;
}
