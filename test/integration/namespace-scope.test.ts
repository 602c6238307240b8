import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { catalogController } from '../../src/controllers/catalog/controller.ts';
import { clusterContext } from '../../src/runtime/context.ts';
import type { Controller } from '../../src/runtime/controller.ts';
import { scorecardControllers, type Scorecards } from '../../src/controllers/scorecard/controller.ts';
import { CHART, renderChart } from '../support/helm-chart.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { eventually, operators, testLogger } from '../support/operator.ts';
import { serviceAccountKubeconfig, writeTokenKubeconfig } from '../support/service-account.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Namespace objects that stay in their namespace, and a scaffolder that deletes only what its
// own run registered — each attack tried for real against the apiserver.
const tenant = 'scope-tenant';
const victim = 'scope-victim';
const newDir = tempDirs('namespace-scope-');

const component = (name: string, labels: Record<string, string> = {}) =>
  `apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}\nspec: {type: service, lifecycle: production, owner: team-x}\n`;

beforeAll(async () => {
  for (const ns of [tenant, victim]) await kubectl(['create', 'namespace', ns]);
});

describe("a tenant's Scorecard that selects other namespaces", () => {
  // The operator as deployed cluster-wide sees every namespace's entities (its catalog graph);
  // its scorecard half watches the tenant's Scorecards only, so that no other test's
  // Scorecards are scored here. The catalog half is not the leader and writes nothing: the
  // victim entity's status.observedGeneration is set by hand, as the catalog would.
  let catalog: Controller;
  let scorecards: Scorecards;
  beforeAll(async () => {
    await kubectl(['apply', '-n', victim, '-f', '-'], component('payments'));
    await kubectl(['apply', '-n', tenant, '-f', '-'], component('orders'));
    for (const [ns, name] of [
      [victim, 'payments'],
      [tenant, 'orders'],
    ] as const) {
      await kubectl([
        'patch',
        'component',
        name,
        '-n',
        ns,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"observedGeneration":1}}',
      ]);
    }
    await kubectl(
      ['apply', '-n', tenant, '-f', '-'],
      `apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: grab}
spec:
  selector: {kinds: [Component], namespaces: [${tenant}, ${victim}]}
  levels: [{name: bronze}]
  rules:
    - {name: owned, level: bronze, expression: "has(self.spec.owner)"}
`,
    );
    const registry = createMetricsRegistry();
    const logger = testLogger();
    const graph = new CatalogGraph();
    const tenantContext = clusterContext({ kubeConfig: loadKubeConfig(), logger, registry, scope: tenant, isLeader: () => true });
    scorecards = scorecardControllers(tenantContext, { graph, concurrency: 2, clusterScorecardNamespaces: ['scope-platform'] });
    const context = clusterContext({ kubeConfig: loadKubeConfig(), logger, registry, scope: undefined, isLeader: () => false });
    catalog = catalogController(context, {
      graph,
      concurrency: 2,
      listeners: [{ entityChanged: (e) => scorecards.entityChanged(e.ref), entityRemoved: (ref) => scorecards.entityChanged(ref) }],
    });
    const graphBuilt = catalog.start();
    await Promise.all([graphBuilt, scorecards.start(graphBuilt)]);
  });
  afterAll(async () => Promise.all([catalog.stop(), scorecards.stop()]));

  it("when it is not in a --cluster-scorecard-namespaces namespace, then it scores its own namespace only, never writes the other namespace's entity status, and says why", async () => {
    const scoresOf = async (ns: string, name: string) =>
      (
        JSON.parse(await kubectl(['get', 'component', name, '-n', ns, '-o', 'json'])) as {
          status?: { scorecards?: { scorecard: string }[] };
        }
      ).status?.scorecards ?? [];
    await eventually("the tenant's own entity to be scored", async () =>
      (await scoresOf(tenant, 'orders')).length > 0 ? true : undefined,
    );
    const condition = await eventually('the Scorecard to say what it ignores', async () => {
      const sc = JSON.parse(await kubectl(['get', 'scorecard', 'grab', '-n', tenant, '-o', 'json'])) as {
        status?: { entities?: number; conditions?: { type: string; status: string; reason: string; message: string }[] };
      };
      return sc.status?.conditions?.find((c) => c.type === 'CrossNamespace');
    });
    expect(condition).toMatchObject({ status: 'False', reason: 'OwnNamespaceOnly' });
    expect(condition.message).toMatch(new RegExp(`${victim} ignored.*--cluster-scorecard-namespaces.*scorecards\\.clusterNamespaces`));
    // The Scorecard has summarised (after scoring everything it selects): the victim's entity is untouched.
    expect(await scoresOf(victim, 'payments')).toEqual([]);
    const managers = await kubectl([
      'get',
      'component',
      'payments',
      '-n',
      victim,
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers).not.toMatch(/greenroom-scorecards/);
  });
});

