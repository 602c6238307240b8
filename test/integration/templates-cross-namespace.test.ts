import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKubeConfig } from '../../src/kube/config.ts';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { templates, type Templates } from '../../src/operator/templates.ts';
import { clusterContext } from '../../src/runtime/context.ts';
import { renderChart } from '../support/helm-chart.ts';
import { playNode } from '../support/job-node.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/operator.ts';
import {
  allowGitHost,
  capturedLogs,
  cloneOf,
  createRun,
  eventsAbout,
  finished,
  getRun,
  GIT_USER,
  gitSecret,
  gitServers,
} from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The main use of templates: a platform team keeps its Templates in its own namespace and
// teams run them from theirs. Runs go through scaffolding Jobs — no kubelet runs here, for
// speed, so the harness plays the node (test/support/job-node.ts) — whose ServiceAccount has
// exactly the chart's scaffolder rights, in the team's namespace only. The operator watches
// both namespaces. The pod's side (the snapshot ConfigMap mounted, the scaffolder's token
// under the chart's RBAC) is the same for every run, and runs through a real kubelet in
// test/node/chart.test.ts.
const platform = 'templates-platform';
const team = 'templates-team';
// A namespace whose Templates are not shared (not in --shared-template-namespaces).
const unshared = 'templates-unshared';
const IMAGE = 'registry.test/greenroom:dev';
const URL_PASSWORD = 'url-pa55word-in-values';
const golden = fileURLToPath(new URL('../../templates/typescript-service/', import.meta.url));
const newGitServer = gitServers();
const newDir = tempDirs('cross-namespace-');
const logs = capturedLogs();
let git: GitServer;
let operator: Templates;

beforeAll(async () => {
  for (const ns of [platform, team, unshared]) await kubectl(['create', 'namespace', ns]);
  for (const ns of [platform, unshared]) {
    for (const file of ['template.yaml', 'skeleton.configmap.yaml'])
      await kubectl(['apply', '-n', ns, '-f', '-'], readFileSync(join(golden, file), 'utf8'));
  }
  // Secrets a Template names are the run's: the team keeps its own git credentials.
  await gitSecret(team);
  // The chart's own scaffolder ServiceAccount, Role and RoleBinding for the team namespace.
  const chart = await renderChart(
    'greenroom',
    platform,
    '--set',
    `scaffolder.namespaces={${team}}`,
    '--show-only',
    'templates/scaffolder.yaml',
  );
  await kubectl(['apply', '-f', '-'], chart.objects.map((o) => JSON.stringify(o)).join('\n---\n'));
  git = await newGitServer();
  await allowGitHost(team, git.url);
  const context = clusterContext({
    kubeConfig: loadKubeConfig(),
    logger: logs.logger,
    registry: createMetricsRegistry(),
    scope: [platform, team, unshared],
    isLeader: () => true,
  });
  operator = templates(context, {
    kubeConfig: loadKubeConfig(),
    executor: 'job',
    sharedTemplateNamespaces: [platform],
    job: {
      image: IMAGE,
      serviceAccountName: 'greenroom-scaffolder',
      ttlSecondsAfterFinished: 600,
      activeDeadlineSeconds: 900,
      allowHttpGit: true,
    },
  });
  await operator.start();
});
afterAll(async () => operator.stop());

const can = async (verb: string, resource: string, namespace: string): Promise<string> =>
  (
    await kubectl(['auth', 'can-i', verb, resource, '-n', namespace, `--as=system:serviceaccount:${team}:greenroom-scaffolder`]).catch(
      (e: Error) => e.message.split(': ').pop()!,
    )
  ).trim();

