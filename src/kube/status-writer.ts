import { objectPath, type ResourceType } from '../api/resource-paths.ts';
import { API_VERSION, GROUP, VERSION, type CatalogKind } from '../api/v1alpha1/index.ts';
import { isNotFound, KubeApiError, type RawKubeClient } from './raw-client.ts';

/** The one field manager the operator writes status with. */
export const OPERATOR_FIELD_MANAGER = 'greenroom-operator';

export type WriteResult = 'written' | 'gone';

/**
 * Writes an object's status with server-side apply on the /status subresource. Fields the
 * operator wrote before and leaves out now are removed by the apiserver, which is what
 * makes SSA right for a read model.
 */
export async function applyStatus(
  client: RawKubeClient,
  kind: Pick<CatalogKind, 'kind' | 'plural'>,
  namespace: string,
  name: string,
  status: unknown,
  fieldManager: string = OPERATOR_FIELD_MANAGER,
): Promise<WriteResult> {
  // A greenroom.dev kind: the body's apiVersion says so too.
  const path = objectPath({ group: GROUP, version: VERSION, plural: kind.plural }, namespace, name, 'status');
  try {
    await client.request({
      method: 'PATCH',
      path,
      query: { fieldManager, force: 'true' },
      contentType: 'application/apply-patch+yaml',
      body: { apiVersion: API_VERSION, kind: kind.kind, metadata: { name, namespace }, status },
    });
    return 'written';
  } catch (error) {
    // Deleted between the event and the write: nothing left to describe.
    if (isNotFound(error)) return 'gone';
    throw error;
  }
}

/** What a merge of status fields came to: `conflict` only when a resourceVersion was required and the object had moved on. */
export type MergeResult = WriteResult | 'conflict';

export interface MergeOptions {
  fieldManager?: string;
  /**
   * Write only if the object is still at this version (the apiserver answers 409 otherwise):
   * for a decision that holds only for the version it was made from.
   */
  resourceVersion?: string | undefined;
}

/**
 * Merges fields into an object's status (JSON merge patch on /status). Template runs have
 * two writers — the operator owns phase, times and conditions, the scaffolder owns steps,
 * outputs and the log — and a merge patch touches only the fields it names, so neither can
 * remove what the other wrote. Fields set to null are removed.
 */
export async function mergeStatus(
  client: RawKubeClient,
  type: ResourceType,
  namespace: string,
  name: string,
  status: object,
  options: MergeOptions = {},
): Promise<MergeResult> {
  const { fieldManager = OPERATOR_FIELD_MANAGER, resourceVersion } = options;
  const path = objectPath(type, namespace, name, 'status');
  const body = resourceVersion ? { metadata: { resourceVersion }, status } : { status };
  try {
    await client.request({ method: 'PATCH', path, query: { fieldManager }, contentType: 'application/merge-patch+json', body });
    return 'written';
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    if (resourceVersion && error instanceof KubeApiError && error.code === 409) return 'conflict';
    throw error;
  }
}
