import type { CatalogObject } from './entity.ts';

/** Strings longer than this are kept as they came: the repeated ones are short. */
const MAX_SHARED_LENGTH = 256;
/** Past this many distinct strings the pool starts again, so it cannot grow without end. */
const MAX_POOL = 500_000;

/**
 * One copy of each repeated string across the catalog objects an informer keeps. JSON gives
 * every object its own copy of every value, and a catalog repeats most of them: relation
 * types and targets (each ref appears in the status of every entity related to it),
 * condition types, reasons and messages, timestamps of one reconcile, owners and systems.
 * At 100,000 entities the copies were a large share of the operator's memory.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  share(value: string): string {
    if (value.length > MAX_SHARED_LENGTH) return value;
    const kept = this.pool.get(value);
    if (kept !== undefined) return kept;
    // Starting again keeps the pool bounded; strings shared before stay shared where they are.
    if (this.pool.size >= MAX_POOL) this.pool.clear();
    this.pool.set(value, value);
    return value;
  }
}

/**
 * A catalog object as the operator keeps it: what toEntity reads, with repeated strings
 * shared. Names, uids, resource versions, titles and descriptions are left alone (each is
 * its object's own); everything else in spec and status, and the namespace, is shared.
 */
export function compactCatalogObject<T extends CatalogObject>(object: T, pool: StringPool): T {
  const meta = object.metadata ?? {};
  return {
    ...object,
    ...(object.apiVersion ? { apiVersion: pool.share(object.apiVersion) } : {}),
    ...(object.kind ? { kind: pool.share(object.kind) } : {}),
    metadata: {
      ...meta,
      ...(meta.namespace ? { namespace: pool.share(meta.namespace) } : {}),
    },
    ...(object.spec ? { spec: sharedValues(object.spec, pool, OWN_SPEC_FIELDS) as Record<string, unknown> } : {}),
    ...(object.status ? { status: sharedValues(object.status, pool, new Set()) as T['status'] } : {}),
  };
}

/** Spec fields that are each entity's own text. */
const OWN_SPEC_FIELDS = new Set(['title', 'description']);

/** The same value with its strings shared (keys of `own` at the top level left as they are). */
function sharedValues(value: unknown, pool: StringPool, own: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return pool.share(value);
  if (Array.isArray(value)) return value.map((v) => sharedValues(v, pool, NONE));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = own.has(key) ? v : sharedValues(v, pool, NONE);
  return out;
}

const NONE: ReadonlySet<string> = new Set();
