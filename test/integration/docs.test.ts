import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
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

const git = (...args: string[]) => run('git', args, { cwd: work, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
async function write(path: string, text: string | Buffer): Promise<void> {
  await mkdir(join(work, path, '..'), { recursive: true });
  await writeFile(join(work, path), text);
}
async function push(message: string): Promise<string> {
  await git('add', '--all');
  await git('commit', '--quiet', '-m', message);
  await git('push', '--quiet', remote.replace('http://', `http://${credentials.username}:${credentials.password}@`), 'HEAD:main');
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

interface DocSourceStatus {
  phase?: string;
  commit?: string;
  pageCount?: number;
  siteName?: string;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}
const statusOf = async (name: string): Promise<DocSourceStatus> => (JSON.parse(await kubectl(['get', 'docsource', name, '-n', namespace, '-o', 'json'])) as { status?: DocSourceStatus }).status ?? {};
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
  await write('docs/index.md', '# Orders\n\nThe orders service takes orders. See [running it](guides/run.md).\n\n![diagram](img/flow.png)\n');
  await write('docs/guides/run.md', '# Running it\n\n## Locally\n\nStart it with the zanzibar launcher.\n\n!!! note\n    Needs Node 24.\n');
  await write('docs/img/flow.png', Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  await push('first docs');
  await kubectl(['create', 'secret', 'generic', 'docs-git', '-n', namespace, `--from-literal=username=${credentials.username}`, `--from-literal=password=${credentials.password}`]);
  await kubectl(['apply', '-n', namespace, '-f', '-'], [
    'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-orders}\nspec: {type: team}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: team-orders, title: Orders}\n',
    `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: orders-docs}\nspec:\n  entityRef: orders\n  refreshInterval: 5s\n  source:\n    git: {url: "${remote}", ref: main, secretRef: {name: docs-git}}\n`,
  ].join('---\n'));
  base = (await start()).url;
});
afterAll(async () => server?.stop());

describe('a DocSource on the real control plane with a real git server', () => {
  it('when it is applied, then the docs are built, stored in ConfigMaps it owns and served with nav, images and rewritten links', async () => {
    const status = await eventually('the DocSource to be Ready', async () => {
      const s = await statusOf('orders-docs');
      return s.phase === 'Ready' ? s : undefined;
    }, 60_000);
    expect(status).toMatchObject({ siteName: 'Orders service', pageCount: 2, commit: (await git('rev-parse', 'HEAD')).stdout.trim() });
    expect(JSON.stringify(status)).not.toContain(credentials.password);
    const stored = JSON.parse(await kubectl(['get', 'configmaps', '-n', namespace, '-l', 'greenroom.dev/docsource-uid', '-o', 'json'])) as { items: { metadata: { ownerReferences: { kind: string; name: string }[] } }[] };
    expect(stored.items.length).toBeGreaterThan(0);
    expect(stored.items.every((c) => c.metadata.ownerReferences[0]?.kind === 'DocSource' && c.metadata.ownerReferences[0]?.name === 'orders-docs')).toBe(true);

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
    // The entity page links to its docs.
    expect((await page(`/catalog/component/${namespace}/orders`)).text).toContain(`/docs/${namespace}/orders-docs`);
  });

  it('when a phrase only the docs contain is searched, then the doc page is found', async () => {
    const body = await eventually('the docs to be searchable', async () => {
      const res = (await (await fetch(`${base}/api/v1/search?q=zanzibar`)).json()) as { results: { type: string; href: string }[] };
      return res.results.length > 0 ? res : undefined;
    });
    expect(body.results[0]).toMatchObject({ type: 'doc', href: `/docs/${namespace}/orders-docs/guides/run` });
  });

  it('when a change is pushed, then within one refresh the reader shows the new text and the old build is removed', async () => {
    const before = await statusOf('orders-docs');
    await write('docs/guides/run.md', '# Running it\n\n## Locally\n\nStart it with the quasar launcher now.\n');
    const commit = await push('new launcher');
    await eventually('the new commit to be built', async () => ((await statusOf('orders-docs')).commit === commit ? true : undefined), 30_000);
    await eventually('the reader to show the new text', async () => (/quasar launcher/.test((await page(`/docs/${namespace}/orders-docs/guides/run`)).text) ? true : undefined));
    await eventually('the old build\'s ConfigMaps to be removed', async () => {
      const served = ((await statusOf('orders-docs')) as { site?: { id: string } }).site?.id;
      const sites = (await kubectl(['get', 'configmaps', '-n', namespace, '-l', 'greenroom.dev/docsource-uid', '-o', 'jsonpath={.items[*].metadata.labels.greenroom\\.dev/site}'])).trim().split(/\s+/);
      return served && sites.every((id) => id === served) ? true : undefined;
    });
    expect(before.commit).not.toBe(commit);
  });

  it('when the source breaks, then the DocSource says why and the last good build is still served', async () => {
    await rm(join(work, 'docs'), { recursive: true });
    await rm(join(work, 'mkdocs.yml'));
    await write('README.txt', 'no markdown here');
    await push('docs removed by mistake');
    const status = await eventually('the failed build to be reported', async () => {
      const s = await statusOf('orders-docs');
      return s.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False') ? s : undefined;
    }, 30_000);
    expect(status.phase).toBe('Ready');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')).toMatchObject({ reason: 'BuildFailed', message: expect.stringMatching(/markdown|Markdown|page/) });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ServingLastGoodBuild' });
    expect((await page(`/docs/${namespace}/orders-docs/guides/run`)).text).toMatch(/quasar launcher/);
  });

  it('when the repository cannot be reached, then the condition names the git error without the password', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: nowhere}\nspec:\n  entityRef: orders\n  source:\n    git: {url: "http://127.0.0.1:9/nothing.git", secretRef: {name: docs-git}}\n`);
    const status = await eventually('the fetch failure to be reported', async () => {
      const s = await statusOf('nowhere');
      return s.phase === 'Failed' ? s : undefined;
    }, 30_000);
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'FetchFailed', message: expect.stringMatching(/git ls-remote failed/) });
    expect(JSON.stringify(status)).not.toContain(credentials.password);
  });

  it('when the docs are in a ConfigMap, then they are built from it', async () => {
    await kubectl(['create', 'configmap', 'runbook-docs', '-n', namespace, '--from-literal=index.md=# Runbook\n\nPage the on-call owl.\n']);
    await kubectl(['apply', '-n', namespace, '-f', '-'], 'apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: runbook}\nspec:\n  entityRef: orders\n  source: {configMapRef: {name: runbook-docs}}\n');
    await eventually('the ConfigMap docs to be served', async () => (/on-call owl/.test((await page(`/docs/${namespace}/runbook`)).text) ? true : undefined), 30_000);
  });
});
