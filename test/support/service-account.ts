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
  const ca = cluster.caData ? { data: cluster.caData } : { file: cluster.caFile };
  return writeTokenKubeconfig(join(dir, `${namespace}-${serviceAccount}.kubeconfig`), { server: cluster.server, ca, token, namespace });
}

/** What a client holding a pod's credentials talks to the apiserver with: its server, CA, token and namespace. */
export interface TokenCredentials {
  server: string;
  /** The CA's PEM as base64 (`data`), or a file holding it. */
  ca: { data: string } | { file: string | undefined };
  token: string;
  namespace: string;
}

/** Writes a kubeconfig that authenticates with a bearer token, as an in-cluster client does; returns its path. */
export async function writeTokenKubeconfig(path: string, { server, ca, token, namespace }: TokenCredentials): Promise<string> {
  await writeFile(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'pod',
      clusters: [
        {
          name: 'c',
          cluster: { server, ...('data' in ca ? { 'certificate-authority-data': ca.data } : { 'certificate-authority': ca.file }) },
        },
      ],
      users: [{ name: 'sa', user: { token } }],
      contexts: [{ name: 'pod', context: { cluster: 'c', user: 'sa', namespace } }],
    }),
    { mode: 0o600 },
  );
  return path;
}
