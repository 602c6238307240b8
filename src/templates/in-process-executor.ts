import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Execution } from '../controllers/template-run/decide.ts';
import type { Logger } from '../observability/logger.ts';
import { runEnv, type RunIdentity } from './scaffold-env.ts';

/** The CLI beside this module: src/cli/main.ts when run from source, dist/…/main.js when built. */
const CLI = fileURLToPath(new URL(`../cli/main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

interface Child {
  process: ChildProcess;
  execution: Execution;
  lastError: string;
}

export interface InProcessOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Called when a child ends, so its run is reconciled. */
  onExit: (uid: string) => void;
  maxConcurrent: number;
}

/**
 * Runs scaffolders as child processes of the operator, for clusters that run no pods (the
 * demo's local control plane) and for development. Each child gets its own workspace and
 * a copy of the operator's credentials; it dies with the operator (it exits when its stdin
 * closes), and a run it leaves behind is reported lost on the next start.
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

  hasRoom(): boolean {
    return [...this.children.values()].filter((c) => c.execution.state === 'running').length < this.options.maxConcurrent;
  }

  async start(run: RunIdentity, credentials: Record<string, string>, redact: (text: string) => string): Promise<void> {
    const workspace = await mkdtemp(join(tmpdir(), 'greenroom-run-'));
    const kubeconfig = join(workspace, 'kubeconfig');
    await writeFile(kubeconfig, this.options.kubeConfig.exportConfig(), { mode: 0o600 });
    await chmod(kubeconfig, 0o600);
    const log = this.options.logger.child({ run: `${run.namespace}/${run.name}` });
    const child = spawn(process.execPath, [CLI, 'scaffold', '--workspace', join(workspace, 'work'), '--from', '0', '--kubeconfig', kubeconfig], {
      env: { ...process.env, ...runEnv(run), ...credentials, GREENROOM_EXIT_WITH_STDIN: '1', HOME: workspace },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that cancelling stops the git it runs as well.
      detached: true,
    });
    const entry: Child = { process: child, execution: { state: 'running' }, lastError: '' };
    this.children.set(run.uid, entry);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => log.info({ scaffold: redact(chunk.trimEnd()) }, 'scaffolder'));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      entry.lastError = redact(chunk.trim().split('\n').pop() ?? '');
      log.warn({ scaffold: redact(chunk.trimEnd()) }, 'scaffolder');
    });
    child.on('error', (error) => {
      entry.lastError = error.message;
    });
    child.on('close', (code, signal) => {
      const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      entry.execution = code === 0
        ? { state: 'succeeded', at }
        : { state: 'failed', at, message: `the scaffolder ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${entry.lastError ? `: ${entry.lastError}` : ''}` };
      void rm(workspace, { recursive: true, force: true });
      this.options.onExit(run.uid);
    });
  }

  /** Stops the child of a deleted run; says whether one was running. */
  cancel(uid: string): boolean {
    const entry = this.children.get(uid);
    const running = entry?.execution.state === 'running';
    if (entry?.execution.state === 'running' && entry.process.pid) {
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
