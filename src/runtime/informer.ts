import { ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { RawKubeClient } from '../kube/raw-client.ts';
import type { Logger } from '../observability/logger.ts';
import { jitteredDelay, type BackoffPolicy } from './backoff.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';
import {
  applyWatchEvent,
  auditAgainstList,
  diffSnapshots,
  keyOf,
  objectKey,
  revisionOf,
  snapshotOf,
  type CacheEvent,
  type Snapshot,
} from './object-cache.ts';
import { callSafely } from './safe-call.ts';
import { BOOKMARK_INTERVAL_MS, SessionWatch, type SessionHooks } from './session-watch.ts';

/** Why a watch was restarted: the label of `greenroom_informer_restarts_total`. */
export type RestartReason = 'error' | 'silence' | 'relist' | 'manual';

/**
 * Handlers by event. They are called synchronously; a handler may return a promise, but
 * nothing waits for it: a throw or a rejection is logged and counted, never propagated.
 */
export interface InformerHandlers<T> {
  add: (object: T) => unknown;
  update: (object: T, previous: T) => unknown;
  delete: (object: T) => unknown;
}

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. `/api/v1/namespaces/x/configmaps` or `/apis/greenroom.dev/v1alpha1/components`. */
  path: string;
  logger: Logger;
  /** For logs and metrics; the path when absent. */
  name?: string;
  labelSelector?: string;
  /** A field selector for list and watch, e.g. `type=Warning` for Events: filtered by the apiserver, never cached here. */
  fieldSelector?: string;
  /** Lists the collection; a plain GET of `path` when absent (objects exactly as the server sends them). */
  list?: () => Promise<KubernetesListObject<T>>;
  /**
   * What each listed or watched object becomes before it is cached (client-go's
   * SetTransform): the cache, its events and client-node's own ListWatch map hold only what
   * this returns, so a watch of many large objects read for a few fields stays small. It must
   * keep metadata.name, namespace and resourceVersion (the cache's key and change check) and
   * must not throw (client-node drops a watch line whose handling throws). Applied after
   * managedFields are dropped, once per object.
   */
  transform?: (object: T) => T;
  /** Objects per list request when listing `path` (default {@link LIST_PAGE}). */
  listPageSize?: number;
  /**
   * Restart a watch that delivered nothing, not even a bookmark, for this long (default 300 s:
   * five of the apiserver's bookmark intervals, so only a dead watch stays silent that long;
   * on a cluster whose etcd sends watch progress notifications, as kubeadm's and GKE's do,
   * see {@link BOOKMARK_INTERVAL_MS}).
   */
  silenceTimeoutMs?: number;
  /** Relist everything this long after the last list (default 600 s). */
  relistIntervalMs?: number;
  /** Delays between restarts after errors, jittered (default 0.8 s doubling to 30 s, as client-go's reflector). */
  backoff?: BackoffPolicy;
  registry?: Registry;
  clock?: Clock;
  random?: () => number;
}

interface Session<T extends KubernetesObject> {
  id: number;
  watch: ListWatch<T>;
  /** When this session last listed successfully. */
  listedAt?: number;
}

/**
 * A list+watch cache of one resource that does not go stale: restarts its watch after
 * errors (with backoff), after silence (watchdog) and periodically (relist), and after each
 * list reports exactly what changed meanwhile, diffed against its own cache. 410 Gone is
 * handled inside client-node's ListWatch by relisting, which goes through the same diff.
 */
export class Informer<T extends KubernetesObject> {
  readonly name: string;

  private readonly options: InformerOptions<T>;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly metrics: RuntimeMetrics | undefined;
  /** Lists the collection, each object prepared (or the cached one when its version is the same), `pageSize` per request. */
  private readonly listObjects: (pageSize: number) => Promise<KubernetesListObject<T>>;
  /** What an object from the apiserver becomes before anything caches it. */
  private readonly prepare: (object: T) => T;
  /** While a relist lists: keys the watch deleted meanwhile, with the deletion's version. */
  private deletedSinceList: Map<string, bigint> | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly silenceTimeoutMs: number;
  private readonly relistIntervalMs: number;
  private readonly handlers: { [E in keyof InformerHandlers<T>]: InformerHandlers<T>[E][] } = { add: [], update: [], delete: [] };
  private cache: Snapshot<T> = new Map();
  private session: Session<T> | undefined;
  private sessionCount = 0;
  private failures = 0;
  private synced = false;
  private running = false;
  private lastActivity = 0;
  /** Whether the apiserver has sent this informer a bookmark: then silence means a dead watch, not a quiet resource. */
  private bookmarksSeen = false;
  private startup: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly timers: { retry?: TimerHandle; watchdog?: TimerHandle; relist?: TimerHandle } = {};

