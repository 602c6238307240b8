import { RESOURCES } from '../api/v1alpha1/index.ts';
import type { RawKubeClient } from '../kube/raw-client.ts';
import { mergeStatus, type MergeResult } from '../kube/status-writer.ts';
import type { TemplateRunObject } from '../api/objects.ts';

/**
 * Merges fields into a run's status (the scaffolder writes the others). With `ifUnchanged`
 * the write carries the resourceVersion the decision was made from and the apiserver refuses
 * it ('conflict') when the run changed since: a decision taken from a stale cache or from
 * values edited meanwhile is never written — the run is decided again from fresh. Fields
 * set to null are removed.
 */
export function writeRunStatus(client: RawKubeClient, run: TemplateRunObject, status: object, ifUnchanged: boolean): Promise<MergeResult> {
  const { namespace, name, resourceVersion } = run.metadata;
  return mergeStatus(client, RESOURCES.templateRuns, namespace, name, status, ifUnchanged ? { resourceVersion } : {});
}
