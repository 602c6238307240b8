import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  credentials?: { username: string; password: string };
  /** Seconds before git gives up on an unreachable remote. */
  timeoutMs?: number;
}

/** A push that failed, with git's own words (credentials redacted). */
export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/**
 * Commits the rendered tree and pushes it with the git CLI. Credentials go to git as an
 * Authorization header through GIT_CONFIG_* environment variables — never in the URL, the
 * command line (visible in ps) or an error message.
 * Returns the SHA of the pushed commit.
 */
export async function publishGit(options: PublishGitOptions): Promise<string> {
  const branch = options.branch ?? 'main';
  const target = options.reviewBranch ?? branch;
  const author = options.author ?? { name: 'Greenroom', email: 'greenroom@localhost' };
  const secrets: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
  if (options.credentials) {
    const token = Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
    secrets.push(token, options.credentials.password);
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${token}` });
  }
  const redact = (text: string): string => secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);
  const git = async (...args: string[]): Promise<string> => {
    try {
      return (await run('git', args, { cwd: options.dir, env, timeout: options.timeoutMs ?? 60_000 })).stdout.trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new PublishError(`git ${args[0]} failed: ${redact(stderr.trim())}`);
    }
  };
  await git('init', '--quiet', `--initial-branch=${branch}`);
  await git('add', '--all');
  await git('commit', '--quiet', '--no-verify', '-m', options.message ?? 'Initial commit from a Greenroom template');
  const sha = await git('rev-parse', 'HEAD');
  await git('push', '--quiet', options.url, `HEAD:refs/heads/${target}`);
  return sha;
}