  constructor(options: InformerOptions<T>) {
    this.options = options;
    this.name = options.name ?? options.path;
    this.logger = options.logger.child({ informer: this.name });
    this.clock = options.clock ?? systemClock;
    this.metrics = options.registry ? createRuntimeMetrics(options.registry) : undefined;
    const transform = options.transform;
    this.prepare = transform ? (object) => transform(withoutManagedFields(object)) : withoutManagedFields;
    // A given list returns objects as listed; the paged list prepares each page as it comes.
    const prepareListed = (object: T): T => this.cachedAsListed(object) ?? this.prepare(object);
    this.listObjects = options.list
      ? async () => {
          const list = await options.list!();
          return { ...list, items: list.items.map(prepareListed) };
        }
      : listFromPath<T>(options.kubeConfig, options.path, prepareListed, options.labelSelector, options.fieldSelector);
    this.backoff = options.backoff ?? { initialMs: 800, maxMs: 30_000 };
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 5 * BOOKMARK_INTERVAL_MS;
    this.relistIntervalMs = options.relistIntervalMs ?? 600_000;
  }

  /** Registers a handler; register before `start()` to see the initial list as adds. */
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): void {
    this.handlers[event].push(handler);
  }

  /** Starts listing and watching; resolves once the first list is in the cache. Rejects if stopped first. */
  start(): Promise<void> {
    if (this.startup) return this.startup.promise;
    let resolve = (): void => {};
    let reject: (error: Error) => void = () => {};
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.startup = { promise, resolve, reject };
    if (this.synced) resolve();
    this.running = true;
    this.openSession();
    this.armWatchdog(this.silenceTimeoutMs);
    return promise;
  }

  /** Stops watching and every timer; the cache stays readable. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const handle of Object.values(this.timers)) this.clock.clearTimeout(handle);
    delete this.timers.retry;
    delete this.timers.watchdog;
    delete this.timers.relist;
    if (!this.synced) this.startup?.reject(new Error(`informer ${this.name} stopped before its first list`));
    this.startup = undefined;
    await this.closeSession();
  }

  /** True once the first list has been loaded into the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Cached objects, of one namespace when given. */
  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
  }

  /** A cached object; `namespace` undefined or '' for cluster-scoped ones. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(objectKey(namespace, name));
  }

  /** Drops the current watch and lists and watches afresh, reporting what changed meanwhile. */
  restartWatch(reason: RestartReason = 'manual'): void {
    if (!this.running) return;
    if (this.timers.retry !== undefined) this.clock.clearTimeout(this.timers.retry);
    delete this.timers.retry;
    void this.closeSession();
    this.metrics?.informerRestarts.inc({ informer: this.name, reason });
    this.openSession();
  }

  private openSession(): void {
    const id = ++this.sessionCount;
    const isCurrent = (): boolean => this.running && this.session?.id === id;
    const hooks: SessionHooks = {
      isCurrent,
      onActivity: (type: string) => this.onWatchActivity(type),
      transform: (object) => this.prepare(object as T),
    };
    const { path, labelSelector, fieldSelector } = this.options;
    const watch = new ListWatch<T>(path, this.sessionWatch(hooks), () => this.listForSession(id), false, labelSelector, fieldSelector);
    // Objects reach ListWatch prepared already (listed ones by listForSession, watched ones by
    // the session watch), so what it hands on is what the cache keeps.
    const observe = (change: 'upsert' | 'delete') => (object: T) => {
      if (!isCurrent()) return;
      if (change === 'delete') this.noteDeletion(object);
      const event = applyWatchEvent(this.cache, change, object);
      if (event) this.emit(event);
    };
    watch.on('add', observe('upsert'));
    watch.on('update', observe('upsert'));
    watch.on('delete', observe('delete'));
    watch.on('error', (error: unknown) => isCurrent() && this.onSessionError(error));
    this.session = { id, watch };
    this.lastActivity = this.clock.now();
    watch.start().catch((error: unknown) => isCurrent() && this.onSessionError(error));
  }

  /** The watch of one session: client-node's, hardened; a seam so unit tests can feed watch lines without a server. */
  protected sessionWatch(hooks: SessionHooks): SessionWatch {
    return new SessionWatch(this.options.kubeConfig, hooks);
  }

  /** Any line of the current watch: an event, an error or a bookmark (which ListWatch records and does not emit). */
  private onWatchActivity(type: string): void {
    this.lastActivity = this.clock.now();
    if (type !== 'BOOKMARK') return;
    this.bookmarksSeen = true;
    this.metrics?.informerBookmarks.inc({ informer: this.name });
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.watch.stop();
  }

  private async listForSession(id: number): Promise<KubernetesListObject<T>> {
    const list = await this.listObjects(this.options.listPageSize ?? LIST_PAGE);
    const session = this.session;
    // ListWatch goes on to open a watch after listing; a session replaced meanwhile must not.
    if (!this.running || session?.id !== id) throw new Error('informer session closed while listing');
    const items = list.items;
    const after = snapshotOf(items);
    const events = diffSnapshots(this.cache, after);
    this.cache = after;
    session.listedAt = this.lastActivity = this.clock.now();
    this.armRelist();
    this.synced = true;
    for (const event of events) this.emit(event);
    this.startup?.resolve();
    // ListWatch caches the items it is given: the prepared ones, not the full ones listed.
    return { ...list, items };
  }

  private onSessionError(error: unknown): void {
    const listedAt = this.session?.listedAt;
    void this.closeSession();
    // The next successful list re-arms the relist; until then only the backoff decides.
    if (this.timers.relist !== undefined) this.clock.clearTimeout(this.timers.relist);
    delete this.timers.relist;
    // A session that stayed healthy for a while earns a fresh backoff; one that keeps
    // failing right after listing must not relist in a tight loop.
    if (listedAt !== undefined && this.clock.now() - listedAt >= this.backoff.maxMs) this.failures = 0;
    const delay = jitteredDelay(this.failures++, this.backoff, this.options.random ?? Math.random);
    this.logger.warn({ err: error, retryInMs: Math.round(delay) }, 'watch failed; restarting');
    this.timers.retry = this.clock.setTimeout(() => {
      delete this.timers.retry;
      this.restartWatch('error');
    }, delay);
  }

  private armWatchdog(ms: number): void {
    this.timers.watchdog = this.clock.setTimeout(() => this.checkSilence(), Math.max(ms, 0));
  }

  private checkSilence(): void {
    delete this.timers.watchdog;
    if (!this.running) return;
    const silentMs = this.clock.now() - this.lastActivity;
    if (this.timers.retry !== undefined || silentMs < this.silenceTimeoutMs) {
      return this.armWatchdog(this.timers.retry !== undefined ? this.silenceTimeoutMs : this.silenceTimeoutMs - silentMs);
    }
    const { level, message } = silenceRestartReport(this.bookmarksSeen);
    this.logger[level]({ silentMs, bookmarksSeen: this.bookmarksSeen }, message);
    this.restartWatch('silence');
    this.armWatchdog(this.silenceTimeoutMs);
  }

  private armRelist(): void {
    if (this.timers.relist !== undefined) this.clock.clearTimeout(this.timers.relist);
    this.timers.relist = this.clock.setTimeout(() => {
      delete this.timers.relist;
      void this.relist();
    }, this.relistIntervalMs);
  }

  /**
   * The periodic relist, a check that the watch missed nothing: it lists while the watch goes
   * on delivering, then applies only what the list shows was missed (auditAgainstList). A
   * relist that stopped the watch left the cache blind for as long as the list took — at
   * 100,000 catalog entities tens of seconds every ten minutes, and a change made then waited
   * as long. Counted in greenroom_informer_restarts_total{reason="relist"} as before.
   */
  private async relist(): Promise<void> {
    const session = this.session;
    if (!this.running || !session || session.listedAt === undefined) return this.restartWatch('relist');
    this.metrics?.informerRestarts.inc({ informer: this.name, reason: 'relist' });
    const deletions = (this.deletedSinceList = new Map());
    try {
      // Smaller pages than a session's first list: the watch is serving meanwhile, and each page
      // is parsed in one go on the event loop that also answers reads.
      const list = await this.listObjects(Math.min(this.options.listPageSize ?? LIST_PAGE, RELIST_PAGE));
      // Restarted meanwhile: that session's own list has brought the cache up to date.
      if (!this.running || this.session !== session) return;
      const events = auditAgainstList(this.cache, list.items, list.metadata?.resourceVersion, deletions);
      if (events === undefined) return this.restartWatch('relist');
      for (const event of events) this.emit(event);
      this.armRelist();
    } catch (error) {
      this.logger.warn({ err: error }, 'relist failed; the watch goes on, and the next relist tries again');
      if (this.running && this.session === session) this.armRelist();
    } finally {
      if (this.deletedSinceList === deletions) this.deletedSinceList = undefined;
    }
  }

  /**
   * The cached object when a listed one has its resourceVersion: the same object, already
   * prepared. A relist of 100,000 catalog entities otherwise transformed every one of them
   * again, on the event loop that answers reads, to find that almost nothing had changed.
   */
  private cachedAsListed(object: T): T | undefined {
    const version = object.metadata?.resourceVersion;
    const cached = version === undefined ? undefined : this.cache.get(keyOf(object));
    return cached?.metadata?.resourceVersion === version ? cached : undefined;
  }

  /** Deletions the watch delivers while a relist is listing, so the list does not bring them back. */
  private noteDeletion(object: T): void {
    const version = revisionOf(object.metadata?.resourceVersion);
    if (this.deletedSinceList && version !== undefined) this.deletedSinceList.set(keyOf(object), version);
  }

  private emit(event: CacheEvent<T>): void {
    const onFailure = (error: unknown): void => {
      this.metrics?.informerHandlerErrors.inc({ informer: this.name });
      this.logger.error(
        { err: error, event: event.type, key: objectKey(event.object.metadata?.namespace, event.object.metadata?.name ?? '') },
        'informer handler failed',
      );
    };
    if (event.type === 'update') {
      for (const handler of this.handlers.update) callSafely(() => handler(event.object, event.previous), onFailure);
    } else {
      for (const handler of this.handlers[event.type]) callSafely(() => handler(event.object), onFailure);
    }
  }
}

