import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { kubectl } from '../support/kubectl.ts';
import { operators } from '../support/operator.ts';
import {
  allowGitHost,
  applyTemplate,
  capturedLogs,
  cloneOf,
  eventsAbout,
  finished,
  gitServers,
  templateNamespace,
} from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The in-process executor hands a run's secret parameters to its scaffolder child as
// variables: the child uses them, and its output (which the operator logs) stays redacted.
const namespace = 'templates-secret-in-process';
const API_KEY = 'sk-live-9a8b7c6d5e4f3a2b';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('secret-in-process-');
const logs = capturedLogs();
let git: GitServer;

beforeAll(async () => {
  await templateNamespace(namespace);
  await applyTemplate(namespace, 'service-with-key', {
    type: 'service',
    parameters: {
      type: 'object',
      required: ['name', 'repoUrl', 'apiKey'],
      properties: { name: { type: 'string' }, repoUrl: { type: 'string' }, apiKey: { type: 'string', 'ui:field': 'Secret' } },
    },
    skeleton: { inline: { 'config/api-key': '${{ secrets.apiKey }}' } },
    steps: [
      { name: 'render', action: 'render' },
      { name: 'publish', action: 'publish:git', publishGit: { url: '${{ values.repoUrl }}', secretRef: { name: 'greenroom-git' } } },
    ],
    output: { links: [{ title: 'Key ${{ secrets.apiKey }}', url: '${{ values.repoUrl }}' }] },
  });
  git = await newGitServer();
  await allowGitHost(namespace, git.url);
  await start({ templateExecutor: 'in-process', logger: logs.logger });
});

describe('a secret template parameter with the in-process executor', () => {
  it('when a run names the Secret holding it, then the child uses it and the status, Events and operator log never hold it', async () => {
    await kubectl(['create', 'secret', 'generic', 'orders-secrets', '-n', namespace, `--from-literal=apiKey=${API_KEY}`]);
    const remote = await git.createRepository('orders-in-process');
    const spec = {
      templateRef: { name: 'service-with-key' },
      values: { name: 'orders', repoUrl: remote },
      secretValuesRef: { name: 'orders-secrets' },
    };
    await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'TemplateRun', metadata: { name: 'orders', namespace }, spec }),
    );
    const done = await finished(namespace, 'orders');
    // The whole status on a failure: its conditions say why.
    expect(done.status).toMatchObject({ phase: 'Succeeded' });
    expect(done.status?.outputs?.links).toEqual([{ title: 'Key ***', url: remote }]);
    expect(JSON.stringify(done)).not.toContain(API_KEY);
    expect(await eventsAbout(namespace, 'orders')).not.toContain(API_KEY);
    expect(logs.text()).toContain('scaffolder');
    expect(logs.text()).not.toContain(API_KEY);
    const clone = await cloneOf(remote, newDir());
    expect(await readFile(join(clone, 'config/api-key'), 'utf8')).toBe(API_KEY);
  });
});
