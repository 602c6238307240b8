import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { PublishError, publishGit } from '../../src/templates/publish-git.ts';
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
    const sha = await publishGit({ dir: await rendered(), url: remote, credentials: { username: 'bot', password: 'pa55word' }, message: 'Create orders' });
    const clone = join(newDir(), 'clone');
    await run('git', ['clone', '--quiet', remote.replace('http://', 'http://bot:pa55word@'), clone]);
    expect(await readFile(join(clone, 'src', 'index.ts'), 'utf8')).toBe('export {};\n');
    expect((await run('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout.trim()).toBe(sha);
  });

  it('when a review branch is asked for, then the push goes there', async () => {
    const server = await startGitServer();
    servers.push(server);
    const remote = await server.createRepository('review');
    await publishGit({ dir: await rendered(), url: remote, reviewBranch: 'greenroom/new-service' });
    expect((await run('git', ['ls-remote', remote])).stdout).toMatch(/refs\/heads\/greenroom\/new-service/);
  });

  it('when the password is wrong, then the run fails with git’s error and the password is not in it', async () => {
    const server = await startGitServer({ credentials: { username: 'bot', password: 'right' } });
    servers.push(server);
    const remote = await server.createRepository('locked');
    const attempt = publishGit({ dir: await rendered(), url: remote, credentials: { username: 'bot', password: 'wrong-secret' } });
    await expect(attempt).rejects.toThrow(PublishError);
    await expect(attempt).rejects.toThrow(/git push failed: .*(401|Authentication failed|could not read)/s);
    await attempt.catch((error: Error) => expect(error.message).not.toMatch(/wrong-secret|Ym90Ondyb25nLXNlY3JldA/));
  });

  it('when the remote is unreachable, then the run fails with git’s error', async () => {
    await expect(publishGit({ dir: await rendered(), url: 'http://127.0.0.1:9/nowhere.git', timeoutMs: 20_000 })).rejects.toThrow(/git push failed: .*(Failed to connect|Connection refused|unable to access)/s);
  });
});
