import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const run = promisify(execFile);
const newDir = tempDirs('git-server-test-');
const servers: GitServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.stop())));

const git = (cwd: string, ...args: string[]) =>
  run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd });

describe('the harness git server (git http-backend over HTTP)', () => {
  it('when a commit is pushed over HTTP, then a fresh clone has it', async () => {
    const server = await startGitServer();
    servers.push(server);
    const remote = await server.createRepository('hello');
    const work = newDir();
    await git(work, 'init', '--quiet');
    await writeFile(join(work, 'README.md'), '# hello\n');
    await git(work, 'add', '.');
    await git(work, 'commit', '--quiet', '-m', 'first');
    await git(work, 'push', '--quiet', remote, 'HEAD:main');
    const clone = join(newDir(), 'clone');
    await git(process.cwd(), 'clone', '--quiet', remote, clone);
    expect(await readFile(join(clone, 'README.md'), 'utf8')).toBe('# hello\n');
  });

  it('when credentials are required, then a push without them fails with git’s error, and with them succeeds', async () => {
    const server = await startGitServer({ credentials: { username: 'bot', password: 's3cret' } });
    servers.push(server);
    const remote = await server.createRepository('private');
    const work = newDir();
    await git(work, 'init', '--quiet');
    await writeFile(join(work, 'a.txt'), 'a');
    await git(work, 'add', '.');
    await git(work, 'commit', '--quiet', '-m', 'a');
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    await expect(run('git', ['push', remote, 'HEAD:main'], { cwd: work, env })).rejects.toThrow(
      /Authentication failed|could not read Username|401/,
    );
    const withAuth = remote.replace('http://', 'http://bot:s3cret@');
    await run('git', ['push', '--quiet', withAuth, 'HEAD:main'], { cwd: work, env });
    const { stdout } = await run('git', ['ls-remote', withAuth], { env });
    expect(stdout).toMatch(/refs\/heads\/main/);
  });
});
