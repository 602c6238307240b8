/** How pages write times and revisions, the same on every page. */

/** A timestamp as a page shows it, to the second in UTC, with the machine-readable original. */
export function when(iso: string | undefined) {
  if (!iso || !Number.isFinite(Date.parse(iso))) return undefined;
  return { iso, text: `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC` };
}

/** A commit as people quote it (7 characters); any other revision (a ConfigMap's, a digest) as it is. */
export const shortRevision = (revision: string): string => (/^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision);
