import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { hostOf } from '../git/git-remote.ts';
import { publishGit } from '../git/publish-git.ts';
import { applyObjects } from '../kube/apply.ts';
import type { GitServer } from '../local-cluster/git-server.ts';

/** The demo git server's one account, whose password is in the Secret greenroom-git. */
export interface DemoGit {
  server: GitServer;
  credentials: { username: string; password: string };
}

/** Pushes a directory of examples/ to a new repository of the demo's git server; resolves to its URL. */
export async function pushExample(git: DemoGit, root: string, example: string, repository: string, message: string): Promise<string> {
  const url = await git.server.createRepository(repository);
  const copy = await mkdtemp(join(tmpdir(), 'greenroom-demo-'));
  try {
    await cp(join(root, 'examples', example), copy, { recursive: true });
    await publishGit({ dir: copy, url, credentials: { ...git.credentials, allowedHosts: [hostOf(url)] }, allowHttp: true, message });
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
  return url;
}

/**
 * A team's Backstage repository (examples/backstage-import), unchanged, pushed to the demo's
 * git server and kept in the catalog by a git CatalogSource that follows its Location, so
 * the Sources page and the entity pages' origin lines have something real to show.
 */
export async function seedCatalogSource(kubeConfig: KubeConfig, namespace: string, root: string, git: DemoGit): Promise<string> {
  const url = await pushExample(git, root, 'backstage-import', 'reviews-backstage', 'Reviews team catalog, as written for Backstage');
  await applyObjects(
    kubeConfig,
    [
      {
        apiVersion: API_VERSION,
        kind: 'CatalogSource',
        metadata: { name: 'reviews-backstage' },
        spec: { interval: '1m', git: { url, ref: 'main', paths: ['catalog-info.yaml'], secretRef: { name: 'greenroom-git' } } },
      } as never,
    ],
    namespace,
  );
  return url;
}
