import type { TemplateRunObject } from './objects.ts';

/** Job names are labels too: at most 63 characters, unique per run through its uid. */
export function jobNameFor(run: Pick<TemplateRunObject, 'metadata'>): string {
  const base = run.metadata.name.slice(0, 50).replace(/[-.]+$/, '');
  return `${base}-${run.metadata.uid.replace(/-/g, '').slice(0, 8)}`;
}

/** The ConfigMap holding a run's snapshot (see snapshot.ts), named after its Job. */
export const snapshotName = (run: Pick<TemplateRunObject, 'metadata'>): string => `${jobNameFor(run)}-snapshot`;
