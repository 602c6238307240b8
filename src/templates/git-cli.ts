import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface GitCredentials {
  username: string;
  password: string;
}

/** A git command that failed, with git's own words (credentials redacted). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * Userinfo written into a URL (https://user:token@host) is a secret too: hidden wherever a
 * URL appears in the text — a bare URL, a log line, git's own words. Userinfo cannot hold
 * "/", "@" or whitespace unencoded, so the match ends where the host begins.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/**
 * Hides secrets wherever they stand in a text (each becomes ***), and any userinfo written
 * into a URL. Empty strings are skipped: splitting on one would star every character.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  return (text) => redactUrl(secrets.reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text));
}

export interface Git {
  (...args: string[]): Promise<string>;
  /** Removes every secret this git knows from a text. */
  redact: (text: string) => string;
}

/**
 * The git CLI in a directory. Credentials go to git as an Authorization header through
 * GIT_CONFIG_* environment variables — never in the URL, the command line (visible in ps)
 * or an error message. Prompts are off, so a remote asking for a password fails instead of
 * hanging.
 */
export function gitIn(dir: string, options: { credentials?: GitCredentials | undefined; author?: { name: string; email: string }; timeoutMs?: number } = {}): Git {
  const author = options.author ?? { name: 'Greenroom', email: 'greenroom@localhost' };
  const secrets: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  if (options.credentials) {
    const token = Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
    secrets.push(token, options.credentials.password);
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${token}` });
  }
  const redact = redactor(secrets);
  const git = async (...args: string[]): Promise<string> => {
    try {
      return (await execFileAsync('git', args, { cwd: dir, env, timeout: options.timeoutMs ?? 60_000 })).stdout.trim();
    } catch (error) {
      const failure = error as { stderr?: string; killed?: boolean };
      const why = failure.killed ? `timed out after ${(options.timeoutMs ?? 60_000) / 1000} s` : (failure.stderr ?? String(error)).trim();
      throw new GitError(`git ${args[0]} failed: ${redact(why)}`);
    }
  };
  return Object.assign(git, { redact });
}