describe("a platform namespace's Template run from a team namespace through a Job (the harness plays the node)", () => {
  it("when the scaffolder has only the chart's rights in the team namespace, then the run succeeds from the snapshot the operator mounted, and no password reaches status, Events, the operator log or the scaffolder's output", async () => {
    // It can read neither the Template nor ConfigMaps, here or in the platform namespace.
    for (const ns of [platform, team]) {
      expect(await can('get', 'templates.greenroom.dev', ns)).toBe('no');
      expect(await can('get', 'configmaps', ns)).toBe('no');
    }
    const remote = await git.createRepository('inventory');
    const withPassword = remote.replace('http://', `http://${GIT_USER.username}:${URL_PASSWORD}@`);
    await createRun(
      team,
      'inventory',
      'typescript-service',
      { name: 'inventory', owner: 'team-storefront', repoUrl: withPassword },
      platform,
    );
    const jobName = await eventually('the run to start its Job', async () => (await getRun(team, 'inventory')).status?.jobName);

    const run = await getRun(team, 'inventory');
    const snapshot = JSON.parse(await kubectl(['get', 'configmap', `${jobName}-snapshot`, '-n', team, '-o', 'json'])) as {
      immutable: boolean;
      metadata: { ownerReferences: object[] };
      data: Record<string, string>;
    };
    expect(snapshot.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'TemplateRun', name: 'inventory', uid: run.metadata.uid, controller: true }),
    ]);
    expect(snapshot.immutable).toBe(true);
    const template = JSON.parse(await kubectl(['get', 'template', 'typescript-service', '-n', platform, '-o', 'json'])) as {
      metadata: { uid: string; generation: number };
    };
    expect(JSON.parse(snapshot.data['snapshot.json']!)).toMatchObject({
      template: { namespace: platform, uid: template.metadata.uid, generation: template.metadata.generation },
      skeleton: { configMap: 'typescript-service-skeleton' },
    });

    const node = await playNode(team, jobName, IMAGE);
    expect(node.containers.map((c) => [c.name, c.code, c.apiAccess, c.code === 0 ? '' : c.output])).toEqual([
      ['greenroom-scaffold-0', 0, true, ''],
    ]);
    const done = await finished(team, 'inventory');
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.[0]?.message).toBe(`rendered 11 files from ConfigMap ${platform}/typescript-service-skeleton`);
    expect(done.status?.outputs?.links?.[0]?.url).toBe(remote.replace('http://', 'http://***@'));
    expect(JSON.parse(await readFile(join(await cloneOf(remote, newDir()), 'package.json'), 'utf8'))).toMatchObject({ name: 'inventory' });
    expect(await kubectl(['get', 'component', 'inventory', '-n', team, '-o', 'jsonpath={.spec.owner}'])).toBe('team-storefront');
    // The snapshot was for the Job only: it goes when the run has finished.
    await eventually('the snapshot ConfigMap to be deleted', async () =>
      (await kubectl(['get', 'configmap', '-n', team, '-o', 'name'])).includes(`${jobName}-snapshot`) ? undefined : true,
    );

    const events = await eventually('the Succeeded Event', async () => {
      const text = await eventsAbout(team, 'inventory');
      return text.includes('"reason": "Succeeded"') ? text : undefined;
    });
    const shown = {
      status: JSON.stringify(done.status),
      events,
      log: logs.text(),
      stdout: node.containers.map((c) => c.output).join('\n'),
    };
    expect(shown.stdout).toMatch(/pushed [0-9a-f]{12} to http:\/\/\*\*\*@/);
    for (const [where, text] of Object.entries(shown)) {
      expect([where, text.includes(GIT_USER.password), text.includes(URL_PASSWORD)]).toEqual([where, false, false]);
    }
  });

  it("when the Secret the Template names exists only in the Template's namespace, then the run fails before it starts, saying Secrets are read from the run's namespace", async () => {
    await kubectl(['create', 'secret', 'generic', 'platform-push', '-n', platform, '--from-literal=password=platform-only']);
    await kubectl(
      ['apply', '-n', platform, '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'Template',
        metadata: { name: 'platform-secret' },
        spec: {
          type: 'service',
          owner: 'team-platform',
          skeleton: { inline: { 'a.txt': 'a' } },
          steps: [
            { name: 'render', action: 'render' },
            { name: 'publish', action: 'publish:git', publishGit: { url: `${git.url}/x.git`, secretRef: { name: 'platform-push' } } },
          ],
        },
      }),
    );
    await createRun(team, 'no-secret', 'platform-secret', {}, platform);
    const run = await finished(team, 'no-secret');
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      status: 'False',
      reason: 'StartFailed',
      message: `Secret ${team}/platform-push does not exist (credentials for publish); the Secrets a Template names are read from the run's namespace ${team}, not the Template's namespace ${platform}: create it there`,
    });
    expect(run.status?.jobName).toBeUndefined();
  });

  it('when the Template and its skeleton are more than a ConfigMap holds, then the run fails before it starts, saying so', async () => {
    await kubectl(
      ['apply', '--server-side', '-n', platform, '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'Template',
        metadata: { name: 'too-big' },
        spec: {
          type: 'docs',
          owner: 'team-platform',
          skeleton: { inline: { 'big.txt': 'x'.repeat(1100 * 1024) } },
          steps: [{ name: 'render', action: 'render' }],
        },
      }),
    );
    await createRun(team, 'too-big', 'too-big', {}, platform);
    const run = await finished(team, 'too-big');
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      reason: 'StartFailed',
      message: expect.stringMatching(
        /^the Template templates-platform\/too-big and the values take 1101 KiB, more than the 1024 KiB a ConfigMap holds/,
      ),
    });
  });

  it('when a run names a Template in a namespace that is not in --shared-template-namespaces, then it fails with TemplateResolved=False naming the flag and the chart value, and nothing of that namespace is copied', async () => {
    await createRun(
      team,
      'borrowed',
      'typescript-service',
      { name: 'borrowed', owner: 'team-storefront', repoUrl: `${git.url}/borrowed.git` },
      unshared,
    );
    const run = await finished(team, 'borrowed');
    expect(run.status?.phase).toBe('Failed');
    const resolved = run.status?.conditions?.find((c) => c.type === 'TemplateResolved');
    expect(resolved).toMatchObject({ status: 'False', reason: 'TemplateNamespaceNotShared' });
    expect(resolved?.message).toMatch(
      /templates-unshared\/typescript-service .*--shared-template-namespaces \(Helm chart value templates\.sharedNamespaces\)/,
    );
    expect(run.status?.jobName).toBeUndefined();
    // No Job and no snapshot of the other namespace's Template or skeleton in the run's namespace.
    await expect(kubectl(['get', 'jobs,configmaps', '-n', team, '-o', 'name'])).resolves.not.toMatch(/borrowed/);
  });
});
