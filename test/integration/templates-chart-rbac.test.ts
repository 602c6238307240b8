import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { CHART, renderChart } from '../support/helm-chart.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { operators } from '../support/operator.ts';
import { serviceAccountKubeconfig } from '../support/service-account.ts';
import { createRun, finished, templateNamespace } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Template runs where the chart's RBAC does not reach: the operator runs with a token of the
// chart's ServiceAccount (so the real apiserver checks every call against the chart's
// rules), and a run in a namespace it may not start Jobs in, or one whose credentials it may
// not read, ends Failed saying which chart value to set — instead of being retried forever.
const runs = 'chart-rbac-runs';
const release = 'chart-rbac';
const values = [
  '--set',
  `watchNamespace=${runs}`,
  '--set',
  'scaffolder.namespaces={chart-rbac-scaffold}',
  '--set',
  'crds.install=false',
  '--set',
  'leaderElection.leaseName=chart-rbac',
];
const newDir = tempDirs('chart-rbac-');
const start = operators(runs);
let kubeconfig = '';

beforeAll(async () => {
  await templateNamespace(runs);
  for (const ns of [release, 'chart-rbac-scaffold']) await kubectl(['create', 'namespace', ns]);
  await helm(['install', release, CHART, '-n', release, ...values]);
  const deployment = (await renderChart(release, release, ...values)).objects.find((o) => o.kind === 'Deployment')!;
  kubeconfig = await serviceAccountKubeconfig(release, deployment.spec!.template.spec.serviceAccountName, newDir());
});

const runValues = { name: 'ledger', owner: 'team-storefront', repoUrl: 'http://127.0.0.1:9/never.git' };

describe("template runs outside the chart's grants", () => {
  it('when a run is in a namespace that is not one of scaffolder.namespaces, then it fails naming that setting', async () => {
    const operator = await start({ kubeConfig: loadKubeConfig({ kubeconfig }), scaffoldImage: 'registry.test/greenroom:dev' });
    await createRun(runs, 'outside', 'typescript-service', runValues);
    const run = await finished(runs, 'outside');
    expect(run.status?.phase).toBe('Failed');
    const message = run.status?.conditions?.find((c) => c.type === 'Succeeded')?.message ?? '';
    expect(message).toMatch(new RegExp(`may not start scaffolding Jobs in namespace ${runs}.*add ${runs} to scaffolder.namespaces`));
    await expect(kubectl(['get', 'jobs', '-n', runs, '-o', 'name'])).resolves.toBe('');
    await operator.stop();
  });

  it('when an in-process run needs a Secret the operator may not read, then it fails naming rbac.secretNames', async () => {
    await start({ kubeConfig: loadKubeConfig({ kubeconfig }), templateExecutor: 'in-process' });
    await createRun(runs, 'no-secret', 'typescript-service', runValues);
    const run = await finished(runs, 'no-secret');
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')?.message).toMatch(
      /may not read Secret chart-rbac-runs\/greenroom-git .*add greenroom-git to rbac.secretNames/,
    );
  });

  it('when a Job run needs a Secret the operator may not read, then it fails before any Job is created, naming the allowed-hosts annotation it cannot learn and rbac.secretNames', async () => {
    // A release whose scaffolder namespace is the one it watches, so the run gets as far as its credentials.
    const jobs = 'chart-rbac-jobs';
    const jobValues = [
      '--set',
      `watchNamespace=${jobs}`,
      '--set',
      `scaffolder.namespaces={${jobs}}`,
      '--set',
      'crds.install=false',
      '--set',
      'leaderElection.leaseName=chart-rbac-jobs',
    ];
    await templateNamespace(jobs);
    await helm(['install', jobs, CHART, '-n', jobs, ...jobValues]);
    const deployment = (await renderChart(jobs, jobs, ...jobValues)).objects.find((o) => o.kind === 'Deployment')!;
    const jobsKubeconfig = await serviceAccountKubeconfig(jobs, deployment.spec!.template.spec.serviceAccountName, newDir());
    const operator = await start({
      kubeConfig: loadKubeConfig({ kubeconfig: jobsKubeconfig }),
      watchNamespace: jobs,
      leaseNamespace: jobs,
      scaffoldImage: 'registry.test/greenroom:dev',
    });
    await createRun(jobs, 'unreadable', 'typescript-service', runValues);
    const run = await finished(jobs, 'unreadable');
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')?.message).toMatch(
      /may not read Secret chart-rbac-jobs\/greenroom-git .*so it cannot learn from its greenroom\.dev\/allowed-hosts annotation which hosts they may go to; with the Helm chart, add greenroom-git to rbac\.secretNames/,
    );
    await expect(kubectl(['get', 'jobs', '-n', jobs, '-o', 'name'])).resolves.toBe('');
    await operator.stop();
  });
});
