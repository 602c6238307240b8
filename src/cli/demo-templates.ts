import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOWED_HOSTS_ANNOTATION, hostOf } from '../git/git-remote.ts';
import { publishGit } from '../git/publish-git.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectionPath } from '../api/resource-paths.ts';
import { API_VERSION, RESOURCES } from '../api/v1alpha1/index.ts';
import { applyObjects, readManifests } from '../kube/apply.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { startGitServer, type GitServer } from '../local-cluster/git-server.ts';
import type { Logger } from '../observability/logger.ts';

/** The run the demo starts, so the templates pages have something to show. */
export const DEMO_RUN = 'recommendations-service';

/**
 * The demo's golden paths: a local git server (the real git http-backend, with a password
 * kept in the Secret the templates name), the templates of templates/ with their skeleton
 * ConfigMaps, and one run of the TypeScript service template that pushes a new repository
 * there and registers it in the sample catalog.
 */
export async function seedTemplates(kubeConfig: KubeConfig, namespace: string, root: string, log: Logger): Promise<GitServer> {
  const credentials = { username: 'greenroom-demo', password: randomBytes(12).toString('hex') };
  const git = await startGitServer({ credentials });
  try {
    // The Secret names the one host its credentials may go to: the demo's git server.
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'greenroom-git', annotations: { [ALLOWED_HOSTS_ANNOTATION]: hostOf(git.url) } },
      type: 'kubernetes.io/basic-auth',
      stringData: credentials,
    };
    await applyObjects(kubeConfig, [secret as never], namespace);
    for (const dir of ['typescript-service', 'docs-site'])
      await applyObjects(kubeConfig, await readManifests(join(root, 'templates', dir)), namespace);
    const repoUrl = await git.createRepository('recommendations');
    const client = new RawKubeClient(kubeConfig);
    const run = {
      apiVersion: API_VERSION,
      kind: 'TemplateRun',
      metadata: { name: DEMO_RUN, namespace },
      spec: {
        templateRef: { name: 'typescript-service' },
        values: {
          name: 'recommendations',
          owner: 'team-storefront',
          system: 'storefront',
          description: 'Suggests the next book to read, from what readers bought together.',
          repoUrl,
        },
      },
    };
    try {
      await client.request({ method: 'POST', path: collectionPath(RESOURCES.templateRuns, namespace), body: run });
    } catch (error) {
      // A second demo against the same cluster: the first run stays as it was.
      if (!(error instanceof KubeApiError && error.code === 409)) throw error;
    }
    await seedDocs(kubeConfig, namespace, root, git, credentials);
    log.info(
      { git: git.url, repository: repoUrl, run: `${namespace}/${DEMO_RUN}` },
      `templates applied; the demo run pushes to ${repoUrl} (user ${credentials.username}, password in Secret ${namespace}/greenroom-git)`,
    );
    return git;
  } catch (error) {
    await git.stop();
    throw error;
  }
}

/**
 * Docs-like-code for the sample catalog: examples/docs/checkout-service pushed to the demo's
 * git server as its own repository, and a DocSource that builds it for checkout-service.
 */
async function seedDocs(
  kubeConfig: KubeConfig,
  namespace: string,
  root: string,
  git: GitServer,
  credentials: { username: string; password: string },
): Promise<void> {
  const url = await git.createRepository('checkout-service-docs');
  const copy = await mkdtemp(join(tmpdir(), 'greenroom-demo-docs-'));
  try {
    await cp(join(root, 'examples', 'docs', 'checkout-service'), copy, { recursive: true });
    await publishGit({
      dir: copy,
      url,
      credentials: { ...credentials, allowedHosts: [hostOf(url)] },
      allowHttp: true,
      message: 'Checkout service docs',
    });
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
  await applyObjects(
    kubeConfig,
    [
      {
        apiVersion: API_VERSION,
        kind: 'DocSource',
        metadata: { name: 'checkout-service-docs' },
        spec: {
          entityRef: 'component:checkout-service',
          refreshInterval: '1m',
          source: { git: { url, ref: 'main', secretRef: { name: 'greenroom-git' } } },
        },
      } as never,
    ],
    namespace,
  );
}
