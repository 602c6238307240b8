import { objectPath } from '../../api/resource-paths.ts';
import { catalogKind, catalogResource } from '../../api/v1alpha1/index.ts';
import {
  ORIGIN_LINE_ANNOTATION,
  ORIGIN_LOCATION_ANNOTATION,
  type Conflict,
  type EntityKey,
  type SyncPlan,
} from '../../catalog-sources/plan.ts';
import type { SourceProblem } from '../../catalog-sources/provider.ts';
import type { GreenroomObject } from '../../convert/model.ts';
import { isNotFound, isTransientApiError, KubeApiError, type RawKubeClient } from '../../kube/raw-client.ts';
import { ApiUnavailableError } from '../named-secrets.ts';

/** The objects a CatalogSource owns: deleting the source deletes what it wrote (the garbage collector does). */
export interface SourceOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface SyncWriterOptions {
  client: RawKubeClient;
  namespace: string;
  /** One field manager per source, so a person can see in managedFields which source wrote what. */
  fieldManager: string;
  owner: SourceOwner;
  /** Requests in flight at once: enough to sync thousands of entities in seconds, few enough to leave the apiserver to the other controllers. */
  concurrency: number;
  signal: AbortSignal;
}

/** What carrying out a plan did; entities the apiserver refused become problems or conflicts, not a failed sync. */
export interface SyncWrites {
  created: number;
  updated: number;
  deleted: number;
  /** Creates the apiserver refused: those entities are not held after all. */
  refusedCreates: number;
  conflicts: Conflict[];
  problems: SourceProblem[];
}

/** A field manager name for a source (managedFields names are at most 128 characters). */
export const fieldManagerOf = (name: string): string => `greenroom-catalogsource-${name}`.slice(0, 128);

const pathOf = (kind: string, namespace: string, name: string): string => {
  const definition = catalogKind(kind);
  if (!definition) throw new Error(`${kind} is not a catalog kind`);
  return objectPath(catalogResource(definition), namespace, name);
};

/** Runs `work` over the items with at most `limit` at once; stops starting new ones once the signal is aborted. */
async function eachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (signal.aborted) throw new ApiUnavailableError(`the sync was stopped: ${String(signal.reason ?? 'aborted')}`);
}

const originOf = (object: GreenroomObject): Pick<SourceProblem, 'location' | 'line'> => {
  const line = Number(object.metadata.annotations[ORIGIN_LINE_ANNOTATION]);
  return {
    location: object.metadata.annotations[ORIGIN_LOCATION_ANNOTATION] ?? '',
    ...(Number.isInteger(line) && line > 0 ? { line } : {}),
  };
};

/**
 * Carries out a sync plan: server-side applies (without force, so fields someone else set
 * are never taken over — the apiserver answers 409 and the entity is reported as a
 * conflict) and deletes what the source no longer holds. An entity the apiserver refuses
 * (422: a rule of its kind) is a problem naming its file; passing trouble (the apiserver busy
 * or down) fails the whole sync, which is retried.
 */
export async function carryOut(plan: SyncPlan, options: SyncWriterOptions): Promise<SyncWrites> {
  const writes: SyncWrites = { created: 0, updated: 0, deleted: 0, refusedCreates: 0, conflicts: [], problems: [] };
  const { client, namespace, owner, signal } = options;
  await eachLimited(plan.apply, options.concurrency, signal, async ({ object, change }) => {
    const body = {
      ...object,
      metadata: { ...object.metadata, ownerReferences: [{ ...owner, controller: false, blockOwnerDeletion: false }] },
    };
    try {
      await client.request({
        method: 'PATCH',
        path: pathOf(object.kind, namespace, object.metadata.name),
        query: { fieldManager: options.fieldManager, force: 'false' },
        body,
        contentType: 'application/apply-patch+yaml',
      });
      if (change === 'create') writes.created++;
      else writes.updated++;
    } catch (error) {
      refused(error, object, writes);
      if (change === 'create') writes.refusedCreates++;
    }
  });
  await eachLimited(plan.remove, options.concurrency, signal, async (entity: EntityKey) => {
    try {
      await client.request({ method: 'DELETE', path: pathOf(entity.kind, namespace, entity.name) });
      writes.deleted++;
    } catch (error) {
      if (isNotFound(error)) return;
      if (isTransientApiError(error))
        throw new ApiUnavailableError(`${entity.kind} ${entity.name} could not be deleted: ${(error as Error).message}`);
      writes.problems.push({ location: `${entity.kind} ${entity.name}`, reason: `could not be deleted: ${(error as Error).message}` });
    }
  });
  return writes;
}

/** Sorts an apiserver's refusal of one entity into a conflict or a problem; rethrows passing trouble. */
function refused(error: unknown, object: GreenroomObject, writes: SyncWrites): void {
  if (isTransientApiError(error) || !(error instanceof KubeApiError))
    throw error instanceof KubeApiError
      ? new ApiUnavailableError(`${object.kind} ${object.metadata.name} could not be written: ${error.message}`)
      : error;
  const at = originOf(object);
  if (error.code === 409) {
    writes.conflicts.push({
      kind: object.kind,
      name: object.metadata.name,
      location: at.location,
      holder: `someone else (${error.message})`,
    });
    return;
  }
  writes.problems.push({ ...at, reason: `${object.kind} ${object.metadata.name} was refused by the apiserver: ${error.message}` });
}
