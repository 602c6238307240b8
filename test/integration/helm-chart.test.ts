import { beforeAll, describe, expect, it } from '@jest/globals';
import { CHART, CI_VALUES, monitoringCrdFiles, renderChart, type Manifest } from '../support/helm-chart.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { basename } from 'node:path';

// The Helm chart against the real control plane: lint, server-side dry runs of what it
// renders (with the real prometheus-operator CRDs for its optional monitoring objects),
// install, a no-op upgrade and an uninstall that keeps the custom resources.
const namespace = 'greenroom-helm';
const release = 'greenroom';

beforeAll(async () => {
  for (const file of await monitoringCrdFiles()) await kubectl(['apply', '--server-side', '-f', file]);
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['create', 'namespace', 'greenroom-helm-dry']);
});

/** Every object the release put in the cluster, with its resourceVersion. */
async function releaseObjects(): Promise<Map<string, string>> {
  const manifest = await helm(['get', 'manifest', release, '-n', namespace]);
  const out = new Map<string, string>();
  for (const doc of manifest.split(/^---$/m)) {
    const kind = /^kind: (\S+)/m.exec(doc)?.[1];
    const name = /^ {2}name: (\S+)/m.exec(doc)?.[1];
    if (!kind || !name) continue;
    const ns = /^ {2}namespace: (\S+)/m.exec(doc)?.[1];
    const rv = await kubectl(['get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'jsonpath={.metadata.resourceVersion}']);
    out.set(`${kind}/${ns ?? ''}/${name}`, rv);
  }
  return out;
}

describe('the Helm chart', () => {
  // The default values, and each values file under ci/: every option on (namespaced),
  // cluster-wide with three replicas, and the in-process executor.
  const variants: [string, string[]][] = [['default values', []], ...CI_VALUES.map((f): [string, string[]] => [basename(f), ['-f', f]])];

  it('when the ci/ values files are listed, then every option and alternative has one', () => {
    expect(variants.map(([what]) => what)).toEqual([
      'default values',
      'all-on-values.yaml',
      'cluster-wide-values.yaml',
      'in-process-values.yaml',
    ]);
  });

  it.each(variants)('when linted strictly with %s, then helm finds nothing', async (_what, args) => {
    await expect(helm(['lint', '--strict', CHART, ...args])).resolves.toMatch(/0 chart\(s\) failed/);
  });

  it.each(variants)('when rendered with %s, then the real apiserver accepts every object in a server-side dry run', async (_what, args) => {
    const { text, objects } = await renderChart(release, 'greenroom-helm-dry', ...(args as string[]));
    expect(objects.length).toBeGreaterThan(10);
    const out = await kubectl(['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', '-'], text);
    expect(out.trim().split('\n').length).toBe(objects.length);
  });

  it.each(variants)(
    "when rendered with %s, then no ClusterRole grants a write on ConfigMaps (they configure other software, CoreDNS's in kube-system)",
    async (_what, args) => {
      const { objects } = await renderChart(release, namespace, ...(args as string[]));
      const clusterRules = objects
        .filter((o) => o.kind === 'ClusterRole')
        .flatMap((o) => (o as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }).rules);
      const configMapVerbs = clusterRules
        .filter((r) => r.apiGroups.includes('') && (r.resources.includes('configmaps') || r.resources.includes('*')))
        .flatMap((r) => r.verbs);
      expect(configMapVerbs.filter((v) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
    },
  );

  it('when the in-process executor is asked for without watchNamespace, then the chart refuses to render, saying why', async () => {
    await expect(renderChart(release, namespace, '--set', 'templates.executor=in-process')).rejects.toThrow(
      /templates\.executor=in-process needs watchNamespace: in-process scaffolders run Templates' code with the operator's own credentials/,
    );
    const confined = await renderChart(
      release,
      namespace,
      '--set',
      'templates.executor=in-process',
      '--set',
      `watchNamespace=${namespace}`,
    );
    expect(confined.objects.some((o) => o.kind === 'ClusterRole')).toBe(false);
  });

  it('when rendered with the defaults, then the operator runs as two non-root replicas with probes, limits, spread and a disruption budget', async () => {
    const { objects } = await renderChart(release, namespace);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const pod = deployment.spec!.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec!.replicas).toBe(2);
    expect(container.args).toEqual(expect.arrayContaining(['operator', '--leader-elect=true']));
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect({ ...pod.securityContext, ...container.securityContext }).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
    const single = await renderChart(release, namespace, '--set', 'replicaCount=1');
    expect(single.objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('when rendered with the Ingress and a ServiceMonitor, then /metrics is on its own Service port that the Ingress does not route to, and one proxy hop is trusted', async () => {
    const { objects } = await renderChart(
      release,
      namespace,
      '--set',
      'ingress.enabled=true',
      '--set',
      'serviceMonitor.enabled=true',
      '--set',
      'networkPolicy.enabled=true',
    );
    const of = (kind: string): Manifest => objects.find((o) => o.kind === kind)!;
    const container = of('Deployment').spec!.template.spec.containers[0];
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--port=8080',
        '--metrics-port=9090',
        '--trust-proxy=1',
        '--rate-limit-per-minute=1200',
        '--max-in-flight=64',
      ]),
    );
    expect(container.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'http', containerPort: 8080 }),
        expect.objectContaining({ name: 'metrics', containerPort: 9090 }),
      ]),
    );
    expect((of('Service').spec as { ports: { name: string; port: number }[] }).ports.map((p) => [p.name, p.port])).toEqual([
      ['http', 80],
      ['metrics', 9090],
    ]);
    expect((of('ServiceMonitor').spec as { endpoints: { port: string }[] }).endpoints.map((e) => e.port)).toEqual(['metrics']);
    const ingress = JSON.stringify(of('Ingress').spec);
    expect(ingress).toContain('"name":"http"');
    expect(ingress).not.toContain('metrics');
    const policy = of('NetworkPolicy').spec as { ingress: { ports: { port: string }[] }[] };
    expect(policy.ingress.map((rule) => rule.ports.map((p) => p.port))).toEqual([['http'], ['metrics']]);
    const direct = await renderChart(release, namespace, '--set-json', 'http.allowedHosts=["portal.example.com","localhost"]');
    expect(direct.objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['--trust-proxy=false', '--allowed-hosts=portal.example.com,localhost']),
    );
  });

  it('when trustProxy is "true" or the metrics port is the Service port, then the chart refuses to render', async () => {
    await expect(renderChart(release, namespace, '--set-string', 'http.trustProxy=true')).rejects.toThrow(/trustProxy/);
    await expect(renderChart(release, namespace, '--set', 'metrics.port=80')).rejects.toThrow(/metrics.port must differ/);
  });

  it('when installed, upgraded with the same values and uninstalled, then it creates everything, the upgrade changes nothing, and custom resources stay', async () => {
    // The suite's CRDs are already installed (by its global setup): the release adopts them.
    await helm(['install', release, CHART, '-n', namespace, '--take-ownership']);
    const { objects } = await renderChart(release, namespace);
    // One kubectl call per namespace: each would take a second or more on a loaded machine.
    const byNamespace = new Map<string, Manifest[]>();
    for (const o of objects.filter((x: Manifest) => x.kind !== 'CustomResourceDefinition')) {
      const ns = o.metadata.namespace ?? namespace;
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), o]);
    }
    for (const [ns, manifests] of byNamespace) {
      const found = (await kubectl(['get', '-n', ns, '-o', 'name', ...manifests.map((o) => `${o.kind}/${o.metadata.name}`)])).split('\n');
      const missing = manifests.filter((o) => !found.some((line) => line.endsWith(`/${o.metadata.name}`)));
      expect(missing.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    }
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: survivors}\nspec: {type: team}\n',
    );

    const before = await releaseObjects();
    await helm(['upgrade', release, CHART, '-n', namespace]);
    expect(await releaseObjects()).toEqual(before);

    await helm(['uninstall', release, '-n', namespace, '--wait']);
    await expect(kubectl(['get', 'deployment', '-n', namespace, '-o', 'name'])).resolves.toBe('');
    await expect(kubectl(['get', 'group', 'survivors', '-n', namespace, '-o', 'name'])).resolves.toMatch(/survivors/);
    await expect(kubectl(['get', 'crd', 'components.greenroom.dev', '-o', 'name'])).resolves.toMatch(/components/);
  });
});
