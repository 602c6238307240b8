import { beforeAll, describe, expect, it } from '@jest/globals';
import { catalogKind, catalogResource } from '../../src/api/v1alpha1/index.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { mergeStatus } from '../../src/kube/status-writer.ts';
import { kubectl } from '../support/kubectl.ts';
import { statusOf } from '../support/operator.ts';

// No operator runs here: the only writer of these statuses is the test.
const namespace = 'status-writer';
const client = new RawKubeClient(loadKubeConfig());
const components = catalogResource(catalogKind('Component')!);
const resourceVersion = async (name: string): Promise<string> => (await statusOf(namespace, 'components', name)).resourceVersion;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    }),
  );
});

describe('merging status fields on the real apiserver', () => {
  it('when the write requires the version it was decided from and the object moved on, then it is a conflict and nothing is written', async () => {
    const decidedFrom = await resourceVersion('orders');
    await kubectl(['label', 'component', 'orders', '-n', namespace, 'moved=yes']);
    expect(await mergeStatus(client, components, namespace, 'orders', { observedGeneration: 7 }, { resourceVersion: decidedFrom })).toBe(
      'conflict',
    );
    expect((await statusOf(namespace, 'components', 'orders')).observedGeneration).toBeUndefined();
  });

  it('when the object is still at that version, then the fields are merged', async () => {
    expect(
      await mergeStatus(
        client,
        components,
        namespace,
        'orders',
        { observedGeneration: 7 },
        { resourceVersion: await resourceVersion('orders') },
      ),
    ).toBe('written');
    expect((await statusOf(namespace, 'components', 'orders')).observedGeneration).toBe(7);
  });

  it('when no version is required, then it is written whatever happened meanwhile; a deleted object is gone', async () => {
    await kubectl(['label', 'component', 'orders', '-n', namespace, 'moved=again', '--overwrite']);
    expect(await mergeStatus(client, components, namespace, 'orders', { observedGeneration: 8 })).toBe('written');
    expect((await statusOf(namespace, 'components', 'orders')).observedGeneration).toBe(8);
    expect(await mergeStatus(client, components, namespace, 'nothing-here', { observedGeneration: 1 }, { resourceVersion: '1' })).toBe(
      'gone',
    );
  });
});
