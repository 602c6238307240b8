import { parseAllDocuments } from 'yaml';
import { collectionPath, objectPath } from '../api/resource-paths.ts';
import { API_VERSION, catalogKind, catalogResource } from '../api/v1alpha1/index.ts';
import { refOf } from '../catalog/refs.ts';
import { KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';

/** Field manager of what template runs register. */
export const REGISTER_FIELD_MANAGER = 'greenroom-templates';

export class RegisterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegisterError';
  }
}

export interface CatalogManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

/** Parses the rendered catalog file into catalog objects for `namespace`, or says what is wrong with it. */
export function catalogManifests(text: string, file: string, namespace: string): CatalogManifest[] {
  const out: CatalogManifest[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) throw new RegisterError(`${file}: ${doc.errors[0]?.message}`);
    const object = doc.toJS() as CatalogManifest | null;
    if (!object) continue;
    const kind = object.kind ? catalogKind(object.kind) : undefined;
    if (object.apiVersion !== API_VERSION || !kind)
      throw new RegisterError(
        `${file} document ${index + 1}: only ${API_VERSION} catalog kinds can be registered, not ${object.apiVersion}/${object.kind}`,
      );
    if (!object.metadata?.name) throw new RegisterError(`${file} document ${index + 1}: metadata.name is missing`);
    if (object.metadata.namespace && object.metadata.namespace !== namespace) {
      throw new RegisterError(
        `${file} document ${index + 1}: a run registers into its own namespace ${namespace}, not ${object.metadata.namespace}`,
      );
    }
    out.push({ ...object, kind: kind.kind, metadata: { ...object.metadata, namespace } });
  }
  if (out.length === 0) throw new RegisterError(`${file} holds no catalog entity`);
  return out;
}

/**
 * Creates the entities of a rendered catalog file. Creation, not apply: a run must not take
 * over an entity somebody else owns. If one fails, those created before it are deleted
 * again, so a failed run leaves nothing half-registered. Returns their refs.
 */
export async function registerEntities(client: RawKubeClient, manifests: CatalogManifest[]): Promise<string[]> {
  const created: { path: string; ref: string }[] = [];
  try {
    for (const m of manifests) {
      const kind = catalogKind(m.kind!)!;
      const namespace = m.metadata!.namespace!;
      const type = catalogResource(kind);
      await client.request({
        method: 'POST',
        path: collectionPath(type, namespace),
        query: { fieldManager: REGISTER_FIELD_MANAGER },
        body: m,
      });
      created.push({ path: objectPath(type, namespace, m.metadata!.name!), ref: refOf(kind.kind, namespace, m.metadata!.name!) });
    }
  } catch (error) {
    for (const c of created.reverse()) {
      await client.request({ method: 'DELETE', path: c.path }).catch(() => undefined);
    }
    const reason =
      error instanceof KubeApiError
        ? error.code === 409
          ? 'already exists'
          : `${error.code} ${(error.body as { message?: string } | undefined)?.message ?? ''}`
        : String(error);
    throw new RegisterError(
      `registering ${manifests[created.length]?.kind} ${manifests[created.length]?.metadata?.name} failed: ${reason}; ${created.length} created before it were removed`,
    );
  }
  return created.map((c) => c.ref);
}
