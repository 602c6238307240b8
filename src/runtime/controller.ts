import type { ControllerContext } from './context.ts';
import type { Source, WatchedObject } from './source.ts';
import { WorkQueue, type WorkResult } from './work-queue.ts';

/** What one informer event asks to be reconciled: keys of the controller's queue. */
export type Trigger<T extends WatchedObject> = (change: {
  type: 'add' | 'update' | 'delete';
  object: T;
  previous?: T | undefined;
}) => Iterable<string> | void;

/** One watched resource and the keys its changes enqueue (controller-runtime's `Watches`). */
export interface Watch<T extends WatchedObject = WatchedObject> {
  source: Source<T>;
  trigger: Trigger<T>;
}

/** A watch, checked against its trigger's object type where it is written. */
export const watch = <T extends WatchedObject>(source: Source<T>, trigger: Trigger<T>): Watch => ({ source, trigger }) as unknown as Watch;

export interface ControllerSpec {
  /** The queue's name: the `controller` label of its metrics, and of its logs. */
  name: string;
  watches: readonly Watch[];
  /** Handles one key; runs on the leader only, never twice at once for one key. */
  reconcile: (key: string) => Promise<WorkResult>;
  /** Keys handled at once. */
  concurrency: number;
  /** Every key there is: queued once the watches have synced, and again on becoming leader. */
  keys: () => Iterable<string>;
  /**
   * Runs on the leader once every watch (and `waitFor`) has synced, before the workers start
   * and before `keys` are queued, e.g. to score the whole catalog in memory and queue only
   * what must be written; again on becoming leader. Keys it queues are kept.
   */
  prime?: () => Promise<void>;
  /** Something else this controller reads that must be complete first (the catalog graph, another controller's prime). */
  waitFor?: () => Promise<unknown>;
}

/**
 * The one shape of every Greenroom controller, after client-go's controller loop: typed
 * watches whose events enqueue keys, one rate-limited queue, and a reconcile of one key.
 * It owns start and stop, has-synced, the leader check and enqueue-all; a kind supplies only
 * its triggers, its reconcile and its pure decisions (src/controllers/<kind>/).
 *
 * Nothing is queued before every watch has synced: a key reconciled against half-filled
 * caches would write a status the next event overturns, so a cold start costs one
 * reconcile per object, not several.
 */
export class Controller {
  readonly name: string;
  private readonly context: ControllerContext;
  private readonly spec: ControllerSpec;
  private readonly queue: WorkQueue;
  /** Each watched source once: two watches of one controller may share a source. */
  private readonly sources: readonly Source<WatchedObject>[];
  private synced = false;
  private running: Promise<void> | undefined;

  constructor(context: ControllerContext, spec: ControllerSpec) {
    this.name = spec.name;
    this.context = context;
    this.spec = spec;
    this.sources = [...new Set(spec.watches.map((w) => w.source))];
    this.queue = new WorkQueue({ name: spec.name, logger: context.logger, registry: context.registry, clock: context.clock });
    for (const { source, trigger } of spec.watches) {
      const enqueueAll = (keys: Iterable<string> | void) => {
        for (const key of keys ?? []) this.enqueue(key);
      };
      source.on('add', (object) => enqueueAll(trigger({ type: 'add', object })));
      source.on('update', (object, previous) => enqueueAll(trigger({ type: 'update', object, previous })));
      source.on('delete', (object) => enqueueAll(trigger({ type: 'delete', object })));
    }
  }

  /** Queues a key now, or after `afterMs`; ignored until the watches have synced. */
  enqueue(key: string, afterMs = 0): void {
    if (!this.synced) return;
    if (afterMs > 0) this.queue.addAfter(key, afterMs);
    else this.queue.add(key);
  }

  /** Queues every key, e.g. when this replica becomes leader; primes first when the kind asks for it. */
  async enqueueAll(): Promise<void> {
    if (!this.synced) return;
    if (this.spec.prime && this.context.isLeader()) await this.spec.prime();
    for (const key of this.spec.keys()) this.queue.add(key);
  }

  /** True once every watch has synced. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Starts the watches; once they have synced, primes, starts the workers and queues every key. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  private async run(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.start()).concat(this.spec.waitFor ? [this.spec.waitFor().then(() => undefined)] : []));
    this.synced = true;
    if (this.spec.prime && this.context.isLeader()) await this.spec.prime();
    this.queue.run((key) => this.work(key), this.spec.concurrency);
    for (const key of this.spec.keys()) this.queue.add(key);
  }

  private work(key: string): Promise<WorkResult> {
    // A follower keeps its caches current but leaves writing to the leader; becoming leader
    // queues everything again (enqueueAll).
    if (!this.context.isLeader()) return Promise.resolve('done');
    return this.spec.reconcile(key);
  }

  /** Stops the watches and drains the queue: workers finish what they hold, nothing new starts. */
  async stop(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.stop()).concat([this.queue.shutdown()]));
  }
}

/** The namespace and name of a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
