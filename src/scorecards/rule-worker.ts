/**
 * The worker thread that evaluates Scorecard rules for {@link RulePool}. Before each rule it
 * bumps a counter in memory shared with the main thread, which is how the pool's watchdog
 * sees a rule that runs too long (this thread cannot be interrupted, only terminated).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateTasks, type RuleTask } from './rule-runner.ts';

/** A batch to evaluate; `skip` lists `task:rule` indexes stopped at their deadline before. */
export interface WorkerRequest {
  id: number;
  tasks: RuleTask[];
  now: number;
  skip: string[];
}

/** Shared progress: [0] counts rules started, [1] and [2] are the current task and rule. */
const progress = new Int32Array(workerData.progress as SharedArrayBuffer);

parentPort!.on('message', ({ id, tasks, now, skip }: WorkerRequest) => {
  const outcomes = evaluateTasks(tasks, new Date(now), new Set(skip), (task, rule) => {
    Atomics.store(progress, 1, task);
    Atomics.store(progress, 2, rule);
    Atomics.add(progress, 0, 1);
  });
  parentPort!.postMessage({ id, outcomes });
});
