import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const STDERR_KEPT = 4096;

/**
 * Describes a definition in a child process with a heap of limits.memoryMb, stopped after
 * limits.timeoutSeconds: a tenant's definition may be big, deep or built to be slow to parse,
 * and none of that may hold the operator's event loop or heap. Rejects with DescribeFailed.
 */
export function describeInChildProcess(format: DefinitionFormat, text: string, limits: DefinitionLimits): Promise<DescribeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${limits.memoryMb}`, '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let reply: DescribeReply | undefined;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limits.timeoutSeconds * 1000);
    child.once('message', (message) => {
      reply = message as DescribeReply;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new DescribeFailed(`the definition could not be read: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) return resolve(reply.result);
      if (reply) return reject(new DescribeFailed(`the definition's parser failed: ${reply.message}`));
      if (signal === 'SIGABRT' || /heap out of memory|Reached heap limit/i.test(stderr))
        return reject(
          new DescribeFailed(
            `reading the definition ran out of its ${limits.memoryMb} MiB of memory (${DEFINITION_LIMIT_FLAGS.memoryMb}); its process was stopped, the operator was not`,
            'memoryMb',
          ),
        );
      if (signal === 'SIGKILL')
        return reject(
          new DescribeFailed(
            `reading the definition took longer than ${limits.timeoutSeconds} s (${DEFINITION_LIMIT_FLAGS.timeoutSeconds}) and was stopped`,
            'timeoutSeconds',
          ),
        );
      reject(
        new DescribeFailed(
          `the process reading the definition ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
        ),
      );
    });
    child.send({ format, text } satisfies DescribeRequest);
  });
}
