import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { exponentialDelay, type BackoffPolicy } from './backoff.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { Fifo } from './fifo.ts';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';

/**
 * What a worker asks for after handling a key: `done` forgets its backoff, `requeue` runs
 * it again after the key's next backoff delay, `requeueAfter` runs it again after that many
 * milliseconds (and forgets the backoff, as controller-runtime does). A thrown error or a
 * rejection counts as an error and is retried with backoff.
 */
export type WorkResult = 'done' | 'requeue' | { requeueAfter: number };

/** Handles one key; never called twice at once for the same key. */
export type Worker = (key: string) => Promise<WorkResult>;

export interface WorkQueueOptions {
  /** The controller's name: the `name`/`controller` label of every metric. */
  name: string;
  logger: Logger;
  /** Where the metrics go; several queues may share one registry. */
  registry?: Registry;
  clock?: Clock;
  /** Per-key retry delays; client-go's 5 ms doubling, capped here at 60 s. */
  backoff?: BackoffPolicy;
}

/** Per-key retry delays when none are given: 5 ms × 2ⁿ, at most a minute. */
export const DEFAULT_QUEUE_BACKOFF: BackoffPolicy = { initialMs: 5, maxMs: 60_000 };

/** The `result` label values of controller_runtime_reconcile_total, as controller-runtime names them. */
const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const;

/**
 * A rate-limited work queue with client-go's guarantees: a key waiting to run is held once
 * however often it is added (the dirty set); a key being worked on is never handed to a
 * second worker (the processing set), and adding it meanwhile runs it once more afterwards.
 * Failing keys come back after exponential backoff until `done` forgets them.
 */
export class WorkQueue {
  readonly name: string;

  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly ready = new Fifo<string>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { readyAt: number; handle: TimerHandle }>();
  private readonly inFlight = new Set<Promise<void>>();
  private worker: Worker | undefined;
  private concurrency = 0;
  private pumpScheduled = false;
  private stopping: Promise<void> | undefined;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.logger = options.logger.child({ controller: options.name });
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? DEFAULT_QUEUE_BACKOFF;
    this.metrics = options.registry ? createRuntimeMetrics(options.registry) : undefined;
    // As controller-runtime does: every series of this controller exists from the start at
    // 0, so rate() sees the first error and "no errors" differs from "no such controller".
    this.metrics?.reconcileErrors.inc({ controller: this.name }, 0);
    for (const result of RECONCILE_RESULTS) this.metrics?.reconcileTotal.inc({ controller: this.name, result }, 0);
  }

  /** Queues `key` unless it is already waiting; ignored once shutdown has begun. */
  add(key: string): void {
    if (this.stopping || this.dirty.has(key)) return;
    this.metrics?.queueAdds.inc({ name: this.name });
    this.dirty.add(key);
    // Held only while the key waits (pump() deletes it), so it never outgrows the dirty set.
    this.addedAt.set(key, this.clock.now());
    // A key in flight goes back to the ready list when its worker finishes (see finish).
    if (!this.processing.has(key)) this.pushReady(key);
  }

  /** Queues `key` after `ms`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { readyAt, handle });
  }

  /** Queues `key` after its next backoff delay, which doubles with every retry. */
  addRateLimited(key: string): void {
    if (this.stopping) return;
    const retries = this.failures.get(key) ?? 0;
    this.failures.set(key, retries + 1);
    this.metrics?.queueRetries.inc({ name: this.name });
    this.addAfter(key, exponentialDelay(retries, this.backoff));
  }

  /** Resets the backoff of `key`, after it was handled successfully. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many rate-limited retries `key` has had since it was last forgotten. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * How many distinct keys the queue holds any state for: waiting, in flight, delayed or
   * backing off. Bounded by the keys still live, however many have passed through.
   */
  get trackedKeys(): number {
    const keys = new Set([...this.dirty, ...this.processing, ...this.addedAt.keys(), ...this.failures.keys(), ...this.delayed.keys()]);
    return keys.size;
  }

  /** Keys ready to run (not counting those in flight or waiting for a delay). */
  get length(): number {
    return this.ready.length;
  }

  /** Starts handing keys to `worker`, at most `concurrency` at a time. Call once. */
  run(worker: Worker, concurrency: number): void {
    if (this.worker) throw new Error(`work queue ${this.name} is already running`);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
    this.worker = worker;
    this.concurrency = concurrency;
    this.schedulePump();
  }

  /**
   * Stops taking keys, drops those waiting or delayed, and resolves once every worker in
   * flight has finished. Idempotent.
   */
  shutdown(): Promise<void> {
    if (!this.stopping) {
      for (const { handle } of this.delayed.values()) this.clock.clearTimeout(handle);
      this.delayed.clear();
      this.ready.clear();
      this.dirty.clear();
      this.addedAt.clear();
      this.metrics?.queueDepth.set({ name: this.name }, 0);
      this.stopping = Promise.all(this.inFlight).then(() => undefined);
    }
    return this.stopping;
  }

  private pushReady(key: string): void {
    this.ready.push(key);
    this.metrics?.queueDepth.set({ name: this.name }, this.ready.length);
    this.schedulePump();
  }

  // Workers start on a microtask rather than inside add(): an informer handler that adds a
  // key must not find itself running the first synchronous part of a reconcile.
  private schedulePump(): void {
    if (this.pumpScheduled || !this.worker) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const worker = this.worker;
    while (worker && !this.stopping && this.processing.size < this.concurrency) {
      const key = this.ready.shift();
      if (key === undefined) break;
      this.metrics?.queueDepth.set({ name: this.name }, this.ready.length);
      this.dirty.delete(key);
      this.processing.add(key);
      const queuedMs = this.clock.now() - (this.addedAt.get(key) ?? this.clock.now());
      this.addedAt.delete(key);
      this.metrics?.queueDuration.observe({ name: this.name }, queuedMs / 1000);
      const work: Promise<void> = this.process(worker, key).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
  }

  private async process(worker: Worker, key: string): Promise<void> {
    const started = this.clock.now();
    this.metrics?.activeWorkers.inc({ controller: this.name });
    let outcome: WorkResult | { error: unknown };
    try {
      outcome = await worker(key);
    } catch (error) {
      outcome = { error };
    }
    const seconds = (this.clock.now() - started) / 1000;
    this.metrics?.activeWorkers.dec({ controller: this.name });
    this.metrics?.workDuration.observe({ name: this.name }, seconds);
    this.metrics?.reconcileTime.observe({ controller: this.name }, seconds);
    this.settle(key, outcome);
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.stopping) this.pushReady(key);
    else this.schedulePump();
  }

  private settle(key: string, outcome: WorkResult | { error: unknown }): void {
    const count = (result: (typeof RECONCILE_RESULTS)[number]): void => this.metrics?.reconcileTotal.inc({ controller: this.name, result });
    if (typeof outcome === 'object' && 'error' in outcome) {
      count('error');
      this.metrics?.reconcileErrors.inc({ controller: this.name });
      this.logger.error({ err: outcome.error, key, retries: this.numRequeues(key) }, 'reconcile failed; retrying with backoff');
      this.addRateLimited(key);
    } else if (outcome === 'requeue') {
      count('requeue');
      this.addRateLimited(key);
    } else if (typeof outcome === 'object') {
      count('requeue_after');
      this.forget(key);
      this.addAfter(key, outcome.requeueAfter);
    } else {
      count('success');
      this.forget(key);
    }
  }
}
