import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { allowGitHost } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// DocSources built from a real git server (git http-backend) by a real operator, stored in
// ConfigMaps on the real apiserver and served by the dashboard's docs reader.
const run = promisify(execFile);
const namespace = 'docs-sources';
const start = operators(namespace);
const newDir = tempDirs('docs-repo-');
const credentials = { username: 'docs-reader', password: 'docs-t0ken-never-shown' };
let server: GitServer;
let base = '';
let work = '';
let remote = '';

/** A working copy pushing to one repository of the git server. */
function workingCopy(dir: () => string, url: () => string) {
  const git = (...args: string[]) =>
    run('git', args, {
      cwd: dir(),
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });
  return {
    git,
    async write(path: string, text: string | Buffer): Promise<void> {
      await mkdir(join(dir(), path, '..'), { recursive: true });
      await writeFile(join(dir(), path), text);
    },
    async push(message: string): Promise<string> {
      await git('add', '--all');
      await git('commit', '--quiet', '-m', message);
      await git('push', '--quiet', url().replace('http://', `http://${credentials.username}:${credentials.password}@`), 'HEAD:main');
      return (await git('rev-parse', 'HEAD')).stdout.trim();
    },
  };
}
const { git, write, push } = workingCopy(
  () => work,
  () => remote,
);

interface DocSourceStatus {
  phase?: string;
  commit?: string;
  pageCount?: number;
  siteName?: string;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}
const statusOf = async (name: string): Promise<DocSourceStatus> =>
  (JSON.parse(await kubectl(['get', 'docsource', name, '-n', namespace, '-o', 'json'])) as { status?: DocSourceStatus }).status ?? {};
const page = async (path: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  server = await startGitServer({ credentials });
  remote = await server.createRepository('orders-docs');
  work = newDir();
  await git('init', '--quiet', '--initial-branch=main');
  await write('mkdocs.yml', 'site_name: Orders service\nnav:\n  - Home: index.md\n  - Guides:\n      - Running it: guides/run.md\n');
  await write(
    'docs/index.md',
    '# Orders\n\nThe orders service takes orders. See [running it](guides/run.md).\n\n![diagram](img/flow.png)\n',
  );
  await write('docs/guides/run.md', '# Running it\n\n## Locally\n\nStart it with the zanzibar launcher.\n\n!!! note\n    Needs Node 24.\n');
  await write('docs/img/flow.png', Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  await push('first docs');
  await kubectl([
    'create',
    'secret',
    'generic',
    'docs-git',
    '-n',
    namespace,
    `--from-literal=username=${credentials.username}`,
    `--from-literal=password=${credentials.password}`,
  ]);
  // 127.0.0.1:9 too: a host the credentials may go to where nothing listens.
  await allowGitHost(namespace, [server.url, 'http://127.0.0.1:9'], 'docs-git');
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-orders}\nspec: {type: team}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: team-orders, title: Orders}\n',
      `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: orders-docs}\nspec:\n  entityRef: orders\n  refreshInterval: 5s\n  source:\n    git: {url: "${remote}", ref: main, secretRef: {name: docs-git}}\n`,
    ].join('---\n'),
  );
  base = (await start()).url;
});
afterAll(async () => server?.stop());

