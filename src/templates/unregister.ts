import { collectionPath, objectPath } from '../api/resource-paths.ts';
import { CATALOG_KINDS, catalogResource } from '../api/v1alpha1/index.ts';
import { isNotFound, type RawKubeClient } from '../kube/raw-client.ts';
import { RUN_UID_LABEL } from './scaffold.ts';

/** A failed run leaves nothing half-registered: every entity labelled with its uid goes. */
export async function removeRegistered(client: RawKubeClient, namespace: string, uid: string): Promise<string[]> {
  const removed: string[] = [];
  for (const kind of CATALOG_KINDS) {
    const type = catalogResource(kind);
    const list = await client.request<{ items: { metadata: { name: string } }[] }>({
      method: 'GET',
      path: collectionPath(type, namespace),
      query: { labelSelector: `${RUN_UID_LABEL}=${uid}` },
    });
    for (const item of list.items) {
      await client.request({ method: 'DELETE', path: objectPath(type, namespace, item.metadata.name) }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      removed.push(`${kind.kind.toLowerCase()}:${namespace}/${item.metadata.name}`);
    }
  }
  return removed;
}
