import { collectionPath, objectPath } from '../api/resource-paths.ts';
import { API_VERSION } from '../api/v1alpha1/group-version.ts';
import { RESOURCES } from '../api/v1alpha1/resources.ts';
import { SYNC_REQUEST_ANNOTATION } from '../api/v1alpha1/catalog-source.ts';
import { REBUILD_ANNOTATION } from '../api/v1alpha1/doc-source.ts';
import { KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';
import type { TemplateRunSpec } from '../api/objects.ts';

/** Whom a write is made as: the signed-in person's Kubernetes username and groups. */
export interface Actor {
  username: string;
  groups: readonly string[];
}

/** A TemplateRun to create: the apiserver completes its name from `generateName`. */
export interface NewRun {
  namespace: string;
  generateName: string;
  spec: TemplateRunSpec;
  annotations?: Record<string, string>;
}

/**
 * What the portal may do in the cluster, always as the person who asked: the apiserver
 * authorizes each write by their RBAC (the operator's own rights only let it impersonate) and
 * its audit log names them. The dashboard depends on this interface, not on a client.
 */
export interface SelfService {
  /** Creates the run; resolves to its name. */
  startRun(as: Actor, run: NewRun): Promise<{ namespace: string; name: string }>;
  /** Deletes the run, which is how a run is cancelled (its Job or child process goes with it). */
  cancelRun(as: Actor, namespace: string, name: string): Promise<void>;
  /** Asks the docs controller for a build now (the greenroom.dev/rebuild-requested-at annotation). */
  rebuildDocs(as: Actor, namespace: string, name: string, at: Date): Promise<void>;
  /** Asks the CatalogSource controller for a check now (the greenroom.dev/sync-requested-at annotation). */
  syncCatalogSource(as: Actor, namespace: string, name: string, at: Date): Promise<void>;
}

/** The portal's field manager, so `managedFields` tell its writes from kubectl's. */
export const PORTAL_FIELD_MANAGER = 'greenroom-portal';

/** {@link SelfService} over the operator's client, every request impersonating `as`. */
export function clusterWrites(client: RawKubeClient): SelfService {
  const impersonate = (as: Actor) => ({ user: as.username, groups: as.groups });
  // "Do it now" requests: a timestamp annotation the object's controller compares with its status.
  const annotate = async (as: Actor, path: string, annotation: string, at: Date): Promise<void> => {
    await client.request({
      method: 'PATCH',
      path,
      query: { fieldManager: PORTAL_FIELD_MANAGER },
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [annotation]: at.toISOString() } } },
      impersonate: impersonate(as),
    });
  };
  return {
    async startRun(as, run) {
      const created = await client.request<{ metadata: { name: string; namespace: string } }>({
        method: 'POST',
        path: collectionPath(RESOURCES.templateRuns, run.namespace),
        query: { fieldManager: PORTAL_FIELD_MANAGER },
        body: {
          apiVersion: API_VERSION,
          kind: 'TemplateRun',
          metadata: { generateName: run.generateName, ...(run.annotations ? { annotations: run.annotations } : {}) },
          spec: run.spec,
        },
        impersonate: impersonate(as),
      });
      return { namespace: created.metadata.namespace, name: created.metadata.name };
    },
    async cancelRun(as, namespace, name) {
      await client.request({
        method: 'DELETE',
        path: objectPath(RESOURCES.templateRuns, namespace, name),
        query: { propagationPolicy: 'Background' },
        impersonate: impersonate(as),
      });
    },
    rebuildDocs: (as, namespace, name, at) => annotate(as, objectPath(RESOURCES.docSources, namespace, name), REBUILD_ANNOTATION, at),
    syncCatalogSource: (as, namespace, name, at) =>
      annotate(as, objectPath(RESOURCES.catalogSources, namespace, name), SYNC_REQUEST_ANNOTATION, at),
  };
}

/**
 * The apiserver's own words for a write it refused (RBAC, admission, validation, a name in
 * use): what the page shows, e.g. `templateruns.greenroom.dev is forbidden: User "bob" cannot
 * create resource "templateruns" in API group "greenroom.dev" in the namespace "team-b"`.
 * Undefined for anything else (the apiserver unreachable, a bug), which is a 500.
 */
export function refusal(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof KubeApiError) || error.code < 400 || error.code >= 500 || error.code === 429) return undefined;
  const message = (error.body as { message?: unknown } | undefined)?.message;
  return { status: error.code, message: typeof message === 'string' ? message : error.message };
}
