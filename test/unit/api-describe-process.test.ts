import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DescribeFailed, describeInChildProcess } from '../../src/api-definitions/describe-process.ts';

// GitHub's REST description (13 MB) takes seconds and hundreds of MiB to read: a definition
// big or slow enough to hurt, and the limits must stop its process, never the operator's.
const github = readFileSync(new URL('../../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url), 'utf8');

describe('describing a definition in a bounded child process', () => {
  it('when reading takes longer than the time limit, then its process is stopped and the failure names the flag', async () => {
    const failed = await describeInChildProcess('openapi', github, { maxBytes: 64 * 2 ** 20, memoryMb: 1024, timeoutSeconds: 1 }).catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(DescribeFailed);
    expect(failed).toMatchObject({ limit: 'timeoutSeconds', message: expect.stringContaining('(--definition-timeout-seconds)') });
  }, 60_000);

  it('when reading needs more heap than the memory limit, then its process is stopped and the failure names the flag', async () => {
    const failed = await describeInChildProcess('openapi', github, { maxBytes: 64 * 2 ** 20, memoryMb: 64, timeoutSeconds: 120 }).catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(DescribeFailed);
    expect(failed).toMatchObject({ limit: 'memoryMb', message: expect.stringContaining('(--definition-memory-mb)') });
  }, 150_000);

  it('when the definition is small, then its description comes back from the child', async () => {
    const result = await describeInChildProcess('graphql', 'type Query {\n  book: String\n}\n', {
      maxBytes: 1024,
      memoryMb: 128,
      timeoutSeconds: 60,
    });
    expect(result).toMatchObject({ description: { format: 'graphql', roots: { query: 'Query' } } });
  }, 60_000);
});