describe("the chart's scaffolder deleting catalog entities (ValidatingAdmissionPolicy)", () => {
  const release = 'scope-vap';
  const runs = 'scope-vap-runs';
  let kubeconfigOf: (podName?: string) => Promise<string>;
  beforeAll(async () => {
    for (const ns of [release, runs]) await kubectl(['create', 'namespace', ns]);
    await helm([
      'install',
      release,
      CHART,
      '-n',
      release,
      '--set',
      'crds.install=false',
      '--set',
      `scaffolder.namespaces={${runs}}`,
      '--set',
      'leaderElection.leaseName=scope-vap',
    ]);
    const dir = newDir();
    kubeconfigOf = async (podName) => {
      if (!podName) return serviceAccountKubeconfig(runs, 'greenroom-scaffolder', dir);
      // A pod of the run's Job (no kubelet runs here, for speed; test/node runs real ones), and a token bound to it — what the
      // kubelet mounts into the scaffolder container.
      await kubectl(
        ['apply', '-n', runs, '-f', '-'],
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ${podName}}\nspec:\n  serviceAccountName: greenroom-scaffolder\n  automountServiceAccountToken: false\n  containers: [{name: scaffold, image: registry.test/greenroom:dev}]\n`,
      );
      const uid = await kubectl(['get', 'pod', podName, '-n', runs, '-o', 'jsonpath={.metadata.uid}']);
      const token = (
        await kubectl([
          'create',
          'token',
          'greenroom-scaffolder',
          '-n',
          runs,
          '--bound-object-kind=Pod',
          `--bound-object-name=${podName}`,
          `--bound-object-uid=${uid}`,
          '--duration=1h',
        ])
      ).trim();
      const cluster = loadKubeConfig().getCurrentCluster()!;
      return writeTokenKubeconfig(join(dir, `${podName}.kubeconfig`), {
        server: cluster.server,
        ca: cluster.caData ? { data: cluster.caData } : { file: cluster.caFile },
        token,
        namespace: runs,
      });
    };
    await kubectl(
      ['apply', '-n', runs, '-f', '-'],
      [
        component('mine', { 'greenroom.dev/scaffold-job': 'inventory-0f8e2c1a' }),
        component('other-run', { 'greenroom.dev/scaffold-job': 'inventory-x-0f8e2c1a' }),
        component('by-hand'),
      ].join('---\n'),
    );
  });
  afterAll(async () => {
    await helm(['uninstall', release, '-n', release, '--wait']);
  });

  it("when a scaffolder deletes an entity its run did not register, then admission denies it; its own run's entity it may delete", async () => {
    // The pod name a Job "inventory-0f8e2c1a" gives its pod; another run's Job name is a prefix-alike.
    const scaffolder = await kubeconfigOf('inventory-0f8e2c1a-k2x9q');
    const remove = (name: string, kubeconfig: string) => kubectl(['delete', 'component', name, '-n', runs, '--kubeconfig', kubeconfig]);
    // The apiserver loads a new policy from its own informer, a moment after helm created it:
    // a server-side dry run (which admission sees like a real delete) tells when it is in force.
    await eventually('the delete policy to be in force', async () => {
      try {
        await kubectl(['delete', 'component', 'by-hand', '-n', runs, '--dry-run=server', '--kubeconfig', scaffolder]);
        return undefined;
      } catch (error) {
        return /may delete only the catalog entities its own run registered/.test(String(error)) ? true : undefined;
      }
    });
    await expect(remove('by-hand', scaffolder)).rejects.toThrow(/may delete only the catalog entities its own run registered/);
    await expect(remove('other-run', scaffolder)).rejects.toThrow(/may delete only the catalog entities its own run registered/);
    // A token not bound to a pod of the run (e.g. from kubectl create token) deletes nothing.
    await expect(remove('mine', await kubeconfigOf())).rejects.toThrow(/may delete only the catalog entities its own run registered/);
    // Nor the scaffolder of another run whose Job name starts alike: whole Job names are compared.
    await expect(remove('mine', await kubeconfigOf('inventory-x-0f8e2c1a-b7c4d'))).rejects.toThrow(/may delete only/);
    await expect(remove('mine', scaffolder)).resolves.toMatch(/deleted/);
    expect((await kubectl(['get', 'components', '-n', runs, '-o', 'name'])).trim().split('\n')).toEqual([
      'component.greenroom.dev/by-hand',
      'component.greenroom.dev/other-run',
    ]);
  });
});

describe('a DocSource where the chart lets the operator store nothing', () => {
  const release = 'scope-docs';
  const watched = 'scope-docs-watched';
  const start = operators(watched);
  beforeAll(async () => {
    for (const ns of [release, watched, 'scope-docs-store']) await kubectl(['create', 'namespace', ns]);
    // Run snapshots are ConfigMaps too: no scaffolder namespace here either.
    const values = [
      '--set',
      `watchNamespace=${watched}`,
      '--set',
      'rbac.docsNamespaces={scope-docs-store}',
      '--set',
      'scaffolder.namespaces={scope-docs-store}',
      '--set',
      'crds.install=false',
      '--set',
      'leaderElection.leaseName=scope-docs',
    ];
    await helm(['install', release, CHART, '-n', release, ...values]);
    const account = (await renderChart(release, release, ...values)).objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec
      .serviceAccountName as string;
    const kubeconfig = await serviceAccountKubeconfig(release, account, newDir());
    await start({ kubeConfig: loadKubeConfig({ kubeconfig }) });
  });
  afterAll(async () => {
    await helm(['uninstall', release, '-n', release, '--wait']);
  });

  it('when a DocSource is in a namespace outside rbac.docsNamespaces, then it reports StoreFailed naming that value, and no ConfigMap is written there', async () => {
    await kubectl(['create', 'configmap', 'runbook-docs', '-n', watched, '--from-literal=index.md=# Runbook\n']);
    await kubectl(
      ['apply', '-n', watched, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: runbook}\nspec:\n  entityRef: orders\n  source: {configMapRef: {name: runbook-docs}}\n',
    );
    const failed = await eventually(
      'the DocSource to fail storing',
      async () => {
        const source = JSON.parse(await kubectl(['get', 'docsource', 'runbook', '-n', watched, '-o', 'json'])) as {
          status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
        };
        return source.status?.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False');
      },
      30_000,
    );
    expect(failed.reason).toBe('StoreFailed');
    expect(failed.message).toMatch(/add this namespace to rbac\.docsNamespaces/);
    await expect(kubectl(['get', 'configmaps', '-n', watched, '-l', 'greenroom.dev/docsource-uid', '-o', 'name'])).resolves.toBe('');
  });
});
