import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../src/local-cluster/health.ts';

describe('waitFor', () => {
  it('when the check turns true, then it resolves', async () => {
    let calls = 0;
    await waitFor(async () => ++calls >= 3, { what: 'thing', timeoutMs: 2000, intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('when the check never passes, then the error names what and the last problem', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('connection refused');
        },
        { what: 'etcd', timeoutMs: 50, intervalMs: 5 },
      ),
    ).rejects.toThrow(/etcd not ready after 50 ms \(last check: connection refused\)/);
  });

  it('when the process has exited, then it fails at once instead of waiting out the timeout', async () => {
    const started = Date.now();
    await expect(waitFor(async () => false, { what: 'kube-apiserver', timeoutMs: 60_000, stillRunning: () => false })).rejects.toThrow(
      /kube-apiserver: the process exited/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
