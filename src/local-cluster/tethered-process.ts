import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/**
 * A bash wrapper that ties the child's life to ours: it holds the read end of a pipe whose
 * write end only this Node process has. When we exit for any reason — a clean stop, a
 * crashed test runner, SIGKILL — the pipe closes, `read` returns and the child is
 * terminated (then killed after 10 s). Node cannot set PR_SET_PDEATHSIG, so this is how
 * "no process left behind" holds even when our own cleanup code never runs.
 */
const TETHER = `
exec 3<&0 0</dev/null
"$@" 3<&- &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
(
  read -r _ <&3
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$child" 2>/dev/null || exit 0; sleep 0.1; done
  kill -KILL "$child" 2>/dev/null
) &
watcher=$!
exec 3<&-
status=0
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

/** A long-running process started by the local cluster, with its own process group. */
export interface TetheredProcess {
  readonly name: string;
  /** Pid of the tether (also the process group id of tether and child). */
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** True until the process has exited. */
  running(): boolean;
  /**
   * SIGTERM, then SIGKILL to the whole group after `graceMs`. Resolves when it has exited.
   * The command may see SIGTERM twice (directly and from the tether); see `terminate`.
   */
  stop(graceMs?: number): Promise<void>;
  /** Exactly one SIGTERM to the command (passed on by the tether), as a kubelet sends it; see `exited`. */
  terminate(): void;
  /** Sends `signal` to the whole group at once, e.g. SIGKILL to play a crash; see `exited`. */
  kill(signal: NodeJS.Signals): void;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  /** File that receives stdout and stderr. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts `command` under the tether; see {@link TETHER} for why. */
export function startTethered(options: StartOptions): TetheredProcess {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // --norc: the tether's stdin is a socket pair (Node's 'pipe'), and bash, taking that for
    // an rsh or ssh connection, would otherwise source ~/.bashrc first when SHLVL is unset
    // or 0 (a shell started by nohup or a service manager). One such .bashrc ran
    // `pyenv init`, which waited 60 s on a stale lock, and etcd never started in time.
    child = spawn('bash', ['--norc', '--noprofile', '-c', TETHER, options.name, options.command, ...options.args], {
      stdio: ['pipe', log, log],
      detached: true,
      env: options.env ?? process.env,
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`could not start ${options.name}: bash not found`);
  const pid = child.pid;
  // The pipe stays open for as long as we live; it must never keep the event loop alive.
  child.stdin?.on('error', () => undefined);
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.unref();

  let alive = true;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(code ?? signal ?? 'unknown');
    });
  });

  const signal = (target: number, name: NodeJS.Signals): void => {
    try {
      process.kill(target, name);
    } catch {
      // ESRCH: the process or group is already gone, which is what we want.
    }
  };
  const signalGroup = (name: NodeJS.Signals): void => signal(-pid, name);

  return {
    name: options.name,
    pid,
    exited,
    running: () => alive,
    // Only the tether: its trap passes SIGTERM on once. A second SIGTERM ends a Node process
    // that handled the first with process.once() in the middle of its graceful shutdown.
    terminate: () => signal(pid, 'SIGTERM'),
    kill: signalGroup,
    async stop(graceMs = 10_000) {
      if (!alive) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The child may outlive the tether by a moment; make sure the group is empty.
      signalGroup('SIGKILL');
    },
  };
}
