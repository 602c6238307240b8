import type { KubernetesObject } from '@kubernetes/client-node';
import { collectionPath, objectPath } from '../../api/resource-paths.ts';
import { API_VERSION, RESOURCES } from '../../api/v1alpha1/index.ts';
import type { DocSourceObject } from './decide.ts';
import { StoreConflictError } from './failures.ts';
import { isNotFound, KubeApiError, type RawKubeClient } from '../../kube/raw-client.ts';

/*
 * Where built sites live: gzip'd JSON split over ConfigMaps owned by their DocSource (see
 * src/docs/store.ts for the bytes). One build's ConfigMaps share a site id, the hash of its
 * bytes, so storing the same build again is a no-op and readers assemble exactly one build.
 *
 * Anyone who may create ConfigMaps in the namespace can copy labels, owner references and
 * the deterministic names, so none of them is trusted alone: readers take only the chunk
 * names the build would have, owned by the DocSource's uid, and (store.ts) only bytes whose
 * digest the DocSource's status records; a name already taken is checked, never assumed ours.
 */

/** Label: the owning DocSource's uid (what the operator's ConfigMap informer selects). */
export const SOURCE_UID = 'greenroom.dev/docsource-uid';
/** Label: which build a chunk belongs to. */
export const SITE_ID = 'greenroom.dev/site';
/** Annotation: the chunk's position in its build. */
const CHUNK = 'greenroom.dev/chunk';
const DATA_KEY = 'site.json.gz';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** What the operator's ConfigMap informer selects: chunks only, not every ConfigMap of the namespace. */
export const CHUNK_SELECTOR = `${MANAGED_BY}=greenroom,${SOURCE_UID}`;

/** A chunk's name: deterministic, so a retried store finds what an earlier attempt wrote. */
export const chunkName = (docSource: string, id: string, index: number): string =>
  `${docSource.slice(0, 200).replace(/[-.]+$/, '')}-site-${id}-${index}`;

/** Whether the DocSource with `uid` is the chunk's controlling owner. */
const ownedBy = (object: KubernetesObject, uid: string | undefined): boolean =>
  object.metadata?.ownerReferences?.some((o) => o.controller === true && o.kind === 'DocSource' && o.uid === uid) ?? false;

const ofSource = (all: KubernetesObject[], source: DocSourceObject): KubernetesObject[] =>
  all.filter((c) => c.metadata?.labels?.[SOURCE_UID] === source.metadata.uid);

/**
 * The cached ConfigMaps of the build the status says is served, in chunk order: for each
 * chunk, the one object of the name the operator gave it, if the DocSource owns it. Lookalikes
 * under other names are never picked; a squatter under the right name fails the digest check.
 */
export function servedChunks(all: KubernetesObject[], source: DocSourceObject): KubernetesObject[] {
  const site = source.status?.site;
  if (!site) return [];
  const byName = new Map(all.filter((c) => c.metadata?.namespace === source.metadata.namespace).map((c) => [c.metadata?.name, c]));
  const parts: KubernetesObject[] = [];
  for (let index = 0; index < site.chunks; index++) {
    const chunk = byName.get(chunkName(source.metadata.name, site.id, index));
    if (!chunk || !ownedBy(chunk, source.metadata.uid)) break;
    parts.push(chunk);
  }
  return parts;
}

/** Whether cached ConfigMaps of the source's other builds are left (a clean-up that failed, or was cut short). */
export function otherBuildsLeft(all: KubernetesObject[], source: DocSourceObject): boolean {
  return ofSource(all, source).some((c) => c.metadata?.labels?.[SITE_ID] !== source.status?.site?.id);
}

/** The bytes a chunk ConfigMap holds. */
export const chunkBytes = (configMap: KubernetesObject): Buffer =>
  Buffer.from((configMap as { binaryData?: Record<string, string> }).binaryData?.[DATA_KEY] ?? '', 'base64');

/** Creates the ConfigMaps of one build; those an earlier attempt stored already are left as they are. */
export async function storeChunks(client: RawKubeClient, source: DocSourceObject, id: string, chunks: Buffer[]): Promise<void> {
  const { namespace, name, uid } = source.metadata;
  for (const [index, chunk] of chunks.entries()) {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: chunkName(name, id, index),
        namespace,
        labels: { [SOURCE_UID]: uid, [SITE_ID]: id, [MANAGED_BY]: 'greenroom' },
        annotations: { [CHUNK]: String(index), 'greenroom.dev/chunks': String(chunks.length), 'greenroom.dev/docsource': name },
        ownerReferences: [{ apiVersion: API_VERSION, kind: 'DocSource', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      binaryData: { [DATA_KEY]: chunk.toString('base64') },
    };
    try {
      await client.request({
        method: 'POST',
        path: collectionPath(RESOURCES.configMaps, namespace),
        query: { fieldManager: 'greenroom-operator' },
        body,
      });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 409)) throw error;
      await checkStoredEarlier(client, source, body.metadata.name, chunk);
    }
  }
}

/** A 409 is fine only if an earlier attempt of this build wrote it: owned by this DocSource, with exactly these bytes. */
async function checkStoredEarlier(client: RawKubeClient, source: DocSourceObject, name: string, chunk: Buffer): Promise<void> {
  const { namespace, uid } = source.metadata;
  const existing = await client.request<KubernetesObject>({
    method: 'GET',
    path: objectPath(RESOURCES.configMaps, namespace, name),
  });
  if (!ownedBy(existing, uid) || !chunkBytes(existing).equals(chunk))
    throw new StoreConflictError(
      `ConfigMap ${name} in namespace ${namespace} has the name of a chunk of this build but was not written by the operator for this DocSource; delete it so the build can be stored`,
    );
}

/** Older builds go once the new one is served (status points at it), so readers never see a gap. */
export async function removeOtherBuilds(client: RawKubeClient, source: DocSourceObject, id: string): Promise<void> {
  const { namespace, uid } = source.metadata;
  const list = await client.request<{ items: { metadata: { name: string } }[] }>({
    method: 'GET',
    path: collectionPath(RESOURCES.configMaps, namespace),
    query: { labelSelector: `${SOURCE_UID}=${uid},${SITE_ID}!=${id}` },
  });
  for (const item of list.items) {
    await client
      .request({ method: 'DELETE', path: objectPath(RESOURCES.configMaps, namespace, item.metadata.name) })
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }
}
