// What the benchmarks time with: milliseconds since a start, and the latency of an HTTP GET
// under a fixed number of requests in flight.
import { percentile } from './synthetic-catalog.ts';

/** Milliseconds since `start` (process.hrtime.bigint()). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * p50 and p99 of `requests` GETs of `base` + `path` (a function gives each request its own
 * path), `inFlight` at a time, after one warm-up that must answer 200; and each answer's size.
 */
export async function httpLatency(
  base: string,
  path: string | (() => string),
  requests: number,
  inFlight: number,
): Promise<{ p50: number; p99: number; bytes: number[] }> {
  const next = typeof path === 'string' ? () => path : path;
  const first = await fetch(`${base}${next()}`);
  if (first.status !== 200) throw new Error(`${base}${next()} answered ${first.status}`);
  await first.arrayBuffer();
  const times: number[] = [];
  const bytes: number[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < requests) {
        sent += 1;
        const started = process.hrtime.bigint();
        bytes.push((await (await fetch(`${base}${next()}`)).arrayBuffer()).byteLength);
        times.push(msSince(started));
      }
    }),
  );
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}
