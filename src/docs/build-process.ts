import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBoundedChild } from '../shared/bounded-child.ts';
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

/**
 * Builds and encodes a site in a child process whose heap is capped at limits.buildMemoryMb.
 * Docs that need more kill only the child, and the build fails with LimitExceededError naming
 * the flag; the operator's own heap never holds a rendering. Rejects with LimitExceededError
 * for every limit passed, and with an Error for anything else.
 */
export async function buildInChildProcess(
  files: SkeletonFiles,
  options: BuildRequest['options'],
  settings: BuildProcessOptions,
): Promise<BuiltChunks> {
  const { limits } = settings;
  const timeoutMs = settings.timeoutMs ?? 300_000;
  const request: BuildRequest = { files: [...files], options, limits, maxChunkBytes: settings.maxChunkBytes };
  // A small semi-space: a build allocates in bursts, and the young generation counts against the pod's memory too.
  const outcome = await runBoundedChild<BuildReply>(CHILD, request, {
    memoryMb: limits.buildMemoryMb,
    timeoutMs,
    execArgv: ['--max-semi-space-size=4'],
  });
  switch (outcome.ended) {
    case 'replied': {
      const { reply } = outcome;
      if (reply.ok)
        return {
          chunks: reply.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
          siteName: reply.siteName,
          pageCount: reply.pageCount,
          warnings: reply.warnings,
        };
      throw reply.limit ? new LimitExceededError(reply.limit, reply.message) : new Error(reply.message);
    }
    case 'out-of-memory':
      throw new LimitExceededError(
        'buildMemoryMb',
        `the build ran out of its ${limits.buildMemoryMb} MiB of memory (${LIMIT_FLAGS.buildMemoryMb}); its process was stopped, the operator was not`,
      );
    case 'timed-out':
      throw new Error(`the build took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`);
    case 'failed':
      throw new Error(`the build process ${outcome.message}`);
  }
}
