import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GitCredentials } from '../../src/git/git-cli.ts';

const run = promisify(execFile);

export interface PushedContent {
  /** Path → text of each file. */
  files: Record<string, string>;
  /** A tag to push beside main. */
  tag?: string | undefined;
  /** A symlink [path, target] committed too. */
  link?: [string, string] | undefined;
  message?: string;
  /** Replace what the branch holds (a new history each time: the files given are the whole tree). */
  force?: boolean;
}

/**
 * Commits files (and a symlink) in `dir` and pushes them to `url`'s main with the plain git
 * CLI, as a person sets up a repository for a test: Greenroom's own git code is what the
 * tests check, so it is not used to make their fixtures.
 */
export async function pushFiles(dir: string, url: string, credentials: GitCredentials, content: PushedContent): Promise<void> {
  for (const [path, text] of Object.entries(content.files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (content.link) await symlink(content.link[1], join(dir, content.link[0]));
  const git = (...args: string[]) =>
    run('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', content.message ?? 'content');
  if (content.tag) await git('tag', content.tag);
  await git(
    'push',
    '--quiet',
    ...(content.force ? ['--force'] : []),
    url.replace('http://', `http://${credentials.username}:${credentials.password}@`),
    'main',
    ...(content.tag ? [content.tag] : []),
  );
}
