import { API_VERSION } from '../api/v1alpha1/index.ts';
import { KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';
import { OPERATOR_FIELD_MANAGER } from '../kube/status-writer.ts';
import type { TemplateRunObject } from './objects.ts';

export type RunWriteResult = 'written' | 'gone' | 'conflict';

/**
 * Merges fields into a run's status (the scaffolder writes the others). With `ifUnchanged`
 * the write carries the resourceVersion the decision was made from and the apiserver refuses
 * it (409, 'conflict') when the run changed since: a decision taken from a stale cache or
 * from values edited meanwhile is never written — the run is decided again from fresh. Fields
 * set to null are removed.
 */
export async function writeRunStatus(client: RawKubeClient, run: TemplateRunObject, status: object, ifUnchanged: boolean): Promise<RunWriteResult> {
  const { namespace, name, resourceVersion } = run.metadata;
  const path = `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/templateruns/${encodeURIComponent(name)}/status`;
  const body = ifUnchanged && resourceVersion ? { metadata: { resourceVersion }, status } : { status };
  try {
    await client.request({ method: 'PATCH', path, query: { fieldManager: OPERATOR_FIELD_MANAGER }, contentType: 'application/merge-patch+json', body });
    return 'written';
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) return 'gone';
    if (error instanceof KubeApiError && error.code === 409) return 'conflict';
    throw error;
  }
}
