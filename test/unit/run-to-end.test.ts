import { describe, expect, it } from '@jest/globals';
import { runToEnd } from '../../src/local-cluster/run-to-end.ts';

// These run real processes (sh, cat); nothing is mocked.
describe('running a helper to its end', () => {
  // Regression: bcrypt-hash's output was read on 'exit', and under CI's load the hash was
  // still in the pipe: "bcrypt-hash failed (0)" with nothing printed, and Dex did not start.
  // A grandchild writing the output makes the shell exit with its last bytes unread, which
  // read that way came out short in 185 of 200 parallel runs.
  it('when the output is still in the pipe as the process exits, then all of it is read', async () => {
    const bytes = 300_000;
    const script = `head -c ${bytes} /dev/zero | tr '\\0' x; exit 0`;
    const results = await Promise.all(Array.from({ length: 50 }, () => runToEnd('sh', ['-c', script])));
    expect(results.map((result) => result.stdout.length)).toEqual(Array(50).fill(bytes));
    expect(results.every((result) => result.code === 0)).toBe(true);
  });

  it('when given input, then the process reads it on stdin and stdin is closed after it', async () => {
    const result = await runToEnd('cat', [], { input: 'hunter2' });
    expect(result).toEqual({ code: 0, signal: null, stdout: 'hunter2', stderr: '' });
  });

  it('when the process refuses before reading its input, then its exit code and stderr are given, not a write error', async () => {
    const big = 'p'.repeat(1 << 20);
    const result = await runToEnd('sh', ['-c', 'echo "too long" >&2; exit 3'], { input: big });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('too long\n');
  });

  it('when stderr is long and a tail is asked for, then only that tail is kept and every chunk is seen', async () => {
    const seen: string[] = [];
    const result = await runToEnd('sh', ['-c', 'i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done'], {
      stderrKept: 100,
      onStderr: (text) => seen.push(text),
    });
    expect(result.stderr.length).toBeLessThanOrEqual(100);
    expect(result.stderr.endsWith('line 1999\n')).toBe(true);
    expect(seen.join('')).toContain('line 0\nline 1\n');
  });

  it('when the command does not exist, then the promise rejects with the spawn error', async () => {
    await expect(runToEnd('/nonexistent/helper', [])).rejects.toThrow(/ENOENT/);
  });
});
