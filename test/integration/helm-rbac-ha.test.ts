import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { publishGit } from '../../src/templates/publish-git.ts';
import { CHART, renderChart, type Manifest } from '../support/helm-chart.ts';
import { playNode } from '../support/job-node.ts';
import { helm, kubectl } from '../support/kubectl.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';
import { eventually } from '../support/operator.ts';
import { serviceAccountKubeconfig } from '../support/service-account.ts';
import { createRun, finished, gitServers, GIT_USER } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The chart's RBAC and HA settings, for real: the chart is installed (its ServiceAccounts,
// Roles and bindings), then operator replicas run with the chart's Deployment arguments and
// a token of the chart's ServiceAccount — so every call they make is checked by the real
// apiserver against the chart's rules — and do the whole job: catalog, a template run
// through a Job (the harness plays the node), docs from git.
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

const values = ['--set', `watchNamespace=${work}`, '--set', 'crds.install=false', '--set', 'rbac.secretNames={greenroom-git}', '--set', `scaffolder.image=${IMAGE}`];

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['create', 'namespace', work]);
  await helm(['install', release, CHART, '-n', namespace, ...values]);
  deployment = (await renderChart(release, namespace, ...values)).objects.find((o) => o.kind === 'Deployment')!;
  operatorKubeconfig = await serviceAccountKubeconfig(namespace, deployment.spec!.template.spec.serviceAccountName, newDir());

  git = await newGitServer();
  for (const file of ['template.yaml', 'skeleton.configmap.yaml']) await kubectl(['apply', '-n', work, '-f', '-'], readFileSync(join(golden, file), 'utf8'));
  await kubectl(['create', 'secret', 'generic', 'greenroom-git', '-n', work, `--from-literal=username=${GIT_USER.username}`, `--from-literal=password=${GIT_USER.password}`]);
  await kubectl(['create', 'secret', 'generic', 'not-for-greenroom', '-n', work, '--from-literal=password=keep-out']);
  await kubectl(['apply', '-n', work, '-f', '-'], 'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-storefront}\nspec: {type: team}\n');
});

/** The Deployment's container arguments and env, with this machine's port and credentials. */
const start = operatorProcesses({
  kubeconfig: '',
  namespace: work,
  commandLine: (identity, port) => {
    const container = deployment.spec!.template.spec.containers[0] as { args: string[] };
    const args = container.args.map((a) => (a.startsWith('--port=') ? `--port=${port}` : a));
    return { args: [...args, '--host=127.0.0.1', `--kubeconfig=${operatorKubeconfig}`], env: { ...process.env, POD_NAMESPACE: namespace, POD_NAME: identity, KUBECONFIG: operatorKubeconfig } };
  },
});

describe('the operator with the chart\'s ServiceAccount and settings', () => {
  it('when two replicas run with the chart\'s arguments, then one leads and does the whole job — catalog, a template run through a Job, docs — within the chart\'s rules, and both serve the dashboard', async () => {
    replicas = [await start('replica-a'), await start('replica-b')];
    const [a, b] = replicas as [OperatorProcess, OperatorProcess];
    const leader = await eventually('one replica to lead', async () => {
      const leading = [await a.leading(), await b.leading()];
      return leading.filter(Boolean).length === 1 ? (leading[0] ? a : b) : undefined;
    }, 30_000);

    // Catalog: a Component's status is written (patch on components/status).
    await kubectl(['apply', '-n', work, '-f', '-'], 'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: storefront-web}\nspec: {type: website, lifecycle: production, owner: team-storefront}\n');
    await eventually('the Component to be Ready', async () => ((await kubectl(['get', 'component', 'storefront-web', '-n', work, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True' ? true : undefined));

    // Templates: a Job is created (jobs create, serviceaccounts get); the node is played with the scaffolder's own token.
    const remote = await git.createRepository('basket');
    await createRun(work, 'basket', 'typescript-service', { name: 'basket', owner: 'team-storefront', repoUrl: remote });
    const jobName = await eventually('the run to start its Job', async () => (await kubectl(['get', 'templaterun', 'basket', '-n', work, '-o', 'jsonpath={.status.jobName}'])) || undefined);
    const node = await playNode(work, jobName, IMAGE);
    expect(node.containers.map((c) => [c.name, c.code, c.code === 0 ? '' : c.output])).toEqual([['greenroom-scaffold-0', 0, '']]);
    expect((await finished(work, 'basket')).status?.phase).toBe('Succeeded');

    // Docs: built from git with the Secret the chart names, stored in ConfigMaps.
    const docsRepo = await git.createRepository('basket-docs');
    const docs = newDir();
    await writeFile(join(docs, 'index.md'), '# Basket\n\nHolds what a reader is about to buy.\n');
    await publishGit({ dir: docs, url: docsRepo, credentials: GIT_USER });
    await kubectl(['apply', '-n', work, '-f', '-'], `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: basket-docs}\nspec:\n  entityRef: basket\n  source: {git: {url: "${docsRepo}", secretRef: {name: greenroom-git}}}\n`);
    await eventually('the docs to be served by both replicas', async () => {
      const pages = await Promise.all([a, b].map(async (r) => (await fetch(`${r.url}/docs/${work}/basket-docs`)).text()));
      return pages.every((p) => /about to buy/.test(p)) ? true : undefined;
    }, 60_000);
    for (const r of [a, b]) expect((await fetch(`${r.url}/catalog/component/${work}/basket`)).status).toBe(200);
    expect(await leader.leading()).toBe(true);
    // Only the leader wrote.
    const standby = leader === a ? b : a;
    expect(await leader.metric('greenroom_catalog_status_writes_total')).toBeGreaterThan(0);
    expect(await standby.metric('greenroom_catalog_status_writes_total')).toBe(0);
  });

  it('when the chart\'s ServiceAccount reaches outside its rules, then the apiserver refuses', async () => {
    const as = ['--kubeconfig', operatorKubeconfig];
    const refused = async (...args: string[]) => expect(kubectl([...args, ...as])).rejects.toThrow(/forbidden/i);
    await refused('get', 'secret', 'not-for-greenroom', '-n', work);
    await refused('get', 'secrets', '-n', work);
    await refused('create', 'deployment', 'miner', '--image=busybox', '-n', work);
    await refused('get', 'components', '-n', 'default');
    await expect(kubectl(['get', 'secret', 'greenroom-git', '-n', work, '-o', 'name', ...as])).resolves.toMatch(/greenroom-git/);
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
    await kubectl(['apply', '-n', work, '-f', '-'], 'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: after-handover}\nspec: {type: service, lifecycle: production, owner: team-storefront}\n');
    await eventually('the new leader to write a status', async () => ((await kubectl(['get', 'component', 'after-handover', '-n', work, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True' ? true : undefined));
    expect(handover).toBeLessThan(20_000);
  });
});
