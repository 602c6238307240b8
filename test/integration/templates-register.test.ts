import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { RegisterError, catalogManifests, registerEntities } from '../../src/templates/register.ts';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'templates-register';
const client = new RawKubeClient(loadKubeConfig());

const catalogFile = (name: string, extra = '') => `apiVersion: greenroom.dev/v1alpha1
kind: Component
metadata:
  name: ${name}
spec: {type: service, lifecycle: experimental, owner: team-a}
---
apiVersion: greenroom.dev/v1alpha1
kind: API
metadata:
  name: ${name}-api
spec: {type: openapi, lifecycle: experimental, owner: team-a}
${extra}`;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

describe('the register step on the real apiserver', () => {
  it('when the rendered catalog file is valid, then its entities are created in the run namespace', async () => {
    const refs = await registerEntities(client, catalogManifests(catalogFile('orders'), 'catalog-info.yaml', namespace));
    expect(refs).toEqual([`component:${namespace}/orders`, `api:${namespace}/orders-api`]);
    expect(await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'name'])).toMatch(/orders/);
  });

  it('when a later entity fails, then the ones created before it are removed: nothing half-registered', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'API',
        metadata: { name: 'taken-api', namespace },
        spec: { type: 'openapi', lifecycle: 'production', owner: 'someone' },
      }),
    );
    await expect(registerEntities(client, catalogManifests(catalogFile('taken'), 'catalog-info.yaml', namespace))).rejects.toThrow(
      /registering API taken-api failed: already exists; 1 created before it were removed/,
    );
    await expect(kubectl(['get', 'component', 'taken', '-n', namespace])).rejects.toThrow(/NotFound|not found/);
  });

  it('when the file names another namespace or a non-catalog kind, then it is refused before anything is created', () => {
    expect(() =>
      catalogManifests(
        'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: x, namespace: kube-system}\n',
        'catalog-info.yaml',
        namespace,
      ),
    ).toThrow(RegisterError);
    expect(() => catalogManifests('apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n', 'catalog-info.yaml', namespace)).toThrow(
      /only greenroom.dev\/v1alpha1 catalog kinds/,
    );
  });
});
