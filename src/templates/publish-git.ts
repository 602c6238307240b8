import { gitIn, type GitCredentials } from './git-cli.ts';

export { GitError as PublishError } from './git-cli.ts';

export interface PublishGitOptions {
  /** Directory with the rendered files; it becomes the repository's working tree. */
  dir: string;
  url: string;
  /** Default branch of the new repository (default main). */
  branch?: string;
  /** Push to this new branch instead, for review. */
  reviewBranch?: string;
  message?: string;
  author?: { name: string; email: string };
  credentials?: GitCredentials | undefined;
  /** Milliseconds before git gives up on an unreachable remote. */
  timeoutMs?: number;
}

/** Commits the rendered tree and pushes it with the git CLI. Returns the SHA of the pushed commit. */
export async function publishGit(options: PublishGitOptions): Promise<string> {
  const branch = options.branch ?? 'main';
  const git = gitIn(options.dir, { credentials: options.credentials, ...(options.author ? { author: options.author } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  await git('init', '--quiet', `--initial-branch=${branch}`);
  await git('add', '--all');
  await git('commit', '--quiet', '--no-verify', '-m', options.message ?? 'Initial commit from a Greenroom template');
  const sha = await git('rev-parse', 'HEAD');
  await git('push', '--quiet', '--end-of-options', options.url, `HEAD:refs/heads/${options.reviewBranch ?? branch}`);
  return sha;
}
