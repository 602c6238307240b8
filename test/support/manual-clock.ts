import type { Clock, TimerHandle } from '../../src/runtime/clock.ts';

/** Lets promise continuations and microtask pumps run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A {@link Clock} that only moves when a test tells it to. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting their continuations run. */
  advance(ms: number): Promise<void>;
  /**
   * Moves time forward by `ms` WITHOUT firing timers, as a blocked event loop does: when it
   * resumes, `now()` has jumped and the overdue timers have not run yet.
   */
  stall(ms: number): void;
}

/** A clock that only moves when told to, firing due timers in order. */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout: (handle: TimerHandle) => void timers.delete(handle as number),
    async advance(ms) {
      await settle();
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= target).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
        await settle();
      }
      now = target;
      await settle();
    },
    stall(ms) {
      now += ms;
    },
  };
}
