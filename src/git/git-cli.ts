import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RE2JS } from 're2js';
import { authScope, credentialHostProblem, remoteProblem } from './git-remote.ts';

const execFileAsync = promisify(execFile);

export interface GitCredentials {
  username: string;
  password: string;
  /** Hosts (host[:port]) they may be sent to: their Secret's greenroom.dev/allowed-hosts. None when undefined. */
  allowedHosts?: readonly string[] | undefined;
  /** Where they come from, for messages, e.g. "Secret team-a/greenroom-git". */
  source?: string | undefined;
}

/** A git command that failed, with git's own words (credentials redacted). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** A remote git may not use, or credentials that may not go to it: refused before any network call. */
export class GitRemoteError extends GitError {
  constructor(message: string) {
    super(message);
    this.name = 'GitRemoteError';
  }
}

/**
 * `scheme://userinfo@`, matched with RE2 (re2js): the texts hold tenants' values (a run's
 * repoUrl, git's words about it), and JavaScript's backtracking engine takes time quadratic
 * in a long run like `a.a.a.…` with no `://` (80 KB of it took 7.6 s, on every run page view).
 */
const URL_USERINFO = RE2JS.compile('(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]*@');

/**
 * Userinfo written into a URL (https://user:token@host) is a secret too: hidden wherever a
 * URL appears in the text — a bare URL, a log line, git's own words. Userinfo cannot hold
 * "/", "@" or whitespace unencoded, so the match ends where the host begins.
 */
export function redactUrl(text: string): string {
  return URL_USERINFO.matcher(text).replaceAll('$1***@');
}

/**
 * Hides secrets wherever they stand in a text (each becomes ***), and any userinfo written
 * into a URL. Empty strings are skipped: splitting on one would star every character.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  return (text) => redactUrl(secrets.reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text));
}

/**
 * What one git command may print: `ls-tree -r` of a 10,000-file catalog repository is about
 * 1 MB, Node's default. Beyond this the command fails rather than filling the operator's memory.
 */
const GIT_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface Git {
  (...args: string[]): Promise<string>;
  /** Removes every secret this git knows from a text. */
  redact: (text: string) => string;
}

export interface GitOptions {
  /** The one remote this git talks to: checked, and the only URL credentials are sent to. */
  remote: string;
  credentials?: GitCredentials | undefined;
  /** Whether http:// remotes are allowed (the operator's --allow-http-git); https always is. */
  allowHttp?: boolean | undefined;
  author?: { name: string; email: string };
  timeoutMs?: number | undefined;
  /** Cancels the command running when it aborts (git is killed). */
  signal?: AbortSignal | undefined;
}

/**
 * git's settings that must not come from anywhere a template's container (or anyone else who
 * can write HOME, /tmp or the work tree) could have planted them: no global or system config
 * (a planted ~/.gitconfig with url.<x>.insteadOf would send the push, credentials and all,
 * elsewhere), no hooks, no fsmonitor command, no credential helper, no redirects (a redirect
 * to another host would take the header along).
 */
const HARDENED_CONFIG: [string, string][] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['credential.helper', ''],
  ['http.followRedirects', 'false'],
  ['protocol.file.allow', 'never'],
];

/** The environment git runs in: the caller's minus every GIT_* variable, plus ours. */
function gitEnv(base: NodeJS.ProcessEnv, settings: Record<string, string>, config: [string, string][]): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(base).filter(([name]) => !name.startsWith('GIT_')));
  Object.assign(env, settings, { GIT_CONFIG_COUNT: String(config.length) });
  config.forEach(([key, value], i) => Object.assign(env, { [`GIT_CONFIG_KEY_${i}`]: key, [`GIT_CONFIG_VALUE_${i}`]: value }));
  return env;
}

/**
 * Runs `use` with the git CLI over a work tree, against one remote. The remote is checked
 * first (https, or http by opt-in; credentials only to a host their Secret allows), so a
 * refused one fails before any network call. The repository (GIT_DIR) and HOME live in a
 * private temporary directory that is removed afterwards: nothing in the work tree (a planted
 * .git/config) or in a shared HOME is read. Credentials go as an Authorization header through
 * GIT_CONFIG_* variables scoped to the remote's URL — never in the URL, the command line
 * (visible in ps) or an error message. Prompts are off, so a remote asking for a password
 * fails instead of hanging.
 */
export async function withGit<T>(workTree: string | undefined, options: GitOptions, use: (git: Git) => Promise<T>): Promise<T> {
  const refused =
    remoteProblem(options.remote, { allowHttp: options.allowHttp ?? false }) ??
    (options.credentials
      ? credentialHostProblem(options.remote, options.credentials.allowedHosts, options.credentials.source ?? 'the Secret')
      : undefined);
  if (refused) throw new GitRemoteError(redactUrl(refused));
  const author = options.author ?? { name: 'Greenroom', email: 'greenroom@localhost' };
  const secrets: string[] = [];
  const config = [...HARDENED_CONFIG];
  if (options.credentials) {
    const token = Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
    secrets.push(token, options.credentials.password);
    config.push([`http.${authScope(options.remote)}.extraHeader`, `Authorization: Basic ${token}`]);
  }
  const redact = redactor(secrets);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const own = await mkdtemp(join(tmpdir(), 'greenroom-gitdir-'));
  try {
    await mkdir(join(own, 'home'));
    const env = gitEnv(
      process.env,
      {
        GIT_DIR: join(own, 'repository.git'),
        GIT_WORK_TREE: workTree ?? join(own, 'home'),
        HOME: join(own, 'home'),
        XDG_CONFIG_HOME: join(own, 'home'),
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_ALLOW_PROTOCOL: options.allowHttp ? 'https:http' : 'https',
        GIT_TERMINAL_PROMPT: '0',
        // A partial clone's missing blob is never fetched behind the caller's back (bounded-checkout.ts leaves large ones out on purpose).
        GIT_NO_LAZY_FETCH: '1',
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      },
      config,
    );
    const git = async (...args: string[]): Promise<string> => {
      try {
        const run = { cwd: workTree ?? own, env, timeout: timeoutMs, signal: options.signal, maxBuffer: GIT_OUTPUT_BYTES };
        return (await execFileAsync('git', args, run)).stdout.trim();
      } catch (error) {
        if (options.signal?.aborted) throw new GitError(`git ${args[0]} was cancelled`);
        const failure = error as { stderr?: string; killed?: boolean };
        const why = failure.killed ? `timed out after ${timeoutMs / 1000} s` : (failure.stderr ?? String(error)).trim();
        throw new GitError(`git ${args[0]} failed: ${redact(why)}`);
      }
    };
    return await use(Object.assign(git, { redact }));
  } finally {
    await rm(own, { recursive: true, force: true });
  }
}
