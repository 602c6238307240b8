import { exponentialDelay } from '../runtime/backoff.ts';

/**
 * What the schedule of a polled source (a DocSource, a CatalogSource) reads: its interval
 * and what its status says of the last looks.
 */
export interface Polled {
  intervalMs: number;
  generation: number;
  observedGeneration?: number | undefined;
  /** Failures the author must fix, in a row, as the status counts them. */
  consecutiveFailures?: number | undefined;
  lastCheckTime?: string | undefined;
  /** Something asks for a look now (a rebuild request, a signed push). */
  askedNow?: boolean;
}

/** A look at the source that failed, as the next look's timing needs it. */
export interface LookFailure {
  transient: boolean;
  /** Failures in a row, this one included. */
  inARow: number;
}

/** The first retry after passing trouble; each failure in a row doubles it. */
const TRANSIENT_RETRY_MS = 1_000;
/** The longest wait after failures the author must fix, unless the interval is longer. */
const FAILED_RETRY_MAX_MS = 30 * 60_000;

/**
 * How long until the source should be looked at (0 = now): at once when its spec changed
 * since the last attempt or a look is asked for, else when the operator planned to (an
 * interval after a look, sooner after a failure). A process that has not looked yet looks at
 * once, unless the status says the last looks failed: then it keeps their backoff, so a new
 * leader does not at once retry what just failed (or killed) its predecessor.
 */
export function nextCheckIn(polled: Polled, plannedAt: number | undefined, now: number): number {
  if (polled.observedGeneration !== polled.generation || polled.askedNow) return 0;
  const failures = polled.consecutiveFailures ?? 0;
  const lastCheck = Date.parse(polled.lastCheckTime ?? '');
  if (plannedAt === undefined && failures > 0 && Number.isFinite(lastCheck))
    plannedAt = nextCheckAt(polled.intervalMs, { transient: false, inARow: failures }, lastCheck);
  if (plannedAt === undefined) return 0;
  return Math.max(0, plannedAt - now);
}

/**
 * When to look again: an interval after a good look. After passing trouble (the apiserver or
 * the source busy or down) 1 s, doubling with each failure in a row up to a minute, so a blip
 * is over in seconds but an outage is not hammered. After a failure the author must fix (a
 * limit passed, a build or a file that fails) at most a minute, doubling with each failure in
 * a row up to 30 minutes: what fails the same way is not re-run in a loop.
 */
export function nextCheckAt(intervalMs: number, failure: LookFailure | undefined, now: number): number {
  if (!failure) return now + intervalMs;
  const first = Math.min(intervalMs, 60_000);
  const policy = failure.transient
    ? { initialMs: TRANSIENT_RETRY_MS, maxMs: first }
    : { initialMs: first, maxMs: Math.max(intervalMs, FAILED_RETRY_MAX_MS) };
  return now + exponentialDelay(failure.inARow - 1, policy);
}

/**
 * The checks a reconciler of polled sources has planned, and the passing trouble it has met
 * in a row, per key: what DocSources and CatalogSources keep between looks. Failures the
 * author must fix are counted in the status instead (its consecutiveFailures), so the next
 * leader backs off as well.
 */
export class CheckPlans {
  private readonly planned = new Map<string, number>();
  private readonly transientInARow = new Map<string, number>();

  /** How long until the source behind `key` should be looked at (0 = now); see nextCheckIn. */
  waitFor(key: string, polled: Polled, now: number): number {
    return nextCheckIn(polled, this.planned.get(key), now);
  }

  /**
   * Plans the next look after one that ended with `failure` (none: it went well) and returns
   * the delay until it. `failuresInStatus` is the count the status held before this look.
   */
  planAfter(key: string, failure: { transient: boolean } | undefined, failuresInStatus: number, intervalMs: number, now: number): number {
    let look: LookFailure | undefined;
    if (failure?.transient) {
      const inARow = (this.transientInARow.get(key) ?? 0) + 1;
      this.transientInARow.set(key, inARow);
      look = { transient: true, inARow };
    } else {
      this.transientInARow.delete(key);
      if (failure) look = { transient: false, inARow: failuresInStatus + 1 };
    }
    const at = nextCheckAt(intervalMs, look, now);
    this.planned.set(key, at);
    return at - now;
  }

  /** Forgets a source that is gone (or suspended). */
  forget(key: string): void {
    this.planned.delete(key);
    this.transientInARow.delete(key);
  }
}
