import type { KubernetesObject } from '@kubernetes/client-node';

/** A change the informer reports: what its cache gained, changed or lost. */
export type CacheEvent<T> = { type: 'add'; object: T } | { type: 'update'; object: T; previous: T } | { type: 'delete'; object: T };

/** Objects by {@link objectKey}. */
export type Snapshot<T> = Map<string, T>;

/** `namespace/name`, or `name` for cluster-scoped objects: the work-queue key as well. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The {@link objectKey} of an object: how caches, work queues, results and metrics name it. */
export function keyOf(object: { metadata?: { namespace?: string | undefined; name?: string | undefined } | undefined }): string {
  return objectKey(object.metadata?.namespace, object.metadata?.name ?? '');
}

/** A snapshot of a list's items, keyed like the cache. */
export function snapshotOf<T extends KubernetesObject>(items: readonly T[]): Snapshot<T> {
  return new Map(items.map((item) => [keyOf(item), item]));
}

// Like client-node's cache: an object without a resourceVersion always counts as changed.
function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  const version = a.metadata?.resourceVersion;
  return version !== undefined && version === b.metadata?.resourceVersion;
}

/**
 * What changed between two snapshots, as events: objects only in `after` are adds, objects
 * whose resourceVersion differs are updates, objects only in `before` are deletes (carrying
 * their last known state). After a watch restart or relist this replays everything missed
 * while disconnected, and nothing that was already seen.
 */
export function diffSnapshots<T extends KubernetesObject>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>): CacheEvent<T>[] {
  const events: CacheEvent<T>[] = [];
  for (const [key, object] of after) {
    const previous = before.get(key);
    if (!previous) events.push({ type: 'add', object });
    else if (!sameVersion(previous, object)) events.push({ type: 'update', object, previous });
  }
  for (const [key, object] of before) {
    if (!after.has(key)) events.push({ type: 'delete', object });
  }
  return events;
}

/**
 * Applies one watch event to `cache` and says what changed, if anything. Replays of an
 * object the cache already holds at that resourceVersion (the watch library re-announces
 * every listed object) change nothing.
 */
export function applyWatchEvent<T extends KubernetesObject>(
  cache: Snapshot<T>,
  change: 'upsert' | 'delete',
  object: T,
): CacheEvent<T> | undefined {
  const key = keyOf(object);
  const previous = cache.get(key);
  if (change === 'delete') {
    if (!previous) return undefined;
    cache.delete(key);
    return { type: 'delete', object };
  }
  if (previous && sameVersion(previous, object)) return undefined;
  cache.set(key, object);
  return previous ? { type: 'update', object, previous } : { type: 'add', object };
}

/** A resourceVersion as the integer etcd makes it; undefined when it is not one. */
export function revisionOf(version: string | undefined): bigint | undefined {
  return version !== undefined && /^\d{1,30}$/.test(version) ? BigInt(version) : undefined;
}

const revision = (object: KubernetesObject | undefined): bigint | undefined => revisionOf(object?.metadata?.resourceVersion);

/**
 * Brings `cache` (kept by a watch that never stopped) up to what a list taken meanwhile shows
 * the watch missed, and says what changed: an object the list has newer, or the list has and
 * the cache lacks (unless the watch deleted it after the list), and one the cache holds from
 * before the list that the list no longer has. What the watch delivered after the list is
 * newer than the list and is kept. Undefined, and nothing changed, when a resourceVersion is
 * not an integer: then only a stop-and-list is safe. Comparing versions as numbers is what
 * the apiserver's own caches do with etcd's revisions.
 */
export function auditAgainstList<T extends KubernetesObject>(
  cache: Snapshot<T>,
  listed: readonly T[],
  listVersion: string | undefined,
  deletedSince: ReadonlyMap<string, bigint>,
): CacheEvent<T>[] | undefined {
  const listedAt = revisionOf(listVersion);
  if (listedAt === undefined) return undefined;
  const versions = new Map<string, bigint>();
  for (const object of listed) {
    const version = revision(object);
    if (version === undefined) return undefined;
    versions.set(keyOf(object), version);
  }
  for (const object of cache.values()) if (revision(object) === undefined) return undefined;
  const events: CacheEvent<T>[] = [];
  for (const object of listed) {
    const key = keyOf(object);
    const version = versions.get(key)!;
    const previous = cache.get(key);
    if (previous) {
      if (revision(previous)! >= version) continue;
      cache.set(key, object);
      events.push({ type: 'update', object, previous });
    } else if ((deletedSince.get(key) ?? -1n) < version) {
      cache.set(key, object);
      events.push({ type: 'add', object });
    }
  }
  for (const [key, object] of cache) {
    if (versions.has(key) || revision(object)! > listedAt) continue;
    cache.delete(key);
    events.push({ type: 'delete', object });
  }
  return events;
}
