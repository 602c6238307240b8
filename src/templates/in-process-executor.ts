import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import type { Execution } from './execution.ts';
import { ALLOW_HTTP_GIT_ENV, runEnv } from './scaffold-env.ts';
import type { RunSnapshot } from './snapshot.ts';

/** The CLI beside this module: src/cli/main.ts when run from source, dist/…/main.js when built. */
const CLI = fileURLToPath(new URL(`../cli/main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * What a scaffolder child inherits from the operator's environment: what git and Node need
 * to find programs, certificates and proxies — nothing else. A Template is code (nunjucks
 * can reach JavaScript), so the operator's own settings and tokens stay out of its reach.
 */
export const INHERITED_ENV = [
  'PATH',
  'LANG',
  'LC_ALL',
  'TZ',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** The child's environment: the inherited few, its run, its credentials; HOME is its workspace. */
export function childEnv(
  parent: NodeJS.ProcessEnv,
  snapshot: RunSnapshot,
  credentials: Record<string, string>,
  home: string,
  allowHttpGit = false,
): Record<string, string> {
  const inherited = Object.fromEntries(INHERITED_ENV.flatMap((name) => (parent[name] === undefined ? [] : [[name, parent[name]!]])));
  return {
    ...inherited,
    ...runEnv(snapshot.run),
    ...credentials,
    ...(allowHttpGit ? { [ALLOW_HTTP_GIT_ENV]: '1' } : {}),
    GREENROOM_EXIT_WITH_STDIN: '1',
    HOME: home,
  };
}

/** A kubeconfig with the operator's current context only, not every cluster it knows. */
export function currentContextOnly(config: KubeConfig): string {
  const context = config.getContextObject(config.getCurrentContext());
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  if (!context || !cluster || !user) throw new Error("the operator's kubeconfig names no current context, cluster and user");
  const narrow = new KubeConfig();
  narrow.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: context.name });
  return narrow.exportConfig();
}

interface Child {
  process: ChildProcess | undefined;
  execution: Execution;
  lastError: string;
}

export interface InProcessOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Called when a child ends, so its run is reconciled. */
  onExit: (uid: string) => void;
  maxConcurrent: number;
  /** Whether the scaffolders' git may use http:// remotes (--allow-http-git). */
  allowHttpGit?: boolean;
  /** Starts the child process (node:child_process spawn; replaced in tests). */
  spawn?: typeof spawnProcess;
}

/**
 * Runs scaffolders as child processes of the operator, for clusters that run no pods (the
 * demo's local control plane) and for development. Each child gets its own workspace with
 * the run's snapshot, a kubeconfig of the operator's current context, and a minimal
 * environment; it dies with the operator (it exits when its stdin closes), and a run it
 * leaves behind is reported lost on the next start. One child per run, ever: a second start
 * for a run that has one is refused.
 */
export class InProcessExecutor {
  private readonly options: InProcessOptions;
  private readonly children = new Map<string, Child>();

  constructor(options: InProcessOptions) {
    this.options = options;
  }

  /** What became of the run's child; undefined when this operator never started one. */
  execution(uid: string): Execution | undefined {
    return this.children.get(uid)?.execution;
  }

  /** Whether this operator started a child for the run (running or not yet forgotten). */
  has(uid: string): boolean {
    return this.children.has(uid);
  }

  hasRoom(): boolean {
    return [...this.children.values()].filter((c) => c.execution.state === 'running').length < this.options.maxConcurrent;
  }

  /** Starts the run's child; false (and nothing started) when the run already has one. */
  async start(snapshot: RunSnapshot, credentials: Record<string, string>, redact: (text: string) => string): Promise<boolean> {
    const { uid } = snapshot.run;
    if (this.children.has(uid)) return false;
    // Taken before the first await, so that two starts racing for one run cannot both pass.
    const entry: Child = { process: undefined, execution: { state: 'running' }, lastError: '' };
    this.children.set(uid, entry);
    let workspace: string;
    try {
      workspace = await mkdtemp(join(tmpdir(), 'greenroom-run-'));
      await writeFile(join(workspace, 'kubeconfig'), currentContextOnly(this.options.kubeConfig), { mode: 0o600 });
      await writeFile(join(workspace, 'snapshot.json'), JSON.stringify(snapshot), { mode: 0o600 });
    } catch (error) {
      this.children.delete(uid);
      throw error;
    }
    const log = this.options.logger.child({ run: `${snapshot.run.namespace}/${snapshot.run.name}` });
    const args = [
      CLI,
      'scaffold',
      '--workspace',
      join(workspace, 'work'),
      '--snapshot',
      join(workspace, 'snapshot.json'),
      '--from',
      '0',
      '--kubeconfig',
      join(workspace, 'kubeconfig'),
    ];
    const child = (this.options.spawn ?? spawnProcess)(process.execPath, args, {
      env: childEnv(process.env, snapshot, credentials, workspace, this.options.allowHttpGit ?? false),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that cancelling stops the git it runs as well.
      detached: true,
    });
    entry.process = child;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => log.info({ scaffold: redact(chunk.trimEnd()) }, 'scaffolder'));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      entry.lastError = redact(chunk.trim().split('\n').pop() ?? '');
      log.warn({ scaffold: redact(chunk.trimEnd()) }, 'scaffolder');
    });
    child.on('error', (error) => {
      entry.lastError = error.message;
    });
    child.on('close', (code, signal) => {
      const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      entry.execution =
        code === 0
          ? { state: 'succeeded', at }
          : {
              state: 'failed',
              at,
              message: `the scaffolder ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${entry.lastError ? `: ${entry.lastError}` : ''}`,
            };
      void rm(workspace, { recursive: true, force: true });
      this.options.onExit(uid);
    });
    return true;
  }

  /** Stops the child of a deleted run; says whether one was running. */
  cancel(uid: string): boolean {
    const entry = this.children.get(uid);
    const running = entry?.execution.state === 'running';
    if (running && entry?.process?.pid) {
      try {
        process.kill(-entry.process.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    this.children.delete(uid);
    return running;
  }

  /** Forgets a finished child once its run's final status is written. */
  forget(uid: string): void {
    if (this.children.get(uid)?.execution.state !== 'running') this.children.delete(uid);
  }

  stopAll(): void {
    for (const [uid] of this.children) this.cancel(uid);
  }
}
