import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** Field manager for everything Greenroom applies outside reconciliation (demo, install). */
export const INSTALL_FIELD_MANAGER = 'greenroom-install';

/** Reads every YAML document from the *.yaml files of a directory, in file-name order. */
export async function readManifests(dir: string): Promise<KubernetesObject[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as KubernetesObject | null;
      if (object) objects.push(object);
    }
  }
  return objects;
}

/** Server-side applies each object (create or update) with one field manager. */
export async function applyObjects(config: KubeConfig, objects: KubernetesObject[], namespace?: string): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(config);
  for (const object of objects) {
    const body = { ...object, metadata: { ...object.metadata } };
    if (namespace && !body.metadata.namespace && body.kind !== 'CustomResourceDefinition' && body.kind !== 'Namespace') {
      body.metadata.namespace = namespace;
    }
    await client.patch(body, undefined, undefined, INSTALL_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
}

/** Waits until every named CRD reports Established, so its kind can be used right away. */
export async function waitForCrdsEstablished(config: KubeConfig, names: string[], timeoutMs = 60_000): Promise<void> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
