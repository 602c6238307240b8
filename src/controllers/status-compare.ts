/**
 * Whether a status about to be written says what the stored one says: the one comparer every
 * controller uses before a status write (scorecard results are the one exception, see
 * sameResults in ./scorecard/decide.ts). Key order, absent fields and empty lists do not count:
 * server-side apply stores fields sorted by name and leaves out what was written empty, so the
 * stored copy never has the order a status was written in. (Compared by key order, every look
 * would seem a change and be written again.) A `conditions` list is compared by condition type,
 * whatever its order: it is a list map keyed by type (x-kubernetes-list-map-keys), so its
 * order carries no meaning. Every other list is compared in order.
 *
 * Walks both values once, without building canonical copies or JSON text: the catalog
 * compares every entity's status at cold start (10,000 and more). Values are JSON data, as the
 * apiserver sends them (a Date or a Map would compare as an empty object).
 */
export function sameStatus(stored: unknown, next: unknown): boolean {
  return same(stored, next, false);
}

/** Only the named fields of a stored status: fields another writer owns are not ours to compare. */
export function fieldsOf(status: object | undefined, fields: readonly string[]): Record<string, unknown> {
  const source = (status ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of fields) picked[field] = source[field];
  return picked;
}

/** Absent and empty lists say nothing: server-side apply does not store them. */
const counts = (value: unknown): boolean => value !== undefined && !(Array.isArray(value) && value.length === 0);

function same(a: unknown, b: unknown, keyedByType: boolean): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && sameList(a, b, keyedByType);
  if (!isRecord(a) || !isRecord(b) || Array.isArray(b)) return false;
  let keys = 0;
  for (const key in a) {
    const value = a[key];
    if (!counts(value)) continue;
    keys += 1;
    if (!same(value, b[key], key === 'conditions')) return false;
  }
  // Every counting key of `a` has an equal, so counting value in `b`: the same number means the same keys.
  for (const key in b) if (counts(b[key])) keys -= 1;
  return keys === 0;
}

function sameList(a: readonly unknown[], b: readonly unknown[], keyedByType: boolean): boolean {
  if (a.length !== b.length) return false;
  if (keyedByType && !sameOrder(a, b)) return sameList(byType(a), byType(b), false);
  for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], false)) return false;
  return true;
}

const typeOf = (item: unknown): string => (isRecord(item) && typeof item.type === 'string' ? item.type : '');

function sameOrder(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeOf(a[i]) !== typeOf(b[i])) return false;
  return true;
}

const byType = (list: readonly unknown[]): unknown[] =>
  [...list].sort((x, y) => (typeOf(x) < typeOf(y) ? -1 : typeOf(x) > typeOf(y) ? 1 : 0));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
