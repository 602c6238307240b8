import type { KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import type { DocSourceObject } from '../controllers/doc-source/decide.ts';
import { isNotFound, KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';

/*
 * Where built sites live: gzip'd JSON split over ConfigMaps owned by their DocSource (see
 * src/docs/store.ts for the bytes). One build's ConfigMaps share a site id, the hash of its
 * bytes, so storing the same build again is a no-op and readers assemble exactly one build.
 */

/** Label: the owning DocSource's uid (what the operator's ConfigMap informer selects). */
export const SOURCE_UID = 'greenroom.dev/docsource-uid';
/** Label: which build a chunk belongs to. */
export const SITE_ID = 'greenroom.dev/site';
/** Annotation: the chunk's position in its build. */
const CHUNK = 'greenroom.dev/chunk';
const DATA_KEY = 'site.json.gz';

const ofSource = (all: KubernetesObject[], source: DocSourceObject): KubernetesObject[] => all.filter((c) => c.metadata?.labels?.[SOURCE_UID] === source.metadata.uid);

/** The cached ConfigMaps of the build the status says is served, in chunk order. */
export function servedChunks(all: KubernetesObject[], source: DocSourceObject): KubernetesObject[] {
  const id = source.status?.site?.id;
  if (!id) return [];
  return ofSource(all, source)
    .filter((c) => c.metadata?.labels?.[SITE_ID] === id)
    .sort((a, b) => Number(a.metadata?.annotations?.[CHUNK]) - Number(b.metadata?.annotations?.[CHUNK]));
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
        name: `${name.slice(0, 200).replace(/[-.]+$/, '')}-site-${id}-${index}`,
        namespace,
        labels: { [SOURCE_UID]: uid, [SITE_ID]: id, 'app.kubernetes.io/managed-by': 'greenroom' },
        annotations: { [CHUNK]: String(index), 'greenroom.dev/chunks': String(chunks.length), 'greenroom.dev/docsource': name },
        ownerReferences: [{ apiVersion: API_VERSION, kind: 'DocSource', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      binaryData: { [DATA_KEY]: chunk.toString('base64') },
    };
    try {
      await client.request({ method: 'POST', path: `/api/v1/namespaces/${namespace}/configmaps`, query: { fieldManager: 'greenroom-operator' }, body });
    } catch (error) {
      // Same id, same bytes: stored by an earlier attempt.
      if (!(error instanceof KubeApiError && error.code === 409)) throw error;
    }
  }
}

/** Older builds go once the new one is served (status points at it), so readers never see a gap. */
export async function removeOtherBuilds(client: RawKubeClient, source: DocSourceObject, id: string): Promise<void> {
  const { namespace, uid } = source.metadata;
  const list = await client.request<{ items: { metadata: { name: string } }[] }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps`, query: { labelSelector: `${SOURCE_UID}=${uid},${SITE_ID}!=${id}` } });
  for (const item of list.items) {
    await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}/configmaps/${encodeURIComponent(item.metadata.name)}` }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }
}
