import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import type { RunningOperator } from '../../src/operator/run.ts';
import { snapshotName } from '../../src/templates/job-name.ts';
import { playNode, type JobObject } from '../support/job-node.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import {
  allowGitHost,
  applyTemplate,
  capturedLogs,
  cloneOf,
  eventsAbout,
  finished,
  getRun,
  gitServers,
  templateNamespace,
} from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// A Template parameter marked secret (ui:field: Secret) travels only through the Secret the
// run names: the test looks for its value everywhere someone without access to that Secret
// could read it — the run's status, the snapshot ConfigMap, the Job, Events, the operator's
// log and the run's page — and in the pushed repository, where the template put it. The Job
// is run by the harness playing the node, for speed (test/support/job-node.ts); the kubelet's
// part, resolving a secretKeyRef (optional, as here) into a container's environment, is done
// by a real kubelet for the git credentials in test/node/chart.test.ts.
const namespace = 'templates-secret-parameters';
const IMAGE = 'registry.test/greenroom:dev';
const API_KEY = 'sk-live-4f7c2a9e1b3d5f60';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('secret-parameters-');
const logs = capturedLogs();
let git: GitServer;
let operator: RunningOperator;

beforeAll(async () => {
  await templateNamespace(namespace);
  await kubectl(['apply', '-n', namespace, '-f', fileURLToPath(new URL('../../examples/scaffolder/rbac.yaml', import.meta.url))]);
  await applyTemplate(namespace, 'service-with-key', {
    type: 'service',
    parameters: {
      type: 'object',
      required: ['name', 'repoUrl', 'apiKey'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, repoUrl: { type: 'string' }, apiKey: { type: 'string', minLength: 8, 'ui:field': 'Secret' } },
    },
    skeleton: { inline: { 'README.md': '# ${{ values.name }}', 'config/api-key': '${{ secrets.apiKey }}' } },
    steps: [
      { name: 'render', action: 'render' },
      { name: 'publish', action: 'publish:git', publishGit: { url: '${{ values.repoUrl }}', secretRef: { name: 'greenroom-git' } } },
    ],
    // A careless template author: the link would show the key, were it not redacted.
    output: { links: [{ title: 'Key ${{ secrets.apiKey }}', url: '${{ values.repoUrl }}?key=${{ secrets.apiKey }}' }] },
  });
  git = await newGitServer();
  await allowGitHost(namespace, git.url);
  operator = await start({ templateExecutor: 'job', scaffoldImage: IMAGE, logger: logs.logger });
});

async function createRun(name: string, values: Record<string, unknown>, secretValuesRef?: string): Promise<void> {
  const spec = {
    templateRef: { name: 'service-with-key' },
    values,
    ...(secretValuesRef ? { secretValuesRef: { name: secretValuesRef } } : {}),
  };
  await kubectl(
    ['create', '-f', '-'],
    JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'TemplateRun', metadata: { name, namespace }, spec }),
  );
}

const jobOf = async (run: string): Promise<JobObject> => {
  const jobName = await eventually(`run ${run} to start its Job`, async () => (await getRun(namespace, run)).status?.jobName);
  return JSON.parse(await kubectl(['get', 'job', jobName, '-n', namespace, '-o', 'json']));
};

/** The run's page once the dashboard's cache has its final phase. */
async function runPageHtml(name: string, phase: string): Promise<string> {
  return eventually(`the run page to show ${phase}`, async () => {
    const html = await (await fetch(`${operator.url}/runs/${namespace}/${name}`)).text();
    return html.includes(phase) ? html : undefined;
  });
}

describe('a secret template parameter', () => {
  it('when a run takes it from its Secret, then the repository gets it but the status, snapshot ConfigMap, Job, Events, operator log and run page never hold it', async () => {
    await kubectl(['create', 'secret', 'generic', 'orders-secrets', '-n', namespace, `--from-literal=apiKey=${API_KEY}`]);
    const remote = await git.createRepository('orders-with-key');
    await createRun('orders', { name: 'orders', repoUrl: remote }, 'orders-secrets');
    const job = await jobOf('orders');
    const run = await getRun(namespace, 'orders');
    const snapshot = await kubectl(['get', 'configmap', snapshotName(run), '-n', namespace, '-o', 'json']);
    expect(snapshot).toContain('orders-secrets');
    expect(snapshot).not.toContain(API_KEY);
    expect(JSON.stringify(job)).not.toContain(API_KEY);
    expect(job.spec.template.spec.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'GREENROOM_SECRET_PARAMETER_0', valueFrom: { secretKeyRef: { name: 'orders-secrets', key: 'apiKey', optional: true } } },
      ]),
    );

    const node = await playNode(namespace, job.metadata.name, IMAGE);
    expect(node.succeeded).toBe(true);
    for (const c of node.containers) expect(c.output).not.toContain(API_KEY);
    const done = await finished(namespace, 'orders');
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.outputs?.links).toEqual([{ title: 'Key ***', url: `${remote}?key=***` }]);
    expect(JSON.stringify(done)).not.toContain(API_KEY);
    expect(await eventsAbout(namespace, 'orders')).not.toContain(API_KEY);
    expect(await runPageHtml('orders', 'Succeeded')).not.toContain(API_KEY);
    expect(logs.text()).not.toContain(API_KEY);

    // The run did use it: the template wrote it where its author asked.
    const clone = await cloneOf(remote, newDir());
    expect(await readFile(join(clone, 'config/api-key'), 'utf8')).toBe(API_KEY);
  });

  it('when a run puts the secret parameter in spec.values, then it fails before anything starts, naming the parameter, and its value goes no further', async () => {
    const leaked = 'sk-live-put-in-values-99';
    await createRun('leaky', { name: 'leaky', repoUrl: `${git.url}/leaky.git`, apiKey: leaked });
    const done = await finished(namespace, 'leaky');
    expect(done.status?.phase).toBe('Failed');
    expect(done.status?.jobName).toBeUndefined();
    expect(done.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      reason: 'SecretInValues',
      message: expect.stringContaining('secret parameters apiKey'),
    });
    expect(JSON.stringify(done.status)).not.toContain(leaked);
    expect(await eventsAbout(namespace, 'leaky')).not.toContain(leaked);
    expect(await runPageHtml('leaky', 'Failed')).not.toContain(leaked);
    expect(await kubectl(['get', 'configmaps', '-n', namespace, '-o', 'json'])).not.toContain(leaked);
  });

  it('when the Secret it names does not exist, then the run fails with SecretValuesNotFound naming it', async () => {
    await createRun('no-secret', { name: 'no-secret', repoUrl: `${git.url}/no-secret.git` }, 'never-created');
    const done = await finished(namespace, 'no-secret');
    expect(done.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      reason: 'SecretValuesNotFound',
      message: expect.stringContaining(`Secret ${namespace}/never-created`),
    });
  });
});