describe('a DocSource on the real control plane with a real git server', () => {
  it('when it is applied, then the docs are built, stored in ConfigMaps it owns and served with nav, images and rewritten links', async () => {
    const status = await eventually(
      'the DocSource to be Ready',
      async () => {
        const s = await statusOf('orders-docs');
        return s.phase === 'Ready' ? s : undefined;
      },
      60_000,
    );
    expect(status).toMatchObject({ siteName: 'Orders service', pageCount: 2, commit: (await git('rev-parse', 'HEAD')).stdout.trim() });
    expect(JSON.stringify(status)).not.toContain(credentials.password);
    const stored = JSON.parse(await kubectl(['get', 'configmaps', '-n', namespace, '-l', 'greenroom.dev/docsource-uid', '-o', 'json'])) as {
      items: { metadata: { ownerReferences: { kind: string; name: string }[] } }[];
    };
    expect(stored.items.length).toBeGreaterThan(0);
    expect(
      stored.items.every(
        (c) => c.metadata.ownerReferences[0]?.kind === 'DocSource' && c.metadata.ownerReferences[0]?.name === 'orders-docs',
      ),
    ).toBe(true);

    const home = await eventually('the reader to serve the site', async () => {
      const p = await page(`/docs/${namespace}/orders-docs`);
      return p.status === 200 ? p.text : undefined;
    });
    expect(home).toMatch(/The orders service takes orders/);
    expect(home).toContain(`href="/docs/${namespace}/orders-docs/guides/run"`);
    expect(home).toContain(`src="/docs/${namespace}/orders-docs/_assets/img/flow.png"`);
    const guide = await page(`/docs/${namespace}/orders-docs/guides/run`);
    expect(guide.text).toMatch(/zanzibar launcher/);
    expect(guide.text).toMatch(/Needs Node 24/);
    const image = await fetch(`${base}/docs/${namespace}/orders-docs/_assets/img/flow.png`);
    expect(image.headers.get('content-type')).toMatch(/image\/png/);
    // The entity page's Docs tab lists the DocSource as Ready, linked into the reader.
    const tab = (await page(`/catalog/component/${namespace}/orders/docs`)).text;
    expect(tab).toContain(`<a href="/docs/${namespace}/orders-docs">Orders service</a> <span class="badge ok">Ready</span>`);
    expect(tab).toMatch(/2 pages · built <time/);
  });

  it('when a phrase only the docs contain is searched, then the doc page is found', async () => {
    const body = await eventually('the docs to be searchable', async () => {
      const res = (await (await fetch(`${base}/api/v1/search?q=zanzibar`)).json()) as { results: { type: string; href: string }[] };
      return res.results.length > 0 ? res : undefined;
    });
    expect(body.results[0]).toMatchObject({ type: 'doc', href: `/docs/${namespace}/orders-docs/guides/run` });
  });

  // Refreshes come every 5 s here; the wait allows several, since builds queue one at a time on a shared machine.
  it('when a change is pushed, then after a refresh the reader shows the new text and the old build is removed', async () => {
    const before = await statusOf('orders-docs');
    await write('docs/guides/run.md', '# Running it\n\n## Locally\n\nStart it with the quasar launcher now.\n');
    const commit = await push('new launcher');
    await eventually(
      'the new commit to be built',
      async () => ((await statusOf('orders-docs')).commit === commit ? true : undefined),
      30_000,
    );
    await eventually('the reader to show the new text', async () =>
      /quasar launcher/.test((await page(`/docs/${namespace}/orders-docs/guides/run`)).text) ? true : undefined,
    );
    await eventually("the old build's ConfigMaps to be removed", async () => {
      const served = ((await statusOf('orders-docs')) as { site?: { id: string } }).site?.id;
      const sites = (
        await kubectl([
          'get',
          'configmaps',
          '-n',
          namespace,
          '-l',
          'greenroom.dev/docsource-uid',
          '-o',
          'jsonpath={.items[*].metadata.labels.greenroom\\.dev/site}',
        ])
      )
        .trim()
        .split(/\s+/);
      return served && sites.every((id) => id === served) ? true : undefined;
    });
    expect(before.commit).not.toBe(commit);
  });

  it('when the source breaks, then the DocSource says why and the last good build is still served', async () => {
    await rm(join(work, 'docs'), { recursive: true });
    await rm(join(work, 'mkdocs.yml'));
    await write('README.txt', 'no markdown here');
    await push('docs removed by mistake');
    const status = await eventually(
      'the failed build to be reported',
      async () => {
        const s = await statusOf('orders-docs');
        return s.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False') ? s : undefined;
      },
      30_000,
    );
    expect(status.phase).toBe('Ready');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({
      reason: 'BuildFailed',
      message: expect.stringMatching(/markdown|Markdown|page/),
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ServingLastGoodBuild' });
    expect((await page(`/docs/${namespace}/orders-docs/guides/run`)).text).toMatch(/quasar launcher/);
  });

  it('when the repository cannot be reached, then the condition names the git error without the password', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: nowhere}\nspec:\n  entityRef: orders\n  source:\n    git: {url: "http://127.0.0.1:9/nothing.git", secretRef: {name: docs-git}}\n`,
    );
    const status = await eventually(
      'the fetch failure to be reported',
      async () => {
        const s = await statusOf('nowhere');
        return s.phase === 'Failed' ? s : undefined;
      },
      30_000,
    );
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'FetchFailed',
      message: expect.stringMatching(/git ls-remote failed/),
    });
    expect(JSON.stringify(status)).not.toContain(credentials.password);
  });

  it("when a DocSource's URL names a server its Secret does not allow, then BuildSucceeded is False naming that host, and that server never sees the token", async () => {
    // The attacker's server asks for no password, and holds docs that would build.
    const attacker = await startGitServer();
    try {
      const lure = await attacker.createRepository('lure');
      const copy = newDir();
      await run('git', ['clone', '--quiet', remote.replace('http://', `http://${credentials.username}:${credentials.password}@`), copy]);
      await run('git', ['-C', copy, 'push', '--quiet', lure, 'HEAD:main']);
      const before = attacker.requests.length;
      await kubectl(
        ['apply', '-n', namespace, '-f', '-'],
        `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: exfiltrate}\nspec:\n  entityRef: orders\n  source:\n    git: {url: "${lure}", secretRef: {name: docs-git}}\n`,
      );
      const status = await eventually(
        'the refused host to be reported',
        async () => {
          const s = await statusOf('exfiltrate');
          return s.phase === 'Failed' ? s : undefined;
        },
        30_000,
      );
      expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({
        status: 'False',
        reason: 'FetchFailed',
        message: `the credentials of Secret ${namespace}/docs-git may not be sent to host ${hostOf(attacker.url)} (its greenroom.dev/allowed-hosts annotation allows ${hostOf(server.url)}, 127.0.0.1:9); use a repository on an allowed host, or annotate it with greenroom.dev/allowed-hosts: ${hostOf(attacker.url)}`,
      });
      expect(attacker.requests.slice(before)).toEqual([]);
    } finally {
      await attacker.stop();
    }
  });

  it("when a DocSource's URL is file://, ext:: or ssh, then the apiserver refuses it naming source.git.url", async () => {
    for (const [name, url] of [
      ['local-file', 'file:///etc'],
      ['ext-command', 'ext::sh -c id'],
      ['scp-form', 'git@github.com:a/b.git'],
    ]) {
      await expect(
        kubectl(
          ['apply', '-n', namespace, '-f', '-'],
          `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: ${name}}\nspec:\n  entityRef: orders\n  source:\n    git: {url: "${url}"}\n`,
        ),
      ).rejects.toThrow(/spec\.source\.git\.url/);
    }
  });

  it('when the docs are in a ConfigMap, then they are built from it', async () => {
    await kubectl(['create', 'configmap', 'runbook-docs', '-n', namespace, '--from-literal=index.md=# Runbook\n\nPage the on-call owl.\n']);
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: runbook}\nspec:\n  entityRef: orders\n  source: {configMapRef: {name: runbook-docs}}\n',
    );
    await eventually(
      'the ConfigMap docs to be served',
      async () => (/on-call owl/.test((await page(`/docs/${namespace}/runbook`)).text) ? true : undefined),
      30_000,
    );
  });
});

