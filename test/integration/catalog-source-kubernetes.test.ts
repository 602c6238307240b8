import { beforeAll, describe, expect, it } from '@jest/globals';
import { SOURCE_LABEL } from '../../src/api/v1alpha1/catalog-source.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// A CatalogSource of kind kubernetes on the real control plane: the cluster describes itself.
// Labelled Deployments and Services become Components, and go when their workloads go. No
// kubelet runs here (no pod is needed: the source reads the workloads' labels, not pods).
const namespace = 'catalog-source-kubernetes';
const start = operators(namespace);

interface Status {
  counts?: Record<string, number>;
  problems?: { location: string; reason: string }[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}
const statusOf = async (name: string): Promise<Status> =>
  (JSON.parse(await kubectl(['get', 'catalogsource', name, '-n', namespace, '-o', 'json'])) as { status?: Status }).status ?? {};
const components = async (): Promise<string[]> =>
  (await kubectl(['get', 'components', '-n', namespace, '-l', `${SOURCE_LABEL}=cluster`, '-o', 'jsonpath={.items[*].metadata.name}']))
    .split(' ')
    .filter(Boolean)
    .sort();
const deployment = (name: string, labels: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'registry.example/app:1.0' }] } },
    },
  });

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    deployment('orders', { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'shop', 'greenroom.dev/owner': 'team-orders' }),
  );
  await kubectl(['apply', '-n', namespace, '-f', '-'], deployment('unowned', { 'app.kubernetes.io/name': 'unowned' }));
  await kubectl(['apply', '-n', namespace, '-f', '-'], deployment('plain', { app: 'plain' }));
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'search', labels: { 'backstage.io/kubernetes-id': 'search', 'greenroom.dev/owner': 'team-search' } },
      spec: { selector: { app: 'search' }, ports: [{ port: 80 }] },
    }),
  );
  await start();
}, 60_000);

describe('a CatalogSource reading the cluster', () => {
  it('when applied, then labelled workloads become Components, an unowned one is a problem naming it, unlabelled ones are ignored', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: cluster}\nspec: {interval: 10s, kubernetes: {}}\n',
    );
    const status = await eventually('the source to sync', async () => {
      const s = await statusOf('cluster');
      return s.conditions?.find((c) => c.type === 'Synced')?.status === 'True' ? s : undefined;
    });
    expect(await components()).toEqual(['orders', 'search']);
    expect(await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'jsonpath={.spec.owner}/{.spec.system}'])).toBe(
      'team-orders/shop',
    );
    expect(status.problems).toEqual([
      { location: `Deployment ${namespace}/unowned`, reason: expect.stringMatching(/add the label or annotation greenroom.dev\/owner/) },
    ]);
  });

  it('when a workload goes, then its Component goes at the next check', async () => {
    await kubectl(['delete', 'deployment', 'orders', '-n', namespace]);
    await eventually('the Component to go', async () => ((await components()).join() === 'search' ? true : undefined), 40_000);
  });

  it("when a source names another namespace without the operator's leave, then it reads nothing and says so", async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: nosy}\nspec: {kubernetes: {namespaces: [kube-system]}}\n',
    );
    const status = await eventually('the refusal', async () => {
      const s = await statusOf('nosy');
      return s.conditions?.find((c) => c.type === 'Synced')?.status === 'False' ? s : undefined;
    });
    expect(status.conditions?.find((c) => c.type === 'Synced')).toMatchObject({
      reason: 'SourceInvalid',
      message: expect.stringMatching(/names kube-system: only CatalogSources in the operator's --cluster-catalog-source-namespaces/),
    });
  });
});
