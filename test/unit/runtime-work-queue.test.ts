import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/observability/logger.ts';
import { WorkQueue, type WorkResult } from '../../src/runtime/work-queue.ts';
import { manualClock, settle } from '../support/manual-clock.ts';

/** A promise the test resolves by hand, to hold a worker in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A worker that waits on `hold(run)` for each run and counts how many runs overlap. */
function countingWorker(hold: (run: number) => Promise<void> | undefined) {
  const stats = { runs: 0, running: 0, mostAtOnce: 0, finished: 0 };
  const worker = async (): Promise<WorkResult> => {
    stats.running++;
    stats.mostAtOnce = Math.max(stats.mostAtOnce, stats.running);
    await hold(stats.runs++);
    stats.running--;
    stats.finished++;
    return 'done';
  };
  return { worker, stats };
}

function newQueue(clock = manualClock(), registry?: Registry, name = 'test') {
  return { queue: new WorkQueue({ name, logger: createLogger('silent'), clock, registry }), clock };
}

describe('WorkQueue', () => {
  it('when a key is added three times while it waits, then the worker runs it once', async () => {
    const { queue } = newQueue();
    const runs: string[] = [];
    queue.add('a');
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.run(async (key) => (runs.push(key), 'done'), 1);
    await settle();
    expect(runs).toEqual(['a', 'b']);
  });

  it('when a key is added while its worker runs, then it never runs twice at once and runs once more afterwards', async () => {
    const { queue } = newQueue();
    const holds = [gate(), gate()];
    const { worker, stats } = countingWorker((run) => holds[run]?.promise);
    queue.run(worker, 4);
    queue.add('a');
    await settle();
    queue.add('a');
    queue.add('a');
    await settle();
    expect(stats.runs).toBe(1);
    holds[0]?.open();
    await settle();
    expect(stats.runs).toBe(2);
    holds[1]?.open();
    await settle();
    expect(stats.runs).toBe(2);
    expect(stats.mostAtOnce).toBe(1);
  });

  it('when a worker keeps asking to requeue, then the delay doubles from 5 ms, and forget after success resets it', async () => {
    const { queue, clock } = newQueue();
    const runTimes: number[] = [];
    const results: WorkResult[] = ['requeue', 'requeue', 'requeue', 'done', 'requeue', 'done'];
    queue.run(async () => (runTimes.push(clock.now()), results[runTimes.length - 1] ?? 'done'), 1);
    queue.add('a');
    await clock.advance(1000);
    queue.add('a');
    await clock.advance(1000);
    expect(runTimes).toEqual([0, 5, 15, 35, 1000, 1005]);
    expect(queue.numRequeues('a')).toBe(0);
  });

  it('when a key fails many times, then its delay stops at the cap', async () => {
    const clock = manualClock();
    const queue = new WorkQueue({ name: 'capped', logger: createLogger('silent'), clock, backoff: { initialMs: 5, maxMs: 100 } });
    const runTimes: number[] = [];
    queue.run(async () => (runTimes.push(clock.now()), 'requeue'), 1);
    queue.add('a');
    await clock.advance(500);
    const gaps = runTimes.slice(1).map((t, i) => t - (runTimes[i] ?? 0));
    expect(gaps).toEqual([5, 10, 20, 40, 80, 100, 100, 100]);
    expect(queue.numRequeues('a')).toBe(9);
  });

  it('when more keys are ready than workers, then no more than the concurrency run at once', async () => {
    const { queue } = newQueue();
    const hold = gate();
    const { worker, stats } = countingWorker(() => hold.promise);
    queue.run(worker, 3);
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    await settle();
    expect(stats.running).toBe(3);
    expect(queue.length).toBe(7);
    hold.open();
    await settle();
    await settle();
    expect(stats.finished).toBe(10);
    expect(stats.mostAtOnce).toBe(3);
  });

  it('when a worker throws or rejects, then nothing escapes and the key is retried with backoff', async () => {
    const registry = new Registry();
    const { queue, clock } = newQueue(manualClock(), registry, 'failing');
    const runTimes: number[] = [];
    queue.run((key) => {
      runTimes.push(clock.now());
      if (runTimes.length === 1) throw new Error(`sync failure for ${key}`);
      if (runTimes.length === 2) return Promise.reject(new Error('async failure'));
      return Promise.resolve('done');
    }, 1);
    queue.add('a');
    await clock.advance(100);
    expect(runTimes).toEqual([0, 5, 15]);
    const text = await registry.metrics();
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="failing"\} 2/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="failing",result="error"\} 2/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="failing",result="success"\} 1/);
    expect(text).toMatch(/workqueue_retries_total\{name="failing"\} 2/);
  });

  it('when a worker asks to requeue after a time, then the key runs again then with its backoff forgotten', async () => {
    const { queue, clock } = newQueue();
    const runTimes: number[] = [];
    queue.addRateLimited('a');
    queue.run(async () => (runTimes.push(clock.now()), runTimes.length === 1 ? { requeueAfter: 300 } : 'done'), 1);
    await clock.advance(1000);
    expect(runTimes).toEqual([5, 305]);
    expect(queue.numRequeues('a')).toBe(0);
  });

  it('when a key is added after two delays, then the earlier delay wins and it runs once', async () => {
    const { queue, clock } = newQueue();
    const runTimes: number[] = [];
    queue.run(async () => (runTimes.push(clock.now()), 'done'), 1);
    queue.addAfter('a', 500);
    queue.addAfter('a', 200);
    queue.addAfter('a', 800);
    await clock.advance(1000);
    expect(runTimes).toEqual([200]);
  });

  it('when shut down, then it waits for workers in flight, runs nothing new and ignores later adds', async () => {
    const { queue, clock } = newQueue();
    const hold = gate();
    const runs: string[] = [];
    queue.run(async (key) => {
      runs.push(key);
      await hold.promise;
      return 'requeue';
    }, 1);
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 10);
    await settle();
    let drained = false;
    const shutdown = queue.shutdown().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    hold.open();
    await shutdown;
    queue.add('d');
    await clock.advance(1000);
    expect(runs).toEqual(['a']);
    expect(queue.length).toBe(0);
  });

  it('when a queue is created, then its reconcile counters are exported at 0 before anything runs', async () => {
    const registry = new Registry();
    newQueue(manualClock(), registry, 'docs');
    const text = await registry.metrics();
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="docs"\} 0/);
    for (const result of ['success', 'error', 'requeue', 'requeue_after'])
      expect(text).toMatch(new RegExp(`controller_runtime_reconcile_total\\{controller="docs",result="${result}"\\} 0`));
  });

  it('when two queues share a registry, then each reports its own series', async () => {
    const registry = new Registry();
    const { queue: one } = newQueue(manualClock(), registry, 'components');
    const { queue: two } = newQueue(manualClock(), registry, 'groups');
    one.add('a');
    two.add('a');
    two.add('b');
    const text = await registry.metrics();
    expect(text).toMatch(/workqueue_adds_total\{name="components"\} 1/);
    expect(text).toMatch(/workqueue_adds_total\{name="groups"\} 2/);
    expect(text).toMatch(/workqueue_depth\{name="groups"\} 2/);
  });

  it('when thousands of distinct keys have been handled, then the queue holds state for none of them', async () => {
    const { queue } = newQueue();
    queue.run(async () => 'done', 4);
    for (let i = 0; i < 5000; i++) queue.add(`ns/object-${i}`);
    await settle();
    expect(queue.trackedKeys).toBe(0);
  });

  it('when a key is re-added while in flight and then handled, then nothing of it stays behind', async () => {
    const { queue } = newQueue();
    const hold = gate();
    queue.run(async () => (await hold.promise, 'done'), 1);
    queue.add('a');
    await settle();
    queue.add('a');
    expect(queue.trackedKeys).toBe(1);
    hold.open();
    await settle();
    await settle();
    expect(queue.trackedKeys).toBe(0);
  });

  it('when the queue shuts down with keys waiting, then it forgets them', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    await queue.shutdown();
    expect(queue.trackedKeys).toBe(0);
  });

  it('when concurrency is not a positive integer or run is called twice, then it throws', () => {
    const { queue } = newQueue();
    expect(() => queue.run(async () => 'done', 0)).toThrow(/concurrency must be a positive integer/);
    queue.run(async () => 'done', 1);
    expect(() => queue.run(async () => 'done', 1)).toThrow(/already running/);
  });
});
