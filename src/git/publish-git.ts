import { GitError, withGit, type Git, type GitCredentials } from './git-cli.ts';

export { GitError as PublishError } from './git-cli.ts';

export interface PublishGitOptions {
  /** Directory with the rendered files; it becomes the repository's working tree. */
  dir: string;
  url: string;
  /** Default branch of the new repository (default main); the base of a review branch. */
  branch?: string;
  /** Push to this new branch instead, for review. */
  reviewBranch?: string;
  message?: string;
  author?: { name: string; email: string };
  credentials?: GitCredentials | undefined;
  /** Whether an http:// URL is allowed (https always is). */
  allowHttp?: boolean | undefined;
  /** Milliseconds before git gives up on an unreachable remote. */
  timeoutMs?: number;
}

/**
 * Commits the rendered tree and pushes it with the git CLI. Returns the SHA of the pushed commit.
 *
 * To the default branch, the commit is the first of a new repository. To a review branch
 * of a repository whose base branch exists, it is a child of the base's head: the base's
 * files with the rendered ones laid over them (files the render does not produce stay as
 * they are), so the branch opens as a pull request that shows exactly what the template
 * changes. A review branch of an empty repository starts it with a first commit.
 */
export async function publishGit(options: PublishGitOptions): Promise<string> {
  const branch = options.branch ?? 'main';
  const settings = {
    remote: options.url,
    credentials: options.credentials,
    allowHttp: options.allowHttp,
    ...(options.author ? { author: options.author } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  // The repository lives outside options.dir (see withGit): a .git left in the rendered tree is never read.
  return withGit(options.dir, settings, async (git) => {
    await git('init', '--quiet', `--initial-branch=${branch}`);
    if (options.reviewBranch && (await hasBranch(git, options.url, branch))) {
      await onTopOf(git, options.url, branch);
    } else {
      await git('add', '--all');
    }
    await git('commit', '--quiet', '--no-verify', '-m', options.message ?? 'Initial commit from a Greenroom template');
    const sha = await git('rev-parse', 'HEAD');
    await git('push', '--quiet', '--end-of-options', options.url, `HEAD:refs/heads/${options.reviewBranch ?? branch}`);
    return sha;
  });
}

async function hasBranch(git: Git, url: string, branch: string): Promise<boolean> {
  // --end-of-options: a URL starting with '-' is data, never a git option.
  return (await git('ls-remote', '--heads', '--end-of-options', url, `refs/heads/${branch}`)) !== '';
}

/** Stages the rendered tree over the head of `branch` (fetched one commit deep) as the next commit. */
async function onTopOf(git: Git, url: string, branch: string): Promise<void> {
  await git('fetch', '--quiet', '--depth=1', '--end-of-options', url, `refs/heads/${branch}`);
  // HEAD and the index become the base commit; the working tree keeps the rendered files.
  await git('reset', '--quiet', '--soft', 'FETCH_HEAD');
  await git('read-tree', 'HEAD');
  // New and changed files only: a base file the render does not produce is not a deletion.
  await git('add', '--ignore-removal', '.');
  try {
    await git('diff', '--cached', '--quiet');
  } catch {
    return; // differences: there is something to review
  }
  throw new GitError(`the rendered files are already on ${branch}: there is nothing to push for review`);
}
