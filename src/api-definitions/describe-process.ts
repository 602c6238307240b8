import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBoundedChild } from '../shared/bounded-child.ts';
import { DEFINITION_LIMIT_FLAGS, type DefinitionLimits } from './limits.ts';
import type { DefinitionFormat, DescribeResult } from './model.ts';

export interface DescribeRequest {
  format: DefinitionFormat;
  text: string;
}

export type DescribeReply = { ok: true; result: DescribeResult } | { ok: false; message: string };

/** Why a definition could not be described at all (its parser's own findings are in DescribeResult). */
export class DescribeFailed extends Error {
  /** The limit that stopped it, when one did: the condition names its flag. */
  readonly limit: keyof DefinitionLimits | undefined;
  constructor(message: string, limit?: keyof DefinitionLimits) {
    super(message);
    this.name = 'DescribeFailed';
    this.limit = limit;
  }
}

/** The child's entry beside this file: .ts when sources run directly, .js in the image's compiled dist/. */
const CHILD = fileURLToPath(new URL(`./describe-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * Describes a definition in a child process with a heap of limits.memoryMb, stopped after
 * limits.timeoutSeconds: a tenant's definition may be big, deep or built to be slow to parse,
 * and none of that may hold the operator's event loop or heap. Rejects with DescribeFailed.
 */
export async function describeInChildProcess(format: DefinitionFormat, text: string, limits: DefinitionLimits): Promise<DescribeResult> {
  const outcome = await runBoundedChild<DescribeReply>(CHILD, { format, text } satisfies DescribeRequest, {
    memoryMb: limits.memoryMb,
    timeoutMs: limits.timeoutSeconds * 1000,
  }).catch((error: Error) => {
    throw new DescribeFailed(`the definition could not be read: ${error.message}`);
  });
  switch (outcome.ended) {
    case 'replied':
      if (outcome.reply.ok) return outcome.reply.result;
      throw new DescribeFailed(`the definition's parser failed: ${outcome.reply.message}`);
    case 'out-of-memory':
      throw new DescribeFailed(
        `reading the definition ran out of its ${limits.memoryMb} MiB of memory (${DEFINITION_LIMIT_FLAGS.memoryMb}); its process was stopped, the operator was not`,
        'memoryMb',
      );
    case 'timed-out':
      throw new DescribeFailed(
        `reading the definition took longer than ${limits.timeoutSeconds} s (${DEFINITION_LIMIT_FLAGS.timeoutSeconds}) and was stopped`,
        'timeoutSeconds',
      );
    case 'failed':
      throw new DescribeFailed(`the process reading the definition ${outcome.message}`);
  }
}
