import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { fetchGitSkeleton, GitError } from '../../src/templates/fetch-git.ts';
import type { GitCredentials } from '../../src/templates/git-cli.ts';
import { hostOf } from '../../src/templates/git-remote.ts';
import { SkeletonError } from '../../src/templates/skeleton.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Skeletons kept in a git repository, fetched from a real git server over HTTP.
const run = promisify(execFile);
const newDir = tempDirs('git-skeleton-');
const reader = { username: 'reader', password: 'read-0nly-token' };
let credentials: GitCredentials;
let server: GitServer;
let remote: string;

async function pushRepo(url: string, files: Record<string, string>, tag?: string, link?: [string, string]): Promise<void> {
  const dir = newDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (link) await symlink(link[1], join(dir, link[0]));
  const git = (...args: string[]) => run('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'skeletons');
  if (tag) await git('tag', tag);
  await git('push', '--quiet', url.replace('http://', `http://${reader.username}:${reader.password}@`), 'main', ...(tag ? [tag] : []));
}

beforeAll(async () => {
  server = await startGitServer({ credentials: reader });
  credentials = { ...reader, allowedHosts: [hostOf(server.url)] };
  remote = await server.createRepository('skeletons');
  await pushRepo(remote, { 'service/README.md': '# ${{ values.name }}\n', 'service/src/index.ts': 'export {};\n', 'other/x.txt': 'x' }, 'v1');
});
afterAll(async () => server.stop());

describe('a skeleton from a git repository', () => {
  it('when the ref and path are given with credentials, then exactly that directory\'s files come back', async () => {
    const { files, commit } = await fetchGitSkeleton({ allowHttp: true, url: remote, ref: 'v1', path: 'service', credentials }, newDir());
    expect([...files.keys()].sort()).toEqual(['README.md', 'src/index.ts']);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('when the credentials are wrong, then git\'s error is reported without the password', async () => {
    const attempt = fetchGitSkeleton({ allowHttp: true, url: remote, credentials: { ...credentials, password: 'wrong-password' } }, newDir());
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.not.toThrow(/wrong-password/);
  });

  it('when the path does not exist at the ref, then the error names it', async () => {
    await expect(fetchGitSkeleton({ allowHttp: true, url: remote, path: 'nothing-here', credentials }, newDir())).rejects.toThrow(/skeleton.git.path nothing-here does not exist at main/);
  });

  it('when the path tries to leave the repository, then it is refused before fetching', async () => {
    await expect(fetchGitSkeleton({ allowHttp: true, url: remote, path: '../../etc', credentials }, newDir())).rejects.toThrow(SkeletonError);
  });

  it('when the skeleton holds a symlink, then it is refused naming the file', async () => {
    const linked = await server.createRepository('linked');
    await pushRepo(linked, { 'a.txt': 'a' }, undefined, ['escape', '/etc/passwd']);
    await expect(fetchGitSkeleton({ allowHttp: true, url: linked, credentials }, newDir())).rejects.toThrow(/escape is a symlink/);
  });
});
