import { Watch, type KubeConfig } from '@kubernetes/client-node';

/**
 * How often kube-apiserver's watch cache sends a bookmark to a watch that asked for them
 * (k8s.io/apiserver storage/cacher: defaultBookmarkFrequency, one minute, give or take a
 * second), even when nothing in the watched collection changes. It sends one only once the
 * resourceVersion it has seen passed the one the watch began at (cache_watcher.go drops
 * older ones); for a collection nobody writes to, that takes etcd's watch progress
 * notifications, which kubeadm and GKE configure every 5 s (etcd's own default is 10 min).
 */
export const BOOKMARK_INTERVAL_MS = 60_000;

/**
 * How long a watch connection may deliver nothing before client-node drops it and resumes
 * from its last resourceVersion: two and a half bookmark intervals, so one late or dropped
 * bookmark does not cut a live watch. client-node's own 30 s cut every quiet watch before
 * its first bookmark could arrive. (This also bounds how long a connect may hang.)
 */
export const WATCH_INACTIVITY_TIMEOUT_MS = 150_000;

/** What a {@link SessionWatch} asks of the informer session that owns it. */
export interface SessionHooks {
  /** False once the session was replaced or stopped. */
  isCurrent(): boolean;
  /** Called for every line the watch delivers, with its type: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  onActivity(type: string): void;
  /**
   * What the object of an ADDED, MODIFIED or DELETED line becomes before ListWatch sees it:
   * ListWatch keeps every object it is handed in a map of its own, so only an object made
   * smaller here stays small in memory. Never applied to a BOOKMARK (ListWatch reads its
   * resourceVersion) nor to an ERROR (a Status whose code 410 makes ListWatch relist).
   */
  transform?: ((object: unknown) => unknown) | undefined;
}

/** The watch line types that carry an object of the watched resource. */
const OBJECT_LINES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);

type WatchCallback = Parameters<Watch['watch']>[2];
type DoneCallback = Parameters<Watch['watch']>[3];
type WatchQuery = Record<string, string | number | boolean | undefined>;

/**
 * The query of a watch request, asking for bookmarks too: without them a watch of a quiet
 * collection carries nothing, and the informer's watchdog cannot tell it from a dead one.
 */
export function withBookmarks(query: WatchQuery): WatchQuery {
  return { ...query, allowWatchBookmarks: true };
}

/**
 * The callback the watch is given: lines of a stale session are dropped, every other line
 * is reported as activity (with its type) and then handed on, an object line's object
 * transformed first when the session says how. Bookmarks are handed on as well: ListWatch
 * records their resourceVersion, so a restarted watch resumes from there, and reports no
 * object change for them.
 */
export function sessionCallback(hooks: SessionHooks, callback: WatchCallback): WatchCallback {
  return (type, object, raw) => {
    if (!hooks.isCurrent()) return;
    const line = String(type);
    hooks.onActivity(line);
    callback(type, hooks.transform && OBJECT_LINES.has(line) ? hooks.transform(object) : object, raw);
  };
}

/**
 * client-node's Watch, hardened for one informer session:
 * - it asks for bookmarks and waits {@link WATCH_INACTIVITY_TIMEOUT_MS} for a line, so a
 *   quiet watch stays open and keeps proving it is alive;
 * - a failure before the request starts (credentials, kubeconfig) reaches `done` instead of
 *   rejecting: ListWatch reconnects by calling an async handler nobody awaits, so a
 *   rejection there would be unhandled and end the process;
 * - a watch that finishes connecting after its session was stopped is aborted at once
 *   (ListWatch.stop() can only abort a request it already holds);
 * - every line counts as activity for the informer's watchdog; lines of a stale session
 *   are dropped.
 */
export class SessionWatch extends Watch {
  private readonly hooks: SessionHooks;

  constructor(config: KubeConfig, hooks: SessionHooks) {
    super(config);
    this.hooks = hooks;
    // client-node keeps its inactivity timeout in a TypeScript-private field with no setter
    // (kubernetes-client/javascript#3022); if the field ever goes, the idle-watch integration test fails.
    this['requestTimeoutMs'] = WATCH_INACTIVITY_TIMEOUT_MS;
  }

  override async watch(path: string, queryParams: WatchQuery, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    try {
      const controller = await this.open(path, withBookmarks(queryParams), sessionCallback(this.hooks, callback), done);
      if (!this.hooks.isCurrent()) controller.abort();
      return controller;
    } catch (error) {
      done(error);
      return new AbortController();
    }
  }

  /** Opens the watch request: client-node's; a seam so unit tests can feed lines without a server. */
  protected open(path: string, queryParams: WatchQuery, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    return super.watch(path, queryParams, callback, done);
  }
}
