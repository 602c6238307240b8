import type { TemplateRunObject } from '../api/objects.ts';

/**
 * Job names are labels too, unique per run through its uid. At most 57 characters: the Job's
 * pods are named "<job>-" plus 5 random characters, with that prefix cut at 58 characters,
 * so a pod's name always holds its Job's whole name — which the scaffolder's admission
 * policy compares with the greenroom.dev/scaffold-job label of the entities it may delete.
 */
export function jobNameFor(run: { metadata: Pick<TemplateRunObject['metadata'], 'name' | 'uid'> }): string {
  const base = run.metadata.name.slice(0, 48).replace(/[-.]+$/, '');
  return `${base}-${run.metadata.uid.replace(/-/g, '').slice(0, 8)}`;
}

/** The ConfigMap holding a run's snapshot (see snapshot.ts), named after its Job. */
export const snapshotName = (run: Pick<TemplateRunObject, 'metadata'>): string => `${jobNameFor(run)}-snapshot`;
