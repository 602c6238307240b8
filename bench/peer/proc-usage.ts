// Memory and CPU of a set of processes, read from /proc as `ps` would: PSS (each shared page
// split between the processes that map it, so a sum over processes counts it once) and
// utime+stime in clock ticks.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100;

/** Direct children of `pid` (all its threads'). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** `pid` and every process below it. */
export function withDescendants(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

/**
 * The process a tether (src/local-cluster/tethered-process.ts: a bash wrapper) runs: its
 * child that is not itself bash (the tether's watcher is a bash subshell).
 */
export function tetheredCommandPid(tetherPid: number): number {
  const child = childrenOf(tetherPid).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'bash';
    } catch {
      return false;
    }
  });
  if (child === undefined) throw new Error(`tether ${tetherPid} runs no process`);
  return child;
}

/** Sum of PSS over `pids`, in MiB (a process that has gone counts 0). */
export function pssMiB(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}

/** utime+stime of `pid`, plus cutime+cstime (children it has reaped) when `reaped`, in seconds. */
function cpuOf(pid: number, reaped: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return ((utime ?? 0) + (stime ?? 0) + (reaped ? (cutime ?? 0) + (cstime ?? 0) : 0)) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by each root in `roots` and everything below it, including the
 * children that have already exited (PostgreSQL starts a backend per connection; the
 * postmaster reaps them, so their time moves into its cutime/cstime).
 */
export function cpuSeconds(roots: readonly number[]): number {
  let total = 0;
  for (const root of roots) {
    for (const pid of withDescendants(root)) total += cpuOf(pid, true);
  }
  return total;
}

/** CPU seconds the whole machine has been busy since boot (all CPUs: user, nice, system, irq, softirq, steal). */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

/**
 * Starts watching the machine: the function returned tells what share of all its CPU time
 * (0–1) processes this run did not start have used since (busy time less ours: this
 * process and everything below it, exited children included once reaped, and `detached()`,
 * the CPU seconds of daemons we started and stopped, which are not our children).
 */
export function otherWork(detached: () => number): () => number {
  const busy = machineBusySeconds();
  const own = cpuSeconds([process.pid]) + detached();
  const started = process.hrtime.bigint();
  return () => {
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const others = machineBusySeconds() - busy - (cpuSeconds([process.pid]) + detached() - own);
    return Math.max(0, others) / (elapsed * cpus().length);
  };
}

/** A figure split by the processes it adds up, e.g. `[['backend', 296], ['PostgreSQL', 80]]`. */
export type Parts = [string, number][];

/** CPU seconds of each named root (its children included, see {@link cpuSeconds}). */
export const cpuParts = (roots: readonly [string, number][]): Parts => roots.map(([name, pid]) => [name, cpuSeconds([pid])]);

/** `after` less `before`, part by part (a part absent from `before` counts from 0). */
export const partsSince = (after: Parts, before: Parts): Parts =>
  after.map(([name, v]) => [name, v - (before.find(([n]) => n === name)?.[1] ?? 0)]);
