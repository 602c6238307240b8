import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { CHART } from '../support/helm-chart.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/operator.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const kubeConfig = loadKubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);

async function pinnedVersions(): Promise<Record<string, string>> {
  const file = fileURLToPath(new URL('../../tools/control-plane/versions.env', import.meta.url));
  const pairs = (await readFile(file, 'utf8')).matchAll(/^([A-Z0-9_]+)=(\S+)$/gm);
  return Object.fromEntries([...pairs].map(([, key, value]) => [key, value]));
}

/**
 * The Kubernetes version Helm's own Makefile builds in, read as it reads it: from the
 * k8s.io/client-go that release's go.mod requires, one major up (v0.37.0 → v1.37.0).
 */
async function helmReleaseKubeVersion(helmVersion: string): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `helm.sh/helm/v3@${helmVersion}`], {
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    cwd: '/',
    maxBuffer: 1 << 20,
  });
  const goMod = await readFile((JSON.parse(stdout) as { GoMod: string }).GoMod, 'utf8');
  const [, major, minor] = /^\s*k8s\.io\/client-go v(\d+)\.(\d+)\./m.exec(goMod) ?? [];
  if (!major || !minor) throw new Error(`helm ${helmVersion}'s go.mod requires no k8s.io/client-go`);
  return `v${Number(major) + 1}.${minor}.0`;
}

const tempDir = tempDirs('greenroom-helm-probe-');

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

  it('when asked for its version alone, then helm says exactly the pinned release (no "+unreleased" or other build metadata)', async () => {
    const { HELM_VERSION } = await pinnedVersions();
    expect(await helm(['version', '--template', '{{.Version}}'])).toBe(HELM_VERSION);
  });

  it("when helm renders without a cluster, then it assumes the Kubernetes version Helm's own release build sets, not v1.20", async () => {
    const { HELM_VERSION } = await pinnedVersions();
    const chart = tempDir();
    await mkdir(join(chart, 'templates'));
    await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.0.0\n');
    await writeFile(join(chart, 'templates', 'probe.yaml'), 'kubeVersion: {{ .Capabilities.KubeVersion.Version }}\n');
    const rendered = await helm(['template', 'probe', chart]);
    expect(/^kubeVersion: (\S+)$/m.exec(rendered)?.[1]).toBe(await helmReleaseKubeVersion(HELM_VERSION!));
  });

  it('when the chart is rendered and linted without --kube-version, then its kubeVersion (>= 1.30) is met, as with a released helm', async () => {
    await expect(helm(['template', 'greenroom', CHART])).resolves.toMatch(/^kind: Deployment$/m);
    await expect(helm(['lint', '--strict', CHART])).resolves.toMatch(/0 chart\(s\) failed/);
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
