import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { fetchGitSkeleton, GitError } from '../../src/git/fetch-git.ts';
import type { GitCredentials } from '../../src/git/git-cli.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { SkeletonError } from '../../src/file-tree/skeleton.ts';
import { pushFiles } from '../support/git-repos.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Skeletons kept in a git repository, fetched from a real git server over HTTP.
const newDir = tempDirs('git-skeleton-');
const reader = { username: 'reader', password: 'read-0nly-token' };
let credentials: GitCredentials;
let server: GitServer;
let remote: string;

const pushRepo = (url: string, files: Record<string, string>, tag?: string, link?: [string, string]): Promise<void> =>
  pushFiles(newDir(), url, reader, { files, tag, link, message: 'skeletons' });

beforeAll(async () => {
  server = await startGitServer({ credentials: reader });
  credentials = { ...reader, allowedHosts: [hostOf(server.url)] };
  remote = await server.createRepository('skeletons');
  await pushRepo(
    remote,
    { 'service/README.md': '# ${{ values.name }}\n', 'service/src/index.ts': 'export {};\n', 'other/x.txt': 'x' },
    'v1',
  );
});
afterAll(async () => server.stop());

describe('a skeleton from a git repository', () => {
  it("when the ref and path are given with credentials, then exactly that directory's files come back", async () => {
    const { files, commit } = await fetchGitSkeleton({ allowHttp: true, url: remote, ref: 'v1', path: 'service', credentials }, newDir());
    expect([...files.keys()].sort()).toEqual(['README.md', 'src/index.ts']);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("when the credentials are wrong, then git's error is reported without the password", async () => {
    const attempt = fetchGitSkeleton(
      { allowHttp: true, url: remote, credentials: { ...credentials, password: 'wrong-password' } },
      newDir(),
    );
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.not.toThrow(/wrong-password/);
  });

  it('when the path does not exist at the ref, then the error names it', async () => {
    await expect(fetchGitSkeleton({ allowHttp: true, url: remote, path: 'nothing-here', credentials }, newDir())).rejects.toThrow(
      /skeleton.git.path nothing-here does not exist at main/,
    );
  });

  it('when the path tries to leave the repository, then it is refused before fetching', async () => {
    await expect(fetchGitSkeleton({ allowHttp: true, url: remote, path: '../../etc', credentials }, newDir())).rejects.toThrow(
      SkeletonError,
    );
  });

  it('when the skeleton holds a symlink, then it is refused naming the file', async () => {
    const linked = await server.createRepository('linked');
    await pushRepo(linked, { 'a.txt': 'a' }, undefined, ['escape', '/etc/passwd']);
    await expect(fetchGitSkeleton({ allowHttp: true, url: linked, credentials }, newDir())).rejects.toThrow(/escape is a symlink/);
  });
});
