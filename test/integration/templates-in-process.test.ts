import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators, statusOf } from '../support/operator.ts';
import {
  allowGitHost,
  applyTemplate,
  cloneOf,
  createRun,
  finished,
  getRun,
  GIT_USER,
  gitServers,
  silentGitServer,
  templateNamespace,
} from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { publishGit } from '../../src/git/publish-git.ts';

// Template runs through the in-process executor (the scaffolder as a child process of the
// operator), publishing to a real git server and registering into the real apiserver.
const namespace = 'templates-in-process';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('in-process-run-');
let git: GitServer;

beforeAll(async () => {
  await templateNamespace(namespace);
  git = await newGitServer();
  // 127.0.0.1:9 too: a host the credentials may go to where nothing listens.
  await allowGitHost(namespace, [git.url, 'http://127.0.0.1:9']);
  await start({ templateExecutor: 'in-process' });
});

describe('a template run through the in-process executor', () => {
  it('when an engineer runs the TypeScript service template, then the repository is pushed, the files are rendered and the Component is in the catalog with its relations', async () => {
    const remote = await git.createRepository('orders');
    await createRun(namespace, 'orders', 'typescript-service', {
      name: 'orders',
      owner: 'team-storefront',
      system: 'storefront',
      description: 'Takes orders',
      repoUrl: remote,
    });
    const run = await finished(namespace, 'orders');
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({ status: 'True' });
    expect(run.status?.phase).toBe('Succeeded');
    expect(run.status?.steps?.map((s) => [s.name, s.phase])).toEqual([
      ['render', 'Succeeded'],
      ['publish', 'Succeeded'],
      ['register', 'Succeeded'],
    ]);
    expect(await kubectl(['get', 'template', 'typescript-service', '-n', namespace, '-o', 'jsonpath={.status.conditions[0].status}'])).toBe(
      'True',
    );
    expect(run.status?.steps?.every((s) => s.startedAt && s.finishedAt)).toBe(true);
    expect(run.status?.outputs?.entityRefs).toEqual([`component:${namespace}/orders`]);
    expect(run.status?.outputs?.links).toEqual([
      { title: 'Repository', url: remote },
      { title: 'Catalog', url: `/catalog/component/${namespace}/orders` },
    ]);

    const clone = await cloneOf(remote, newDir());
    expect(JSON.parse(await readFile(join(clone, 'package.json'), 'utf8'))).toMatchObject({ name: 'orders' });
    expect(await readFile(join(clone, 'catalog-info.yaml'), 'utf8')).toMatch(/owner: team-storefront/);
    expect(await readFile(join(clone, 'Dockerfile'), 'utf8')).toMatch(/EXPOSE 8080/);
    expect(run.status?.outputs?.commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim());

    const component = await eventually('the registered Component to be reconciled', async () => {
      const status = await statusOf(namespace, 'components', 'orders');
      return status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? status : undefined;
    });
    expect(component.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ownedBy', target: `group:${namespace}/team-storefront` }),
        expect.objectContaining({ type: 'partOf', target: `system:${namespace}/storefront` }),
      ]),
    );
    // Secrets never reach status or the log.
    expect(JSON.stringify(run.status)).not.toContain(GIT_USER.password);
    expect(run.status?.logTail).toMatch(/pushed [0-9a-f]{12}/);
  });

  it('when the values do not fit the parameters, then the run fails before anything runs, with every message', async () => {
    await createRun(namespace, 'bad-values', 'typescript-service', { name: 'Not A Name', port: 'eighty' });
    const run = await finished(namespace, 'bad-values');
    expect(run.status?.phase).toBe('Failed');
    const message = run.status?.conditions?.find((c) => c.type === 'Succeeded')?.message ?? '';
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')?.reason).toBe('InvalidValues');
    expect(message).toMatch(/values\.owner is required/);
    expect(message).toMatch(/values\.repoUrl is required/);
    expect(message).toMatch(/values\.name must match pattern/);
    expect(message).toMatch(/values\.port must be integer/);
    expect(run.status?.steps?.every((s) => s.phase === 'Skipped')).toBe(true);
  });

  it("when the remote rejects the push, then the run fails with git's error and nothing is registered", async () => {
    // No repository was created on the server for this name: the push is refused.
    await createRun(namespace, 'no-repo', 'typescript-service', {
      name: 'no-repo',
      owner: 'team-storefront',
      repoUrl: `${git.url}/missing.git`,
    });
    const run = await finished(namespace, 'no-repo');
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.steps?.map((s) => s.phase)).toEqual(['Succeeded', 'Failed', 'Skipped']);
    expect(run.status?.steps?.[1]?.message).toMatch(/git push failed: .*(not found|404|repository)/i);
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({ reason: 'StepFailed' });
    await expect(kubectl(['get', 'component', 'no-repo', '-n', namespace])).rejects.toThrow(/not found/i);
  });

  it("when a run's repoUrl names a server its Secret does not allow, then the publish step fails naming that host before git connects, and that server never sees the token", async () => {
    // The attacker's server asks for no password: with the token sent to it, the push would succeed.
    const attacker = await startGitServer();
    try {
      const stolen = await attacker.createRepository('stolen');
      await createRun(namespace, 'exfiltrate', 'typescript-service', { name: 'exfiltrate', owner: 'team-storefront', repoUrl: stolen });
      const run = await finished(namespace, 'exfiltrate');
      expect(run.status?.phase).toBe('Failed');
      expect(run.status?.steps?.map((s) => [s.name, s.phase])).toEqual([
        ['render', 'Succeeded'],
        ['publish', 'Failed'],
        ['register', 'Skipped'],
      ]);
      expect(run.status?.steps?.[1]?.message).toBe(
        `the credentials of Secret ${namespace}/greenroom-git may not be sent to host ${hostOf(attacker.url)} (its greenroom.dev/allowed-hosts annotation allows ${hostOf(git.url)}, 127.0.0.1:9); use a repository on an allowed host, or annotate it with greenroom.dev/allowed-hosts: ${hostOf(attacker.url)}`,
      );
      expect(attacker.requests).toEqual([]);
    } finally {
      await attacker.stop();
    }
  });

  it('when the remote is unreachable, then the run fails naming the git error', async () => {
    await createRun(namespace, 'unreachable', 'typescript-service', {
      name: 'unreachable',
      owner: 'team-storefront',
      repoUrl: 'http://127.0.0.1:9/nothing.git',
    });
    const run = await finished(namespace, 'unreachable');
    expect(run.status?.steps?.[1]?.message).toMatch(/git push failed: .*(connect|refused)/i);
  });

  it('when the skeleton has a syntax error, then the run fails naming the file and line', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'Template',
        metadata: { name: 'broken' },
        spec: {
          type: 'service',
          owner: 'team-platform',
          skeleton: { inline: { 'README.md': '# ${{ values.name }}\n\nWelcome to ${{ values.name | }}\n' } },
          steps: [{ name: 'render', action: 'render' }],
        },
      }),
    );
    // The Template already says so when it is applied.
    await eventually('the Template to report its syntax error', async () => {
      const t = JSON.parse(await kubectl(['get', 'template', 'broken', '-n', namespace, '-o', 'json'])) as {
        status?: { conditions?: { reason: string; message: string }[] };
      };
      return t.status?.conditions?.find((c) => c.reason === 'TemplateSyntaxError' && /^README\.md:3: /.test(c.message)) ? true : undefined;
    });
    await createRun(namespace, 'broken-run', 'broken', { name: 'x' });
    const run = await finished(namespace, 'broken-run');
    expect(run.status?.steps?.[0]?.message).toMatch(/^README\.md:3: /);
  });

  it('when the run registers and a later step fails, then what it registered is removed again', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'Template',
        metadata: { name: 'register-then-push' },
        spec: {
          type: 'service',
          owner: 'team-platform',
          skeleton: {
            inline: {
              'catalog-info.yaml':
                'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: "${{ values.name }}"}\nspec: {type: service, lifecycle: experimental, owner: team-platform}\n',
            },
          },
          steps: [
            { name: 'render', action: 'render' },
            { name: 'register', action: 'register' },
            { name: 'publish', action: 'publish:git', publishGit: { url: 'http://127.0.0.1:9/x.git' } },
          ],
        },
      }),
    );
    await createRun(namespace, 'half', 'register-then-push', { name: 'half-registered' });
    const run = await finished(namespace, 'half');
    expect(run.status?.steps?.map((s) => s.phase)).toEqual(['Succeeded', 'Succeeded', 'Failed']);
    expect(run.status?.conditions?.find((c) => c.type === 'Succeeded')?.message).toMatch(/removed the 1 entities it had registered/);
    await expect(kubectl(['get', 'component', 'half-registered', '-n', namespace])).rejects.toThrow(/not found/i);
  });

  it('when the Template does not exist yet, then the run waits Pending and starts once it is applied', async () => {
    await createRun(namespace, 'early', 'late-template', {});
    await eventually('the run to say its Template is missing', async () => {
      const run = await getRun(namespace, 'early');
      return run.status?.conditions?.find((c) => c.type === 'TemplateResolved')?.reason === 'TemplateNotFound' ? true : undefined;
    });
    expect((await getRun(namespace, 'early')).status?.phase).toBe('Pending');
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'Template',
        metadata: { name: 'late-template' },
        spec: {
          type: 'docs',
          owner: 'team-platform',
          skeleton: { inline: { 'a.txt': 'a' } },
          steps: [{ name: 'render', action: 'render' }],
        },
      }),
    );
    expect((await finished(namespace, 'early')).status?.phase).toBe('Succeeded');
  });

  it('when a running run is deleted, then its scaffolder is stopped', async () => {
    const silent = await silentGitServer();
    try {
      await applyTemplate(namespace, 'hanging-skeleton', {
        type: 'service',
        skeleton: { git: { url: silent.url } },
        steps: [{ name: 'render', action: 'render' }],
      });
      await createRun(namespace, 'to-cancel', 'hanging-skeleton', {});
      await eventually('the scaffolder to connect to the git server', async () => (silent.sockets.length > 0 ? true : undefined));
      expect((await getRun(namespace, 'to-cancel')).status?.phase).toBe('Running');
      await kubectl(['delete', 'templaterun', 'to-cancel', '-n', namespace]);
      await eventually('the scaffolder to be stopped (its connection closed)', async () =>
        silent.closed.length === silent.sockets.length ? true : undefined,
      );
    } finally {
      silent.close();
    }
  });

  it("when a run pushes to a review branch of a repository whose main exists, then the branch starts at main's head and changes only the rendered files", async () => {
    const remote = await git.createRepository('existing-service');
    const base = newDir();
    await writeFile(join(base, 'LICENSE'), 'MIT\n');
    await writeFile(join(base, 'README.md'), '# existing-service\n');
    const baseHead = await publishGit({
      dir: base,
      url: remote,
      credentials: { ...GIT_USER, allowedHosts: [hostOf(remote)] },
      allowHttp: true,
      message: 'The service as it is',
    });
    await applyTemplate(namespace, 'add-ci', {
      type: 'service',
      skeleton: {
        inline: { '.github/workflows/ci.yaml': 'name: ${{ values.name }}\n', 'README.md': '# ${{ values.name }}\n\nBuilt by CI.\n' },
      },
      steps: [
        { name: 'render', action: 'render' },
        {
          name: 'publish',
          action: 'publish:git',
          publishGit: {
            url: '${{ values.repoUrl }}',
            reviewBranch: 'greenroom/add-ci',
            commitMessage: 'Add CI',
            secretRef: { name: 'greenroom-git' },
          },
        },
      ],
    });
    await createRun(namespace, 'add-ci', 'add-ci', { name: 'existing-service', repoUrl: remote });
    const run = await finished(namespace, 'add-ci');
    expect(run.status?.phase).toBe('Succeeded');
    const clone = await cloneOf(remote, newDir());
    const inClone = (...args: string[]): string => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
    expect(inClone('rev-parse', 'origin/greenroom/add-ci')).toBe(run.status?.outputs?.commit);
    expect(inClone('merge-base', 'origin/main', 'origin/greenroom/add-ci')).toBe(baseHead);
    expect(inClone('diff', '--name-only', 'origin/main', 'origin/greenroom/add-ci').split('\n')).toEqual([
      '.github/workflows/ci.yaml',
      'README.md',
    ]);
    expect(inClone('show', 'origin/greenroom/add-ci:LICENSE')).toBe('MIT');
  });

  it('when a started run is changed, then admission refuses: retry is a new run', async () => {
    await expect(
      kubectl(['patch', 'templaterun', 'orders', '-n', namespace, '--type=merge', '-p', '{"spec":{"values":{"name":"other"}}}']),
    ).rejects.toThrow(/immutable once the run has started/);
  });
});
