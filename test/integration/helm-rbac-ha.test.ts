import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { publishGit } from '../../src/git/publish-git.ts';
import { CHART, renderChart, type Manifest } from '../support/helm-chart.ts';
import { playNode } from '../support/job-node.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';
import { eventually } from '../support/operator.ts';
import { serviceAccountKubeconfig } from '../support/service-account.ts';
import { alertQueries, exposedLabels, queryUse } from '../support/promql.ts';
import { createRun, finished, gitSecret, gitServers, GIT_USER } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The chart's RBAC and HA settings, for real: the chart is installed (its ServiceAccounts,
// Roles and bindings), then operator replicas run with the chart's Deployment arguments and
// a token of the chart's ServiceAccount — so every call they make is checked by the real
// apiserver against the chart's rules — and do the whole job: catalog and its Events,
// scorecards and initiatives, a template run through a Job (the harness plays the node, for
// speed; test/node/chart.test.ts installs the chart on a real node and its Jobs run there),
// docs from git. A second, cluster-wide release is checked by impersonation.
const release = 'portal';
const namespace = 'portal';
const work = 'portal-work';
const IMAGE = 'registry.test/greenroom:dev';
const newDir = tempDirs('helm-rbac-');
const newGitServer = gitServers();
const golden = join(CHART, '..', '..', 'templates', 'typescript-service');
let git: GitServer;
let operatorKubeconfig = '';
let deployment: Manifest;
let replicas: OperatorProcess[] = [];

const values = [
  '--set',
  `watchNamespace=${work}`,
  '--set',
  'crds.install=false',
  '--set',
  'rbac.secretNames={greenroom-git}',
  '--set',
  'git.allowHttp=true',
  '--set',
  `scaffolder.image=${IMAGE}`,
];

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['create', 'namespace', work]);
  await helm(['install', release, CHART, '-n', namespace, ...values]);
  deployment = (await renderChart(release, namespace, ...values)).objects.find((o) => o.kind === 'Deployment')!;
  operatorKubeconfig = await serviceAccountKubeconfig(namespace, deployment.spec!.template.spec.serviceAccountName, newDir());

  git = await newGitServer();
  for (const file of ['template.yaml', 'skeleton.configmap.yaml'])
    await kubectl(['apply', '-n', work, '-f', '-'], readFileSync(join(golden, file), 'utf8'));
  await gitSecret(work, git.url);
  await kubectl(['create', 'secret', 'generic', 'not-for-greenroom', '-n', work, '--from-literal=password=keep-out']);
  await kubectl(
    ['apply', '-n', work, '-f', '-'],
    'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-storefront}\nspec: {type: team}\n',
  );
});

/** The Deployment's container arguments and env, with this machine's port and credentials. */
const start = operatorProcesses({
  kubeconfig: '',
  namespace: work,
  commandLine: (identity, port, metricsPort) => {
    const container = deployment.spec!.template.spec.containers[0] as { args: string[] };
    const ports: Record<string, number> = { '--port': port, '--metrics-port': metricsPort };
    const args = container.args.map((a) => {
      const flag = a.split('=')[0]!;
      return flag in ports ? `${flag}=${ports[flag]}` : a;
    });
    return {
      args: [...args, '--host=127.0.0.1', `--kubeconfig=${operatorKubeconfig}`],
      env: { ...process.env, POD_NAMESPACE: namespace, POD_NAME: identity, KUBECONFIG: operatorKubeconfig },
    };
  },
});

