import { spawn } from 'node:child_process';

/** What a finished helper process printed, and how it ended. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the process's standard input, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** Each chunk of stderr as it arrives (build scripts report progress there). */
  onStderr?: (text: string) => void;
  /** Keep only this many trailing characters of stderr (a long build's log). */
  stderrKept?: number;
}

/**
 * Runs a helper to its end and resolves with all it printed. It waits for 'close', not
 * 'exit': a process may exit while the last of its output (often written by a child it
 * waited for) is still in the pipe, and resolving on 'exit' then reads it short — which
 * once made Dex's password hashing fail with exit code 0 and no output under CI's load.
 */
export function runToEnd(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.stderrKept !== undefined) stderr = stderr.slice(-options.stderrKept);
      options.onStderr?.(chunk);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (child.stdin) {
      // A helper that refuses its input exits before reading it; its exit code says why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
