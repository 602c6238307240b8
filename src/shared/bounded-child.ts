/**
 * One request to a Node child process under a heap cap and a deadline: the way the operator
 * runs work on tenant input that may be large, deep or built to be slow (docs builds, API
 * definitions). The child's death is the child's alone; this says how it ended, and each
 * caller words that for its own flags.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** The child's oom_score_adj (the most a process may ask): under pod memory pressure the kernel kills it before the operator. */
export const OOM_SCORE_ADJ = 1000;
/** Enough of the child's stderr to tell an out-of-memory death from others, and to quote its last line. */
const STDERR_KEPT = 4096;

/**
 * Called by a child first thing: it shares the operator's container and memory limit, and
 * should the container as a whole run out (the heap cap bounds V8's heap, not every byte),
 * the kernel must end the child rather than the operator. Any process may raise its own
 * oom_score_adj, unprivileged.
 */
export function offerToOomKiller(): void {
  try {
    writeFileSync('/proc/self/oom_score_adj', String(OOM_SCORE_ADJ));
  } catch {
    // Not Linux, or /proc is read-only: the heap cap still holds.
  }
}

export interface BoundedChildLimits {
  /** --max-old-space-size of the child. */
  memoryMb: number;
  /** The child is killed (SIGKILL) when still running after this long. */
  timeoutMs: number;
  /** More V8 flags, e.g. a small semi-space for a build that allocates in bursts. */
  execArgv?: readonly string[];
}

/** How the child ended: its reply, or why there is none. */
export type ChildOutcome<Reply> =
  | { ended: 'replied'; reply: Reply }
  | { ended: 'out-of-memory' }
  | { ended: 'timed-out' }
  /** Anything else: the signal or exit code, and the last line it wrote to stderr. */
  | { ended: 'failed'; message: string };

/**
 * Forks `entry`, sends it `request` over IPC (advanced serialization: typed arrays travel as
 * they are) and resolves with how it ended. Rejects only when the child cannot be started.
 */
export function runBoundedChild<Reply>(entry: string, request: unknown, limits: BoundedChildLimits): Promise<ChildOutcome<Reply>> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [], {
      execArgv: [`--max-old-space-size=${limits.memoryMb}`, ...(limits.execArgv ?? []), '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let reply: { value: Reply } | undefined;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limits.timeoutMs);
    child.once('message', (message) => {
      reply = { value: message as Reply };
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (reply) return resolve({ ended: 'replied', reply: reply.value });
      // V8 aborts when the heap is full, and says so on stderr.
      if (signal === 'SIGABRT' || /heap out of memory|Reached heap limit/i.test(stderr)) return resolve({ ended: 'out-of-memory' });
      if (signal === 'SIGKILL') return resolve({ ended: 'timed-out' });
      const last = stderr.trim().split('\n').pop();
      resolve({
        ended: 'failed',
        message: `${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${last ? `: ${last}` : ''}`,
      });
    });
    child.send(request as object);
  });
}
