import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataDir } from './control-plane-dir.ts';
import { logTail } from './local-server.ts';
import { startTethered, type TetheredProcess } from './tethered-process.ts';

/** The components of one control plane: started in order, stopped in reverse, with their directory. */
export interface ComponentGroup {
  /** The running components in start order; a restarted one replaces its entry. */
  readonly processes: TetheredProcess[];
  /**
   * Starts a component and adds it to the group; `beforeStop` runs right before stop()
   * stops it (e.g. containerd: while it still answers).
   */
  start(name: string, command: string, args: string[], beforeStop?: () => Promise<void>): TetheredProcess;
  /**
   * Adds a step that puts the host back (mounts, network, sysctls): stop() runs the steps
   * after every component has stopped and before the directory goes; if we exit without
   * stop(), the exit handler kills the components and runs them then. Synchronous, because
   * an exit handler gets no further turn of the event loop.
   */
  addTeardown(step: () => void): void;
  /** Starts a component again (its entry is replaced by the caller). */
  relaunch(name: string, command: string, args: string[]): TetheredProcess;
  /** True once stop() began. */
  stopping(): boolean;
  /** Stops every component, last started first, and removes the directory unless kept. Idempotent. */
  stop(): Promise<void>;
  /** Stops the group, then fails with `error` and the last lines of the component's log. */
  failWithLog(name: string, error: unknown): Promise<never>;
}

/** A group whose components log into `data.logs`; the directory goes with stop() or our exit unless `keepDir`. */
export function componentGroup(data: DataDir, keepDir: boolean): ComponentGroup {
  const processes: TetheredProcess[] = [];
  const beforeStops = new Map<TetheredProcess, () => Promise<void>>();
  const teardown: (() => void)[] = [];
  const logFile = (name: string): string => join(data.logs, `${name}.log`);
  let stopped: Promise<void> | undefined;
  const runTeardown = (): void => {
    for (const step of teardown.splice(0)) {
      try {
        step();
      } catch (error) {
        process.stderr.write(`greenroom local cluster: a teardown step failed: ${(error as Error).message}\n`);
      }
    }
  };
  const removeDir = (): void => {
    // The tether ends the children once we are gone, but teardown steps (unmounting, for
    // one) need them ended first, and a rm of the directory must not cross a live mount.
    if (teardown.length > 0) for (const child of processes) child.kill('SIGKILL');
    runTeardown();
    if (!keepDir) rmSync(data.dir, { recursive: true, force: true });
  };
  // Last resort when the host process exits without calling stop(): the tether ends the
  // children; this removes the temp directory (after any teardown steps).
  process.once('exit', removeDir);
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const child of [...processes].reverse()) {
        await beforeStops
          .get(child)?.()
          .catch(() => undefined);
        await child.stop();
      }
      runTeardown();
      process.removeListener('exit', removeDir);
      if (!keepDir) await rm(data.dir, { recursive: true, force: true });
    })());
  // A restarted component appends to the same log, so one file tells its whole story.
  const relaunch = (name: string, command: string, args: string[]): TetheredProcess =>
    startTethered({ name, command, args, logFile: logFile(name) });
  return {
    processes,
    start: (name, command, args, beforeStop) => {
      const child = relaunch(name, command, args);
      processes.push(child);
      if (beforeStop) beforeStops.set(child, beforeStop);
      return child;
    },
    addTeardown: (step) => void teardown.push(step),
    relaunch,
    stopping: () => stopped !== undefined,
    stop,
    failWithLog: async (name, error) => {
      const tail = await logTail(logFile(name));
      await stop();
      throw new Error(`${(error as Error).message}\n--- ${name} log (last lines) ---\n${tail}`);
    },
  };
}
