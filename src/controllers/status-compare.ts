/**
 * Whether a status about to be written says what the stored one says. Key order, absent
 * fields and empty lists do not count: server-side apply stores fields sorted by name and
 * leaves out what was written empty, so the stored copy never has the order a status was
 * written in. (Compared by key order, every look would seem a change and be written again.)
 */
export function sameStatus(stored: unknown, next: unknown): boolean {
  return JSON.stringify(canonical(stored)) === JSON.stringify(canonical(next));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
