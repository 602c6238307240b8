import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ALLOWED_HOSTS_ANNOTATION, hostOf } from '../git/git-remote.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectionPath } from '../api/resource-paths.ts';
import { API_VERSION, RESOURCES } from '../api/v1alpha1/index.ts';
import { applyObjects, readManifests } from '../kube/apply.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { startGitServer, type GitServer } from '../local-cluster/git-server.ts';
import type { Logger } from '../observability/logger.ts';
import { pushExample, seedCatalogSource, type DemoGit } from './demo-repositories.ts';

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
    const demoGit: DemoGit = { server: git, credentials };
    await seedDocs(kubeConfig, namespace, root, demoGit);
    const catalogRepository = await seedCatalogSource(kubeConfig, namespace, root, demoGit);
    log.info(
      { repository: catalogRepository, source: `${namespace}/reviews-backstage` },
      'a Backstage catalog repository is pushed and kept in the catalog by the CatalogSource reviews-backstage',
    );
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
async function seedDocs(kubeConfig: KubeConfig, namespace: string, root: string, git: DemoGit): Promise<void> {
  const url = await pushExample(git, root, join('docs', 'checkout-service'), 'checkout-service-docs', 'Checkout service docs');
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
