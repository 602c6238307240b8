// How each figure of the side-by-side run is taken, the same way for both products.
import { msSince } from '../measure.ts';
import { percentile } from '../synthetic-catalog.ts';
import { cpuParts, partsSince, type Parts } from './proc-usage.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A latency figure: p50 and p99 of `n` samples, in ms. */
export interface Latency {
  n: number;
  p50: number;
  p99: number;
  /** Changes not seen within `timeoutMs`: left out of n, p50 and p99, and said beside them. */
  timedOut?: number;
  timeoutMs?: number;
}

export const latencyOf = (samples: readonly number[]): Latency => ({
  n: samples.length,
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
});

/**
 * Runs `check` (a full read of the catalog through the API) until it answers true, a second
 * apart; resolves with the time from `start` to the end of that check and how long that
 * last check itself took. A check that throws (the server is not up yet) counts as false.
 */
export async function untilComplete(
  start: bigint,
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<{ readyMs: number; lastCheckMs: number }> {
  for (;;) {
    const began = process.hrtime.bigint();
    const done = await check().catch(() => false);
    if (done) return { readyMs: msSince(start), lastCheckMs: msSince(began) };
    if (msSince(start) > timeoutMs) throw new Error(`${what}: not complete after ${timeoutMs / 1000} s`);
    await sleep(1000);
  }
}

/** CPU seconds each named root (and its children) uses over an idle `seconds`, scaled to one minute. */
export async function idleCpuPerMinute(roots: readonly [string, number][], seconds: number): Promise<Parts> {
  const before = cpuParts(roots);
  await sleep(seconds * 1000);
  return partsSince(cpuParts(roots), before).map(([name, v]) => [name, (v * 60) / seconds]);
}

export interface ChangeRun {
  /** At most this many samples… */
  samples: number;
  /** …and no new one once this many ms have passed since the first began. */
  budgetMs: number;
  /** One sample gives up after this many ms (counted as timed out; the next change goes on). */
  timeoutMs: number;
  /** How often `visible` is asked. */
  pollMs: number;
  /** Stores change `i`; resolves when it is stored (the clock starts then). */
  change(i: number): Promise<void>;
  /** Something to do right after the change is stored, inside the timed window (a refresh call). */
  after?(i: number): Promise<void>;
  /** True once change `i` shows on both ends. */
  visible(i: number): Promise<boolean>;
}

/** Latency of changes: from stored to visible on both ends, one change at a time. */
export async function changeLatency(run: ChangeRun, what: string, log: (line: string) => void): Promise<Latency> {
  const samples: number[] = [];
  let timedOut = 0;
  const first = process.hrtime.bigint();
  for (let i = 0; i < run.samples && (i === 0 || msSince(first) < run.budgetMs); i++) {
    await run.change(i);
    const stored = process.hrtime.bigint();
    await run.after?.(i);
    let seen = false;
    while (!(seen = await run.visible(i)) && msSince(stored) < run.timeoutMs) await sleep(run.pollMs);
    if (seen) samples.push(msSince(stored));
    else {
      timedOut += 1;
      log(`${what}: change ${i} not visible after ${run.timeoutMs / 1000} s`);
    }
  }
  return { ...latencyOf(samples), ...(timedOut > 0 ? { timedOut, timeoutMs: run.timeoutMs } : {}) };
}

/** Latency of `operation` (one or more requests, timed as one), `requests` times, `inFlight` at a time. */
export async function operationLatency(operation: (i: number) => Promise<unknown>, requests: number, inFlight: number): Promise<Latency> {
  await operation(0);
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        const i = next++;
        const started = process.hrtime.bigint();
        await operation(i);
        samples.push(msSince(started));
      }
    }),
  );
  return latencyOf(samples);
}
