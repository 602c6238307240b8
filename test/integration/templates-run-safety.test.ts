import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { MAX_MESSAGE_LENGTH } from '../../src/controllers/conditions.ts';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { INHERITED_ENV } from '../../src/templates/in-process-executor.ts';
import type { TemplateObject } from '../../src/api/objects.ts';
import { takeSnapshot } from '../../src/templates/snapshot.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { publishGit } from '../../src/git/publish-git.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import {
  allowGitHost,
  applyTemplate,
  capturedLogs,
  createRun,
  eventsAbout,
  finished,
  getRun,
  GIT_USER,
  gitServers,
  silentGitServer,
  templateNamespace,
} from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// What a template run must never do, each ending in a run a person can read: leak a
// password, start twice, write outside its output directory, follow a symlink, hand the
// operator's environment to template code, keep a status the apiserver refuses, or render
// values nobody checked. Runs go through the in-process executor, publishing to a real git
// server over HTTP; the last test starts the scaffolder by hand.
const namespace = 'templates-safety';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('run-safety-');
const logs = capturedLogs();
const URL_PASSWORD = 'url-pa55word-in-values';
let git: GitServer;

const outcome = (run: Awaited<ReturnType<typeof getRun>>) => run.status?.conditions?.find((c) => c.type === 'Succeeded');
const renderOnly = [{ name: 'render', action: 'render' }];

beforeAll(async () => {
  await templateNamespace(namespace);
  git = await newGitServer();
  await allowGitHost(namespace, git.url);
  await start({ templateExecutor: 'in-process', logger: logs.logger });
});