describe('DocSources that cannot be built, one whose spec changes, and one bigger than a ConfigMap', () => {
  let dir = '';
  let url = '';
  const copy = workingCopy(
    () => dir,
    () => url,
  );
  // Random bytes do not compress: the stored site stays over one 900 KiB chunk.
  const noise = randomBytes(1_400_000);
  const docSource = (name: string, path: string, secret = 'docs-git') =>
    `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: ${name}}\nspec:\n  entityRef: orders\n  refreshInterval: 5s\n  source:\n    git: {url: "${url}", path: ${path}, secretRef: {name: ${secret}}}\n`;
  const buildFailure = (name: string) =>
    eventually(
      `${name} to report its failed build`,
      async () => {
        const s = await statusOf(name);
        return s.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False') ? s : undefined;
      },
      30_000,
    );

  beforeAll(async () => {
    url = await server.createRepository('team-docs');
    dir = newDir();
    await copy.git('init', '--quiet', '--initial-branch=main');
    await copy.write('handbook/index.md', '# Handbook\n\nThe first handbook speaks of marmalade.\n');
    await copy.write('handbook-v2/index.md', '# Handbook two\n\nThe second handbook speaks of gooseberries.\n');
    await copy.write('linked/index.md', '# Linked\n');
    await symlink('/etc/passwd', join(dir, 'linked', 'passwd.md'));
    // A git.path that is itself a symlink, to docs-looking files outside the repository.
    const outside = newDir();
    await writeFile(join(outside, 'index.md'), "# Outside\n\nThe operator's own files.\n");
    await symlink(outside, join(dir, 'escape'));
    await copy.write('big/index.md', '# Big\n\n![noise](noise.png)\n');
    await copy.write('big/noise.png', noise);
    await copy.push('docs of all sorts');
  });

  it('when git.path names no directory of the repository, then BuildSucceeded is False saying so in the DocSource’s terms', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('no-such-path', 'manuals'));
    const status = await buildFailure('no-such-path');
    expect(status.phase).toBe('Failed');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({
      reason: 'FetchFailed',
      message: expect.stringMatching(
        /^source\.git\.path "manuals" does not exist at main of http:\/\/127\.0\.0\.1:\d+\/team-docs\.git; fix the path/,
      ),
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'FetchFailed' });
    expect((await page(`/docs/${namespace}/no-such-path`)).status).toBe(404);
    // The entity's Docs tab lists it as Failed, saying why.
    const tab = await eventually('the Docs tab to show the failure', async () => {
      const text = (await page(`/catalog/component/${namespace}/orders/docs`)).text;
      return text.includes('no-such-path <span class="badge bad">Failed</span>') ? text : undefined;
    });
    expect(tab).toContain('source.git.path &quot;manuals&quot; does not exist');
  });

  it('when the docs hold a symlink, then BuildSucceeded is False naming the file, and nothing is served', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('symlinked', 'linked'));
    const status = await buildFailure('symlinked');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({
      reason: 'FetchFailed',
      message: expect.stringMatching(/^passwd\.md in the docs is a symlink .*symlinks are not followed/),
    });
    expect(JSON.stringify(status)).not.toMatch(/skeleton/);
    expect((await page(`/docs/${namespace}/symlinked/passwd`)).status).toBe(404);
  });

  it('when git.path is a symlink leading outside the repository, then BuildSucceeded is False saying so, and nothing outside is served', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('escaping', 'escape'));
    const status = await buildFailure('escaping');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({
      reason: 'FetchFailed',
      message:
        'source.git.path "escape" is not a directory inside the repository (it is a symlink that leads outside the repository); write it relative to the repository\'s root, without .. or symlinks leading out',
    });
    expect((await page(`/docs/${namespace}/escaping`)).status).toBe(404);
  });

  it('when a spec change fails its first build, then fixing what it lacks builds the new spec, though no commit moved', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('moving', 'handbook'));
    await eventually(
      'the first handbook to be served',
      async () => (/marmalade/.test((await page(`/docs/${namespace}/moving`)).text) ? true : undefined),
      30_000,
    );
    // The new spec names a Secret that does not exist yet: its first build fails.
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('moving', 'handbook-v2', 'late-secret'));
    const failed = await buildFailure('moving');
    expect(failed.conditions?.find((c) => c.type === 'BuildSucceeded')?.message).toMatch(/Secret late-secret does not exist/);
    expect(failed.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'ServingLastGoodBuild',
      message: expect.stringMatching(/made before the spec last changed/),
    });
    expect((await page(`/docs/${namespace}/moving`)).text).toMatch(/marmalade/);

    await kubectl([
      'create',
      'secret',
      'generic',
      'late-secret',
      '-n',
      namespace,
      `--from-literal=username=${credentials.username}`,
      `--from-literal=password=${credentials.password}`,
    ]);
    await allowGitHost(namespace, server.url, 'late-secret');
    await eventually(
      'the new spec to be built and served',
      async () => (/gooseberries/.test((await page(`/docs/${namespace}/moving`)).text) ? true : undefined),
      30_000,
    );
    const object = JSON.parse(await kubectl(['get', 'docsource', 'moving', '-n', namespace, '-o', 'json'])) as {
      metadata: { generation: number };
      status: DocSourceStatus & { site: { generation: number } };
    };
    expect(object.status.site.generation).toBe(object.metadata.generation);
    expect(object.status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({ status: 'True', reason: 'Built' });
  });

  it('when a built site is bigger than one ConfigMap can hold, then it is stored over several and served whole', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('big-docs', 'big'));
    const status = await eventually(
      'the big site to be Ready',
      async () => {
        const s = (await statusOf('big-docs')) as DocSourceStatus & { site?: { chunks: number; bytes: number } };
        return s.phase === 'Ready' ? s : undefined;
      },
      60_000,
    );
    expect(status.site!.chunks).toBeGreaterThanOrEqual(2);
    expect(status.site!.bytes).toBeGreaterThan(900 * 1024);
    const uid = (await kubectl(['get', 'docsource', 'big-docs', '-n', namespace, '-o', 'jsonpath={.metadata.uid}'])).trim();
    const stored = (await kubectl(['get', 'configmaps', '-n', namespace, '-l', `greenroom.dev/docsource-uid=${uid}`, '-o', 'name']))
      .trim()
      .split('\n');
    expect(stored).toHaveLength(status.site!.chunks);
    const image = await eventually('the image to be served', async () => {
      const res = await fetch(`${base}/docs/${namespace}/big-docs/_assets/noise.png`);
      return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
    });
    expect(createHash('sha256').update(image).digest('hex')).toBe(createHash('sha256').update(noise).digest('hex'));
  });
});