describe("the operator with the chart's ServiceAccount and settings", () => {
  it("when two replicas run with the chart's arguments, then one leads and does the whole job — catalog, Events, scorecards, a template run through a Job, docs — within the chart's rules, and both serve the dashboard", async () => {
    replicas = [await start('replica-a'), await start('replica-b')];
    const [a, b] = replicas as [OperatorProcess, OperatorProcess];
    const leader = await eventually(
      'one replica to lead',
      async () => {
        const leading = [await a.leading(), await b.leading()];
        return leading.filter(Boolean).length === 1 ? (leading[0] ? a : b) : undefined;
      },
      30_000,
    );

    // Catalog: a Component's status is written (patch on components/status).
    await kubectl(
      ['apply', '-n', work, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: storefront-web}\nspec: {type: website, lifecycle: production, owner: team-storefront}\n',
    );
    await eventually('the Component to be Ready', async () =>
      (await kubectl([
        'get',
        'component',
        'storefront-web',
        '-n',
        work,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ])) === 'True'
        ? true
        : undefined,
    );

    // Events: a Component naming a missing owner gets a Warning Event (events create).
    await kubectl(
      ['apply', '-n', work, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orphan-web}\nspec: {type: website, lifecycle: production, owner: team-gone}\n',
    );
    await eventually('a DanglingReference Event on orphan-web', async () => {
      const events = JSON.parse(
        await kubectl(['get', 'events.events.k8s.io', '-n', work, '--field-selector', 'regarding.name=orphan-web', '-o', 'json']),
      ) as { items: { reason: string; reportingController: string }[] };
      return events.items.some((e) => e.reason === 'DanglingReference' && e.reportingController === 'greenroom.dev/operator')
        ? true
        : undefined;
    });

    // Scorecards: entity results (components/status under their own field manager), the
    // Scorecard's summary and the Initiative's progress (scorecards/status, initiatives/status).
    await kubectl(
      ['apply', '-n', work, '-f', '-'],
      [
        'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: basics}\nspec:\n  selector: {kinds: [Component]}\n  levels: [{name: bronze}]\n  rules:\n    - {name: in-production, level: bronze, expression: "self.spec.lifecycle == \'production\'"}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: all-bronze}\nspec: {scorecard: basics, targetLevel: bronze, deadline: "2099-01-01T00:00:00Z"}\n',
      ].join('---\n'),
    );
    await eventually(
      'storefront-web to reach bronze',
      async () =>
        (await kubectl(['get', 'component', 'storefront-web', '-n', work, '-o', 'jsonpath={.status.scorecards[0].level}'])) === 'bronze'
          ? true
          : undefined,
      30_000,
    );
    await eventually(
      "the Scorecard's summary",
      async () =>
        (await kubectl(['get', 'scorecard', 'basics', '-n', work, '-o', 'jsonpath={.status.entities}'])) === '2' ? true : undefined,
      30_000,
    );
    await eventually(
      "the Initiative's progress",
      async () =>
        (await kubectl(['get', 'initiative', 'all-bronze', '-n', work, '-o', 'jsonpath={.status.phase}'])) === 'Achieved'
          ? true
          : undefined,
      30_000,
    );

    // The chart's alerts read the series this operator really exports: every metric they
    // select is on the leader's /metrics, with every label they group or match by (beside
    // the labels Prometheus adds to a scraped target).
    const rules = alertQueries((await renderChart(release, namespace, ...values, '--set', 'prometheusRule.enabled=true')).text);
    expect(rules.map((r) => r.alert)).toEqual([
      'GreenroomOperatorDown',
      'GreenroomReconcileErrorsRising',
      'GreenroomDanglingReferencesGrowing',
      'GreenroomScorecardLevelDropped',
      'GreenroomInitiativeMissed',
    ]);
    const exposed = exposedLabels(await (await fetch(leader.metricsUrl)).text());
    const targetLabels = new Set(['job', 'namespace', 'instance', 'pod', 'service', 'container', 'endpoint']);
    for (const { alert, expr } of rules) {
      const use = queryUse(expr);
      const metrics = use.metrics.filter((m) => m !== 'up');
      const missing = {
        alert,
        errors: use.errors,
        metrics: metrics.filter((m) => !exposed.has(m)),
        labels: use.labels.filter((l) => !targetLabels.has(l) && !metrics.some((m) => exposed.get(m)?.has(l))),
      };
      expect(missing).toEqual({ alert, errors: [], metrics: [], labels: [] });
    }

    // Templates: a Job is created (jobs create, serviceaccounts get); the node is played with the scaffolder's own token.
    const remote = await git.createRepository('basket');
    await createRun(work, 'basket', 'typescript-service', { name: 'basket', owner: 'team-storefront', repoUrl: remote });
    const jobName = await eventually(
      'the run to start its Job',
      async () => (await kubectl(['get', 'templaterun', 'basket', '-n', work, '-o', 'jsonpath={.status.jobName}'])) || undefined,
    );
    const node = await playNode(work, jobName, IMAGE);
    expect(node.containers.map((c) => [c.name, c.code, c.code === 0 ? '' : c.output])).toEqual([['greenroom-scaffold-0', 0, '']]);
    expect((await finished(work, 'basket')).status?.phase).toBe('Succeeded');

    // Docs: built from git with the Secret the chart names, stored in ConfigMaps.
    const docsRepo = await git.createRepository('basket-docs');
    const docs = newDir();
    await writeFile(join(docs, 'index.md'), '# Basket\n\nHolds what a reader is about to buy.\n');
    await publishGit({ dir: docs, url: docsRepo, credentials: { ...GIT_USER, allowedHosts: [hostOf(docsRepo)] }, allowHttp: true });
    await kubectl(
      ['apply', '-n', work, '-f', '-'],
      `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: basket-docs}\nspec:\n  entityRef: basket\n  source: {git: {url: "${docsRepo}", secretRef: {name: greenroom-git}}}\n`,
    );
    await eventually(
      'the docs to be served by both replicas',
      async () => {
        const pages = await Promise.all([a, b].map(async (r) => (await fetch(`${r.url}/docs/${work}/basket-docs`)).text()));
        return pages.every((p) => /about to buy/.test(p)) ? true : undefined;
      },
      60_000,
    );
    for (const r of [a, b]) expect((await fetch(`${r.url}/catalog/component/${work}/basket`)).status).toBe(200);
    expect(await leader.leading()).toBe(true);
    // Only the leader wrote.
    const standby = leader === a ? b : a;
    expect(await leader.metric('greenroom_catalog_status_writes_total')).toBeGreaterThan(0);
    expect(await standby.metric('greenroom_catalog_status_writes_total')).toBe(0);
  });

  it("when the chart's ServiceAccount reaches outside its rules, then the apiserver refuses", async () => {
    const as = ['--kubeconfig', operatorKubeconfig];
    const refused = async (...args: string[]) => expect(kubectl([...args, ...as])).rejects.toThrow(/forbidden/i);
    await refused('get', 'secret', 'not-for-greenroom', '-n', work);
    await refused('get', 'secrets', '-n', work);
    await refused('create', 'deployment', 'miner', '--image=busybox', '-n', work);
    await refused('get', 'components', '-n', 'default');
    await expect(kubectl(['get', 'secret', 'greenroom-git', '-n', work, '-o', 'name', ...as])).resolves.toMatch(/greenroom-git/);
  });

  it('when installed cluster-wide, then the ClusterRole reads everywhere but Jobs are started, ConfigMaps written and entities deleted only in the scaffolder (and docs) namespaces, never kube-system (checked by impersonation)', async () => {
    const wide = 'portal-wide';
    const runs = 'portal-wide-runs';
    await kubectl(['create', 'namespace', wide]);
    await kubectl(['create', 'namespace', runs]);
    await helm([
      'install',
      'wide',
      CHART,
      '-n',
      wide,
      '--set',
      'crds.install=false',
      '--set',
      `scaffolder.namespaces={${runs}}`,
      '--set',
      'leaderElection.leaseName=wide-operator',
    ]);
    const account = (await renderChart('wide', wide, '--set', 'crds.install=false')).objects.find((o) => o.kind === 'Deployment')!.spec!
      .template.spec.serviceAccountName as string;
    const can = async (...args: string[]): Promise<boolean> => {
      const out = await kubectl(['auth', 'can-i', ...args, `--as=system:serviceaccount:${wide}:${account}`]).catch(
        (error: Error) => error.message,
      );
      return /^yes/m.test(out);
    };
    const answers = {
      listComponentsEverywhere: await can('list', 'components.greenroom.dev', '--all-namespaces'),
      writeStatusElsewhere: await can('patch', 'components.greenroom.dev', '--subresource=status', '-n', 'default'),
      writeScorecardResults: await can('patch', 'initiatives.greenroom.dev', '--subresource=status', '-n', 'default'),
      watchJobsEverywhere: await can('watch', 'jobs.batch', '--all-namespaces'),
      listDeploymentsForFacts: await can('list', 'deployments.apps', '--all-namespaces'),
      recordEvents: await can('create', 'events.events.k8s.io', '-n', 'default'),
      // The Runtime tab: Pods and Warning Events read everywhere, never Pods written or exec'd into.
      watchPodsEverywhere: await can('watch', 'pods', '--all-namespaces'),
      watchEventsEverywhere: await can('watch', 'events.events.k8s.io', '--all-namespaces'),
      execIntoPods: await can('create', 'pods/exec', '-n', 'default'),
      readPodLogs: await can('get', 'pods/log', '-n', 'default'),
      createJobInRunsNamespace: await can('create', 'jobs.batch', '-n', runs),
      getScaffolderAccount: await can('get', 'serviceaccounts/greenroom-scaffolder', '-n', runs),
      createJobInDefault: await can('create', 'jobs.batch', '-n', 'default'),
      createJobInKubeSystem: await can('create', 'jobs.batch', '-n', 'kube-system'),
      getOtherAccount: await can('get', 'serviceaccounts/default', '-n', runs),
      readSecrets: await can('get', 'secrets', '-n', 'default'),
      createDeployments: await can('create', 'deployments.apps', '-n', runs),
      createPods: await can('create', 'pods', '-n', runs),
      // ConfigMaps: written only where Greenroom stores things (run snapshots in the
      // scaffolder namespaces, docs in the release namespace by default), never kube-system's.
      createConfigMapInKubeSystem: await can('create', 'configmaps', '-n', 'kube-system'),
      deleteConfigMapInKubeSystem: await can('delete', 'configmaps', '-n', 'kube-system'),
      createConfigMapInDefault: await can('create', 'configmaps', '-n', 'default'),
      createConfigMapInRunsNamespace: await can('create', 'configmaps', '-n', runs),
      createConfigMapForDocs: await can('create', 'configmaps', '-n', wide),
      readConfigMapsEverywhere: await can('list', 'configmaps', '--all-namespaces'),
      deleteComponentsInDefault: await can('delete', 'components.greenroom.dev', '-n', 'default'),
      deleteComponentsInRunsNamespace: await can('delete', 'components.greenroom.dev', '-n', runs),
    };
    expect(answers).toEqual({
      listComponentsEverywhere: true,
      writeStatusElsewhere: true,
      writeScorecardResults: true,
      watchJobsEverywhere: true,
      listDeploymentsForFacts: true,
      recordEvents: true,
      watchPodsEverywhere: true,
      watchEventsEverywhere: true,
      execIntoPods: false,
      readPodLogs: false,
      createJobInRunsNamespace: true,
      getScaffolderAccount: true,
      createJobInDefault: false,
      createJobInKubeSystem: false,
      getOtherAccount: false,
      readSecrets: false,
      createDeployments: false,
      createPods: false,
      createConfigMapInKubeSystem: false,
      deleteConfigMapInKubeSystem: false,
      createConfigMapInDefault: false,
      createConfigMapInRunsNamespace: true,
      createConfigMapForDocs: true,
      readConfigMapsEverywhere: true,
      deleteComponentsInDefault: false,
      deleteComponentsInRunsNamespace: true,
    });
    await helm(['uninstall', 'wide', '-n', wide, '--wait']);
  });

  it('when the leading replica is stopped with SIGTERM, then the other leads within 20 s and writes', async () => {
    const [a, b] = replicas as [OperatorProcess, OperatorProcess];
    const leader = (await a.leading()) ? a : b;
    expect(await leader.leading()).toBe(true);
    const standby = leader === a ? b : a;
    const stoppedAt = Date.now();
    await leader.process.stop();
    await eventually('the standby to lead', async () => ((await standby.leading()) ? true : undefined), 20_000);
    const handover = Date.now() - stoppedAt;
    await kubectl(
      ['apply', '-n', work, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: after-handover}\nspec: {type: service, lifecycle: production, owner: team-storefront}\n',
    );
    await eventually('the new leader to write a status', async () =>
      (await kubectl([
        'get',
        'component',
        'after-handover',
        '-n',
        work,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ])) === 'True'
        ? true
        : undefined,
    );
    expect(handover).toBeLessThan(20_000);
  });
});
