/**
 * Scorecard rules evaluated off the main event loop, in a small pool of worker threads, each
 * rule with a deadline. RE2 and the cost estimate bound what one rule costs, but lists and
 * strings can still be larger than the estimate assumes; a rule that overruns must not hold
 * the thread that renews the leader's Lease and answers /healthz. A worker whose current rule
 * has run for longer than the deadline is terminated and replaced; the rule's outcome says
 * it timed out, and the batch is run again without it.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RuleRunner, RuleTask, TaskOutcomes } from './rule-runner.ts';
import type { WireTask, WorkerRequest } from './rule-worker.ts';

/** Worker threads of a pool: the leader's other work keeps the main thread. */
export const DEFAULT_RULE_WORKERS = 2;
/** How long one rule may run on one entity before it is stopped. */
export const DEFAULT_RULE_TIMEOUT_MS = 1_000;

export interface RulePoolOptions {
  /** Worker threads (default DEFAULT_RULE_WORKERS). */
  size?: number;
  /** How long one rule may run on one entity before it is stopped (default DEFAULT_RULE_TIMEOUT_MS). */
  ruleTimeoutMs?: number;
  /** Heap limit of each worker, so a rule building huge values stops its worker, not the process (default 256 MB). */
  maxHeapMb?: number;
  /** Entity selves each worker keeps between batches (default 20,000: a large catalog's scored entities, each once). */
  heldSelves?: number;
  /** Told of every rule stopped at its deadline and every worker that failed, with the entity and why. */
  onStopped?: (stopped: StoppedRule) => void;
}

/** A rule stopped at its deadline (or by its worker's crash), or a worker that failed before any rule ran. */
export interface StoppedRule {
  /** The rule's name, absent when no rule had started (the worker could not load). */
  rule?: string;
  /** The entity being evaluated, when the task named it. */
  entity?: string;
  reason: string;
}

interface Job {
  tasks: readonly RuleTask[];
  now: Date;
  skip: Set<string>;
  resolve: (outcomes: TaskOutcomes[]) => void;
}

interface Slot {
  worker: Worker;
  /** The entity version (by ref) whose self this worker holds, oldest sent first. */
  holds: Map<string, string>;
  progress: Int32Array;
  job?: Job;
  /** The rule counter when the job was posted: unchanged means no rule has started yet. */
  startedAt: number;
  watchdog?: NodeJS.Timeout;
}

