import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import type { BuildOptions } from './build.ts';
import { LIMIT_FLAGS, LimitExceededError, type DocsLimits } from './limits.ts';

/** What the child builds: the fetched files, where the site is served, and its limits. */
export interface BuildRequest {
  files: [string, string | Uint8Array][];
  options: Omit<BuildOptions, 'limits'>;
  limits: DocsLimits;
  maxChunkBytes?: number | undefined;
}

/** The child's answer: the stored form of the site and what its status says, or why there is none. */
export type BuildReply =
  | { ok: true; chunks: Uint8Array[]; siteName: string; pageCount: number; warnings: string[] }
  | { ok: false; message: string; limit?: keyof DocsLimits };

/** A built site as the operator stores it. */
export interface BuiltChunks {
  chunks: Buffer[];
  siteName: string;
  pageCount: number;
  warnings: string[];
}

export interface BuildProcessOptions {
  limits: DocsLimits;
  /** A build still running after this long is killed (a pathological page must not hold a worker forever). */
  timeoutMs?: number;
  maxChunkBytes?: number;
}

/** The child's entry beside this file: .ts when sources run directly, .js in the image's compiled dist/. */
const CHILD = fileURLToPath(new URL(`./build-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
/** The build process's oom_score_adj (the most a process may ask): first to go if the pod runs out of memory. */
export const OOM_SCORE_ADJ = 1000;
/** Enough of the child's stderr to tell an out-of-memory death from others. */
const STDERR_KEPT = 4096;

/** Whether a dead child ran out of heap: V8 aborts, and says so on stderr. */
const outOfMemory = (signal: NodeJS.Signals | null, stderr: string): boolean =>
  signal === 'SIGABRT' || /heap out of memory|Reached heap limit/i.test(stderr);

/**
 * Builds and encodes a site in a child process whose heap is capped at limits.buildMemoryMb.
 * Docs that need more kill only the child, and the build fails with LimitExceededError naming
 * the flag; the operator's own heap never holds a rendering. Rejects with LimitExceededError
 * for every limit passed, and with an Error for anything else.
 */
export function buildInChildProcess(
  files: SkeletonFiles,
  options: BuildRequest['options'],
  settings: BuildProcessOptions,
): Promise<BuiltChunks> {
  const { limits } = settings;
  const timeoutMs = settings.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${limits.buildMemoryMb}`, '--max-semi-space-size=4', '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let reply: BuildReply | undefined;
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('message', (message) => {
      reply = message as BuildReply;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok)
        return resolve({
          chunks: reply.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
          siteName: reply.siteName,
          pageCount: reply.pageCount,
          warnings: reply.warnings,
        });
      if (reply) return reject(reply.limit ? new LimitExceededError(reply.limit, reply.message) : new Error(reply.message));
      if (outOfMemory(signal, stderr))
        return reject(
          new LimitExceededError(
            'buildMemoryMb',
            `the build ran out of its ${limits.buildMemoryMb} MiB of memory (${LIMIT_FLAGS.buildMemoryMb}); its process was stopped, the operator was not`,
          ),
        );
      if (signal === 'SIGKILL') return reject(new Error(`the build took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
      reject(
        new Error(
          `the build process ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
        ),
      );
    });
    child.send({ files: [...files], options, limits, maxChunkBytes: settings.maxChunkBytes } satisfies BuildRequest);
  });
}
