import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './health.ts';
import { startTethered, type TetheredProcess } from './tethered-process.ts';

/** The last lines of a component's log, for an error that says why it did not start. */
export async function logTail(path: string, lines = 30): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** What {@link startLocalServer} runs, worked out once its directory exists. */
export interface ServerLaunch {
  command: string;
  args: string[];
  /** Added to the environment: secrets go here rather than into argv (a process list). */
  env?: Record<string, string>;
  /** True once the server answers; polled for up to 30 s. */
  ready: () => Promise<boolean>;
}

/** A local server in its own temporary directory. `stop()` is idempotent. */
export interface LocalServer {
  /** Holds the server's files and `<name>.log`. */
  dir: string;
  process: TetheredProcess;
  stop(): Promise<void>;
}

/**
 * Makes a temporary directory, lets `prepare` write what the server needs into it, starts
 * the server tethered to us (so no process outlives a crashed test run) and waits until it
 * is ready. On failure everything is stopped and the error carries the server's log tail;
 * the directory goes with stop() (or our exit) unless `keepDir`.
 */
export async function startLocalServer(
  options: { name: string; keepDir?: boolean; log?: (line: string) => void },
  prepare: (dir: string) => Promise<ServerLaunch>,
): Promise<LocalServer> {
  const dir = await mkdtemp(join(tmpdir(), `greenroom-${options.name}-`));
  const removeDir = (): void => {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', removeDir);
  let child: TetheredProcess | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await child?.stop();
      process.removeListener('exit', removeDir);
      if (!options.keepDir) await rm(dir, { recursive: true, force: true });
    })());
  const logFile = join(dir, `${options.name}.log`);
  try {
    const launch = await prepare(dir);
    child = startTethered({
      name: options.name,
      command: launch.command,
      args: launch.args,
      logFile,
      env: { ...process.env, ...launch.env },
    });
    await waitFor(launch.ready, { what: options.name, timeoutMs: 30_000, stillRunning: child.running });
    return { dir, process: child, stop };
  } catch (error) {
    const tail = await logTail(logFile);
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${options.name} log (last lines) ---\n${tail}`);
  }
}