// Runs as TypeScript from the sources and as JavaScript once built, like this module.
const WORKER_URL = new URL(`./rule-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A {@link RuleRunner} on worker threads with a per-rule deadline. */
export class RulePool implements RuleRunner {
  private readonly size: number;
  private readonly ruleTimeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly heldSelves: number;
  private readonly onStopped: (stopped: StoppedRule) => void;
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: RulePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? DEFAULT_RULE_WORKERS);
    this.ruleTimeoutMs = options.ruleTimeoutMs ?? DEFAULT_RULE_TIMEOUT_MS;
    this.maxHeapMb = options.maxHeapMb ?? 256;
    this.heldSelves = Math.max(0, options.heldSelves ?? 20_000);
    this.onStopped = options.onStopped ?? (() => {});
  }

  run(tasks: readonly RuleTask[], now: Date): Promise<TaskOutcomes[]> {
    if (tasks.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.reject(new Error('the rule pool is closed'));
    return new Promise((resolve) => {
      this.waiting.push({ tasks, now, skip: new Set(), resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots.splice(0)) {
      clearTimeout(slot.watchdog);
      await slot.worker.terminate();
    }
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.job) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      this.start(slot, this.waiting.shift()!);
    }
  }

  private spawn(): Slot {
    const progress = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(WORKER_URL, { workerData: { progress }, resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } });
    const slot: Slot = { worker, holds: new Map(), progress: new Int32Array(progress), startedAt: 0 };
    // A worker never keeps the operator alive: it exits when the main thread is done.
    worker.unref();
    worker.on('message', ({ outcomes }: { outcomes: TaskOutcomes[] }) => this.finished(slot, outcomes));
    // Out of memory (or any crash) is charged to the rule that was running, like a timeout.
    worker.on('error', (error) => this.stopCurrentRule(slot, error));
    // An exit not asked for (the pool removes a slot before terminating it) is handled the same way.
    worker.on('exit', (code) => this.stopCurrentRule(slot, new Error(`the worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.startedAt = Atomics.load(slot.progress, 0);
    slot.worker.postMessage({ id: this.nextId++, ...this.wire(slot, job.tasks), now: job.now.getTime(), skip: [...job.skip] });
    this.watch(slot, slot.startedAt);
  }

  /**
   * The tasks as sent to this worker: an entity's self is left out when the worker holds it
   * at this version already (copying every self to a worker was most of a whole-catalog
   * rescore's cost on the main thread). The worker holds at most `heldSelves`; those
   * it must drop, oldest sent first, go with the message, so both sides agree what it holds.
   */
  private wire(slot: Slot, tasks: readonly RuleTask[]): Pick<WorkerRequest, 'tasks' | 'drop'> {
    const drop: string[] = [];
    const wired = tasks.map(({ entity, self, ...rest }): WireTask => {
      if (!entity?.version || this.heldSelves === 0) return { ...rest, self };
      if (slot.holds.get(entity.ref) === entity.version) return { ...rest, entity };
      slot.holds.delete(entity.ref);
      slot.holds.set(entity.ref, entity.version);
      if (slot.holds.size > this.heldSelves) {
        const oldest = slot.holds.keys().next().value!;
        slot.holds.delete(oldest);
        drop.push(oldest);
      }
      return { ...rest, entity, self };
    });
    return { tasks: wired, drop };
  }

  /**
   * Checks every deadline whether the worker started another rule since the last check: if
   * not, the same rule has run for at least the deadline (at most twice it) and is stopped.
   * A worker still loading (no rule started) is not judged: loading is not a rule's doing.
   */
  private watch(slot: Slot, seen: number): void {
    slot.watchdog = setTimeout(() => {
      const now = Atomics.load(slot.progress, 0);
      if (now === seen && now !== slot.startedAt) this.stopCurrentRule(slot);
      else this.watch(slot, now);
    }, this.ruleTimeoutMs);
    slot.watchdog.unref();
  }

  private finished(slot: Slot, outcomes: TaskOutcomes[]): void {
    clearTimeout(slot.watchdog);
    const job = slot.job;
    slot.job = undefined;
    job?.resolve(outcomes);
    this.dispatch();
  }

  /**
   * Terminates the worker, marks its current rule as timed out and runs the batch again
   * without it. A worker that failed before any rule started (it could not load) fails the
   * batch's rules with why instead: retrying would fail the same way.
   */
  private stopCurrentRule(slot: Slot, error?: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    clearTimeout(slot.watchdog);
    this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    slot.worker.removeAllListeners('message');
    void slot.worker.terminate();
    if (job && Atomics.load(slot.progress, 0) === slot.startedAt) {
      const message = `the rule evaluator failed: ${error?.message ?? 'unknown error'}`;
      this.onStopped({ reason: message });
      job.resolve(job.tasks.map((task) => Object.fromEntries(task.rules.map((r) => [r.name, { passed: false, error: message }]))));
    } else if (job) {
      const [t, r] = [Atomics.load(slot.progress, 1), Atomics.load(slot.progress, 2)];
      const task = job.tasks[t];
      this.onStopped({
        ...(task?.rules[r] ? { rule: task.rules[r].name } : {}),
        ...(task?.entity ? { entity: task.entity.ref } : {}),
        reason: error ? `its worker failed: ${error.message}` : `it ran past the ${this.ruleTimeoutMs} ms deadline`,
      });
      job.skip.add(`${t}:${r}`);
      this.waiting.unshift(job);
    }
    if (!this.closed) this.dispatch();
  }
}