describe('what a template run never does', () => {
  it("when the repository URL holds a password, then neither it nor the Secret's shows in status, Events or the operator log, the scaffolder's output included", async () => {
    const remote = await git.createRepository('ledger');
    await createRun(namespace, 'ledger', 'typescript-service', {
      name: 'ledger',
      owner: 'team-storefront',
      repoUrl: remote.replace('http://', `http://${GIT_USER.username}:${URL_PASSWORD}@`),
    });
    const run = await finished(namespace, 'ledger');
    expect(run.status?.phase).toBe('Succeeded');
    expect(run.status?.outputs?.links?.[0]?.url).toBe(remote.replace('http://', 'http://***@'));
    const events = await eventually('the Succeeded Event', async () => {
      const text = await eventsAbout(namespace, 'ledger');
      return text.includes('"reason": "Succeeded"') ? text : undefined;
    });
    // The scaffolder's output is in the operator log: the push is there, without the password.
    expect(logs.text()).toMatch(/"scaffold":"[^"]*pushed [0-9a-f]{12} to http:\/\/\*\*\*@127\.0\.0\.1/);
    for (const [where, text] of Object.entries({ status: JSON.stringify(run.status), events, log: logs.text() })) {
      expect([where, text.includes(GIT_USER.password), text.includes(URL_PASSWORD)]).toEqual([where, false, false]);
    }
  });

  it('when a run the operator already started is seen Pending again (as from a stale cache), then no second scaffolder starts', async () => {
    const silent = await silentGitServer();
    try {
      await applyTemplate(namespace, 'slow-skeleton', { type: 'service', skeleton: { git: { url: silent.url } }, steps: renderOnly });
      await createRun(namespace, 'once', 'slow-skeleton', {});
      await eventually('the scaffolder to connect to the git server', async () => (silent.sockets.length > 0 ? true : undefined));
      await kubectl([
        'patch',
        'templaterun',
        'once',
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"phase":"Pending"}}',
      ]);
      await eventually('the operator to decline a second start', async () =>
        logs
          .text()
          .split('\n')
          .some((line) => line.includes(`"run":"${namespace}/once"`) && line.includes('not starting another'))
          ? true
          : undefined,
      );
      expect(silent.sockets.length).toBe(1);
      await kubectl(['delete', 'templaterun', 'once', '-n', namespace]);
    } finally {
      silent.close();
    }
  });

  it.each([
    ['a file name', { '../outside.txt': 'x' }, {}, '../outside.txt'],
    ['a value', { 'docs/${{ values.dir }}/x.txt': 'x' }, { dir: '../..' }, 'docs/../../x.txt'],
  ])(
    'when %s makes a rendered path climb out of the output directory, then the run fails naming the path',
    async (_how, inline, values, path) => {
      const name = `climb-${Object.keys(values).length}`;
      await applyTemplate(namespace, name, { type: 'docs', skeleton: { inline }, steps: renderOnly });
      await createRun(namespace, name, name, values);
      const run = await finished(namespace, name);
      expect(run.status?.phase).toBe('Failed');
      expect(outcome(run)).toMatchObject({
        reason: 'StepFailed',
        message: expect.stringContaining(
          `step render failed: ${Object.keys(inline)[0]}: path ${JSON.stringify(path)} leaves the output directory`,
        ),
      });
    },
  );

  it('when the git skeleton holds a symlink, then the run fails naming the file', async () => {
    const repo = await git.createRepository('linked-skeleton');
    const dir = newDir();
    await mkdir(join(dir, 'docs'));
    await writeFile(join(dir, 'docs', 'index.md'), '# ${{ values.name }}\n');
    await symlink('/etc/passwd', join(dir, 'docs', 'passwd'));
    await publishGit({ dir, url: repo, credentials: { ...GIT_USER, allowedHosts: [hostOf(repo)] }, allowHttp: true });
    await applyTemplate(namespace, 'linked', {
      type: 'docs',
      skeleton: { git: { url: repo, secretRef: { name: 'greenroom-git' } } },
      steps: renderOnly,
    });
    await createRun(namespace, 'linked', 'linked', { name: 'x' });
    const run = await finished(namespace, 'linked');
    expect(outcome(run)).toMatchObject({
      reason: 'StepFailed',
      message: 'step render failed: skeleton file docs/passwd is a symlink; symlinks are not allowed in a skeleton',
    });
  });

  it('when hundreds of values are not parameters, then the run still ends Failed, its message cut to what a status holds', async () => {
    const extra = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`not-a-parameter-${i}`, 'x']));
    await createRun(namespace, 'many-bad', 'typescript-service', {
      name: 'many-bad',
      owner: 'team-storefront',
      repoUrl: `${git.url}/many-bad.git`,
      ...extra,
    });
    const run = await finished(namespace, 'many-bad');
    expect(outcome(run)).toMatchObject({
      reason: 'InvalidValues',
      message: expect.stringMatching(
        /^the values do not fit the template's parameters: values\.not-a-parameter-0 is not a parameter of this template; .*; … and \d+ more$/,
      ),
    });
    expect(outcome(run)!.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it("when template code reaches JavaScript through nunjucks (Templates are trusted code), then it finds only the scaffolder's minimal environment, not the operator's", async () => {
    process.env.OPERATOR_ONLY_SETTING = 'not for templates';
    try {
      const envKeys = '${{ range.constructor("return Object.keys(process.env).sort().join(\' \')")() }}';
      await applyTemplate(namespace, 'reaches-js', {
        type: 'docs',
        skeleton: { inline: { 'a.txt': 'a' } },
        steps: renderOnly,
        output: { links: [{ title: 'env', url: envKeys }] },
      });
      await createRun(namespace, 'reaches-js', 'reaches-js', {});
      const run = await finished(namespace, 'reaches-js');
      expect(run.status?.phase).toBe('Succeeded');
      const keys = (run.status?.outputs?.links?.[0]?.url ?? '').split(' ');
      expect(keys).toEqual(expect.arrayContaining(['PATH', 'HOME', 'GREENROOM_RUN_UID']));
      expect(keys.filter((k) => !(INHERITED_ENV as readonly string[]).includes(k) && k !== 'HOME' && !k.startsWith('GREENROOM_'))).toEqual(
        [],
      );
      expect(keys).not.toContain('OPERATOR_ONLY_SETTING');
    } finally {
      delete process.env.OPERATOR_ONLY_SETTING;
    }
  });

  it("when the values in a scaffolder's snapshot do not fit its Template (however the snapshot came to be), then it runs nothing and says why on the run", async () => {
    // A namespace no operator watches: the scaffolder is started by hand, as a Job's container would be.
    const alone = 'templates-scaffolder-alone';
    await kubectl(['create', 'namespace', alone]);
    await createRun(alone, 'forged', 'typescript-service', { name: 'Not A Name' });
    const run = await getRun(alone, 'forged');
    const template = {
      ...(parse(
        await readFile(fileURLToPath(new URL('../../templates/typescript-service/template.yaml', import.meta.url)), 'utf8'),
      ) as TemplateObject),
      metadata: { name: 'typescript-service', namespace: alone, uid: 'u', generation: 1 },
    };
    const dir = newDir();
    await writeFile(
      join(dir, 'snapshot.json'),
      JSON.stringify(takeSnapshot(run, template, { data: { 'README.md': '# ${{ values.name }}' } })),
    );
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const env = {
      PATH: process.env.PATH!,
      KUBECONFIG: process.env.KUBECONFIG!,
      GREENROOM_RUN_NAMESPACE: alone,
      GREENROOM_RUN_NAME: 'forged',
      GREENROOM_RUN_UID: run.metadata.uid,
    };
    const exit = await promisify(execFile)(
      process.execPath,
      [cli, 'scaffold', '--workspace', join(dir, 'work'), '--snapshot', join(dir, 'snapshot.json')],
      { env },
    ).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(exit).toBe(1);
    const step = (await getRun(alone, 'forged')).status?.steps?.[0];
    expect(step).toMatchObject({
      name: 'render',
      phase: 'Failed',
      message: expect.stringMatching(
        /^the values in the run's snapshot do not fit the parameters of Template templates-scaffolder-alone\/typescript-service generation 1: values\.owner is required; .*values\.name must match pattern/,
      ),
    });
    await expect(readFile(join(dir, 'work', 'out', 'README.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
