import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/operator.ts';

const kubeConfig = loadKubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);

async function pinnedVersions(): Promise<Record<string, string>> {
  const file = fileURLToPath(new URL('../../tools/control-plane/versions.env', import.meta.url));
  const pairs = (await readFile(file, 'utf8')).matchAll(/^([A-Z0-9_]+)=(\S+)$/gm);
  return Object.fromEntries([...pairs].map(([, key, value]) => [key, value]));
}

const widgetCrd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.harness.greenroom.dev
spec:
  group: harness.greenroom.dev
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1 }
`;

describe('the local control plane', () => {
  it('when asked with kubectl, then the server reports the pinned Kubernetes version (>= 1.33)', async () => {
    const { K8S_VERSION } = await pinnedVersions();
    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as {
      serverVersion: { gitVersion: string; major: string; minor: string };
    };
    expect(version.serverVersion.gitVersion).toBe(K8S_VERSION);
    expect(Number(version.serverVersion.major)).toBe(1);
    expect(Number(version.serverVersion.minor)).toBeGreaterThanOrEqual(33);
  });

  it('when asked for its version, then helm reports the pinned release, not a dev build', async () => {
    const { HELM_VERSION } = await pinnedVersions();
    expect((await helm(['version', '--short'])).trim()).toMatch(new RegExp(`^${HELM_VERSION}\\b`));
  });

  it('when a CRD and a custom resource are applied with kubectl, then the client reads the resource back', async () => {
    await kubectl(['apply', '-f', '-'], widgetCrd);
    await kubectl(['wait', '--for=condition=Established', 'crd/widgets.harness.greenroom.dev', '--timeout=60s']);
    await kubectl(['create', 'namespace', 'widgets']);
    // Discovery can lag the Established condition by a moment; kubectl needs it to map the kind.
    await eventually(
      'applying a Widget',
      () =>
        kubectl(
          ['apply', '-n', 'widgets', '-f', '-'],
          'apiVersion: harness.greenroom.dev/v1\nkind: Widget\nmetadata: {name: gear}\nspec: {size: 3}\n',
        ).then(
          () => true,
          () => undefined,
        ),
      30_000,
    );
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const widget = (await custom.getNamespacedCustomObject({
      group: 'harness.greenroom.dev',
      version: 'v1',
      namespace: 'widgets',
      plural: 'widgets',
      name: 'gear',
    })) as { spec: { size: number } };
    expect(widget.spec.size).toBe(3);
  });

  it('when a custom resource breaks the CRD schema, then admission rejects it naming the field', async () => {
    await kubectl(['wait', '--for=condition=Established', 'crd/widgets.harness.greenroom.dev', '--timeout=60s']).catch(() =>
      kubectl(['apply', '-f', '-'], widgetCrd),
    );
    await kubectl(['create', 'namespace', 'bad-widgets']);
    await eventually(
      'Widget discovery',
      () =>
        kubectl(['get', 'widgets', '-n', 'bad-widgets']).then(
          () => true,
          () => undefined,
        ),
      30_000,
    );
    await expect(
      kubectl(
        ['apply', '-n', 'bad-widgets', '-f', '-'],
        'apiVersion: harness.greenroom.dev/v1\nkind: Widget\nmetadata: {name: cog}\nspec: {size: 0}\n',
      ),
    ).rejects.toThrow(/spec\.size/);
  });

  it('when a namespace is deleted, then it goes away (the namespace controller runs)', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'content' }, data: { a: 'b' } } });
    await core.deleteNamespace({ name: 'doomed' });
    await eventually(
      'namespace deletion',
      () =>
        core.readNamespace({ name: 'doomed' }).then(
          () => undefined,
          (error: { code?: number }) => (error.code === 404 ? true : undefined),
        ),
      60_000,
    );
  });

  it('when an owner is deleted, then its dependents are garbage-collected', async () => {
    const namespace = 'default';
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'gc-owner' } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'gc-dependent',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gc-owner', uid: owner.metadata!.uid! }],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'gc-owner' });
    await eventually(
      'garbage collection of gc-dependent',
      () =>
        core.readNamespacedConfigMap({ namespace, name: 'gc-dependent' }).then(
          () => undefined,
          (error: { code?: number }) => (error.code === 404 ? true : undefined),
        ),
      60_000,
    );
  });
});
