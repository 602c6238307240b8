import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { PublishError, publishGit } from '../../src/git/publish-git.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const run = promisify(execFile);
const newDir = tempDirs('publish-test-');
const servers: GitServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.stop())));

async function rendered(): Promise<string> {
  const dir = newDir();
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'index.ts'), 'export {};\n');
  await writeFile(join(dir, 'catalog-info.yaml'), 'kind: Component\n');
  return dir;
}

describe('publish:git against a real git server', () => {
  it('when credentials are right, then the tree is pushed and a clone has the files and the commit', async () => {
    const server = await startGitServer({ credentials: { username: 'bot', password: 'pa55word' } });
    servers.push(server);
    const remote = await server.createRepository('orders');
    const sha = await publishGit({
      allowHttp: true,
      dir: await rendered(),
      url: remote,
      credentials: { username: 'bot', password: 'pa55word', allowedHosts: [hostOf(remote)] },
      message: 'Create orders',
    });
    const clone = join(newDir(), 'clone');
    await run('git', ['clone', '--quiet', remote.replace('http://', 'http://bot:pa55word@'), clone]);
    expect(await readFile(join(clone, 'src', 'index.ts'), 'utf8')).toBe('export {};\n');
    expect((await run('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout.trim()).toBe(sha);
  });

  it('when a review branch is asked for on an empty repository, then the push goes there as a first commit', async () => {
    const server = await startGitServer();
    servers.push(server);
    const remote = await server.createRepository('review');
    const sha = await publishGit({ allowHttp: true, dir: await rendered(), url: remote, reviewBranch: 'greenroom/new-service' });
    expect((await run('git', ['ls-remote', remote])).stdout).toMatch(new RegExp(`^${sha}\\s+refs/heads/greenroom/new-service$`, 'm'));
    const clone = join(newDir(), 'clone');
    await run('git', ['clone', '--quiet', '--branch', 'greenroom/new-service', remote, clone]);
    expect((await run('git', ['rev-list', '--count', 'HEAD'], { cwd: clone })).stdout.trim()).toBe('1');
  });

  it("when a review branch is pushed to a repository whose main exists, then it branches from main's head and changes only the rendered files", async () => {
    const server = await startGitServer();
    servers.push(server);
    const remote = await server.createRepository('existing');
    const base = newDir();
    await writeFile(join(base, 'LICENSE'), 'MIT\n');
    await writeFile(join(base, 'catalog-info.yaml'), 'kind: Component # old\n');
    const baseHead = await publishGit({ allowHttp: true, dir: base, url: remote, message: 'The existing repository' });

    const review = await publishGit({
      allowHttp: true,
      dir: await rendered(),
      url: remote,
      reviewBranch: 'greenroom/add-catalog',
      message: 'Add the catalog entry',
    });
    const clone = join(newDir(), 'clone');
    await run('git', ['clone', '--quiet', remote, clone]);
    const git = async (...args: string[]) => (await run('git', args, { cwd: clone })).stdout.trim();
    expect(await git('rev-parse', 'origin/greenroom/add-catalog')).toBe(review);
    expect(await git('merge-base', 'origin/main', 'origin/greenroom/add-catalog')).toBe(baseHead);
    expect(await git('rev-parse', 'origin/greenroom/add-catalog^')).toBe(baseHead);
    expect((await git('diff', '--name-status', 'origin/main', 'origin/greenroom/add-catalog')).split('\n')).toEqual([
      'M\tcatalog-info.yaml',
      'A\tsrc/index.ts',
    ]);
    // The base's other files are still there on the review branch: nothing was deleted.
    expect(await git('show', 'origin/greenroom/add-catalog:LICENSE')).toBe('MIT');
  });

  it('when the rendered files are already on main, then the review push fails saying there is nothing to review', async () => {
    const server = await startGitServer();
    servers.push(server);
    const remote = await server.createRepository('unchanged');
    await publishGit({ allowHttp: true, dir: await rendered(), url: remote });
    await expect(publishGit({ allowHttp: true, dir: await rendered(), url: remote, reviewBranch: 'greenroom/again' })).rejects.toThrow(
      /already on main: there is nothing to push for review/,
    );
  });

  it('when the password is wrong, then the run fails with git’s error and the password is not in it', async () => {
    const server = await startGitServer({ credentials: { username: 'bot', password: 'right' } });
    servers.push(server);
    const remote = await server.createRepository('locked');
    const attempt = publishGit({
      allowHttp: true,
      dir: await rendered(),
      url: remote,
      credentials: { username: 'bot', password: 'wrong-secret', allowedHosts: [hostOf(remote)] },
    });
    await expect(attempt).rejects.toThrow(PublishError);
    await expect(attempt).rejects.toThrow(/git push failed: .*(401|Authentication failed|could not read)/s);
    await attempt.catch((error: Error) => expect(error.message).not.toMatch(/wrong-secret|Ym90Ondyb25nLXNlY3JldA/));
  });

  it('when the remote is unreachable, then the run fails with git’s error', async () => {
    await expect(
      publishGit({ allowHttp: true, dir: await rendered(), url: 'http://127.0.0.1:9/nowhere.git', timeoutMs: 20_000 }),
    ).rejects.toThrow(/git push failed: .*(Failed to connect|Connection refused|unable to access)/s);
  });
});
