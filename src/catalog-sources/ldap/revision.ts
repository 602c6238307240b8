import { createHash } from 'node:crypto';
import type { SourcedEntity, SourceProblem } from '../provider.ts';

/** JSON with object keys sorted, so equal values always give equal text whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A directory has no commit to name what was read, so the revision is a digest of it:
 * sha256 over the (already sorted) entities, their DNs and the problems, in canonical JSON.
 * An unchanged directory gives the same revision, any change a new one. Problems count
 * too: an entry that gains its missing uid changes what the status must say.
 */
export function revisionOf(entities: readonly SourcedEntity[], problems: readonly SourceProblem[]): string {
  const hash = createHash('sha256');
  for (const item of entities) hash.update(canonicalJson(item)).update('\n');
  hash.update('problems\n');
  for (const problem of problems) hash.update(canonicalJson(problem)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}
