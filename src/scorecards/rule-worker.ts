/**
 * The worker thread that evaluates Scorecard rules for {@link RulePool}. Before each rule it
 * bumps a counter in memory shared with the main thread, which is how the pool's watchdog
 * sees a rule that runs too long (this thread cannot be interrupted, only terminated).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EntitySelf } from './cel.ts';
import { evaluateTasks, type RuleTask } from './rule-runner.ts';

/** A task as sent: without `self` when this worker holds that entity's self at that version. */
export type WireTask = Omit<RuleTask, 'self'> & { self?: EntitySelf };

/**
 * A batch to evaluate; `skip` lists `task:rule` indexes stopped at their deadline before;
 * `drop` the entities whose selves this worker no longer needs to hold.
 */
export interface WorkerRequest {
  id: number;
  tasks: WireTask[];
  now: number;
  skip: string[];
  drop: string[];
}

/** Shared progress: [0] counts rules started, [1] and [2] are the current task and rule. */
const progress = new Int32Array(workerData.progress as SharedArrayBuffer);

/**
 * Selves by entity ref, as the pool sent them. The same object is used again, so the CEL
 * values converted from it (cached per object in cel.ts) are reused too.
 */
const held = new Map<string, { version: string; self: EntitySelf }>();

function withSelves(tasks: readonly WireTask[], drop: readonly string[]): RuleTask[] {
  for (const ref of drop) held.delete(ref);
  return tasks.map((task) => {
    const { entity } = task;
    if (task.self) {
      if (entity) held.set(entity.ref, { version: entity.version, self: task.self });
      return task as RuleTask;
    }
    const kept = held.get(entity!.ref);
    // The pool sends a self whenever this worker might lack it; a miss is a bug, not a rule's fault.
    if (kept?.version !== entity!.version) throw new Error(`the rule worker holds no copy of ${entity!.ref} at version ${entity!.version}`);
    return { ...task, self: kept.self };
  });
}

parentPort!.on('message', ({ id, tasks, now, skip, drop }: WorkerRequest) => {
  const outcomes = evaluateTasks(withSelves(tasks, drop), new Date(now), new Set(skip), (task, rule) => {
    Atomics.store(progress, 1, task);
    Atomics.store(progress, 2, rule);
    Atomics.add(progress, 0, 1);
  });
  parentPort!.postMessage({ id, outcomes });
});