/**
 * How to report restarting a silent watch. Once the apiserver has sent bookmarks, a live
 * watch is never silent for long, so silence means the watch was dead and changes may have
 * been missed: worth a warning to whoever is on call. Without bookmarks (an apiserver that
 * sends none) a quiet resource looks the same as a dead watch, so the routine restart is only
 * info. `greenroom_informer_restarts_total{reason="silence"}` counts both.
 */
export function silenceRestartReport(bookmarksSeen: boolean): { level: 'warn' | 'info'; message: string } {
  return bookmarksSeen
    ? { level: 'warn', message: 'watch silent for too long; restarting: not even a bookmark came, the watch was dead' }
    : { level: 'info', message: 'watch silent for too long; restarting: this apiserver sends no bookmarks, so quiet and dead look alike' };
}

/**
 * Drops metadata.managedFields: no Greenroom controller reads them, and with server-side
 * apply they are often the largest part of an object, so keeping them would roughly double
 * what every cached object costs. In place, as the object was just parsed and nothing else
 * holds it yet.
 */
function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields) delete object.metadata.managedFields;
  return object;
}

/** Lists by a plain GET of the collection path, so list items and watch objects share one shape. */
function listFromPath<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  path: string,
  prepare: (object: T) => T,
  labelSelector?: string,
  fieldSelector?: string,
): (pageSize: number) => Promise<KubernetesListObject<T>> {
  const client = new RawKubeClient(kubeConfig);
  return async (pageSize) => {
    const items: T[] = [];
    let page: KubernetesListObject<T>;
    let next: string | undefined;
    do {
      page = await client.request<KubernetesListObject<T>>({
        method: 'GET',
        path,
        query: { labelSelector, fieldSelector, limit: String(pageSize), ...(next ? { continue: next } : {}) },
      });
      // Items of a built-in list carry no kind or apiVersion, while watch events do.
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items) {
        item.kind ??= kind;
        item.apiVersion ??= page.apiVersion;
        items.push(prepare(item));
      }
      // Raw JSON: the field is `continue` (client-node's type calls it `_continue`).
      next = (page.metadata as { continue?: string } | undefined)?.continue || undefined;
    } while (next);
    return { ...page, metadata: { resourceVersion: page.metadata?.resourceVersion }, items };
  };
}

/**
 * Objects per list request. Every page is one consistent snapshot (the continue token pins
 * its resource version), and each is prepared before the next is read: a catalog of 100,000
 * entities listed at once was a response of hundreds of MB held whole before any of it
 * could be trimmed, and past 512 MB more than a JavaScript string can hold.
 */
export const LIST_PAGE = 2000;

/** Objects per request of a periodic relist, which lists while reads are being answered. */
const RELIST_PAGE = 500;
