import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { RawKubeClient } from './raw-client.ts';

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

/**
 * Server-side applies each object (create or update) with one field manager. Objects are
 * sent as written: see {@link RawKubeClient} for why not through client-node's models.
 */
export async function applyObjects(config: KubeConfig, objects: KubernetesObject[], namespace?: string): Promise<void> {
  const client = new RawKubeClient(config);
  for (const object of objects) {
    const { apiVersion, kind, metadata } = object;
    if (!apiVersion || !kind || !metadata?.name) throw new Error('every manifest needs apiVersion, kind and metadata.name');
    const path = await client.resourcePath(apiVersion, kind, metadata.namespace ?? namespace, metadata.name);
    const body = path.includes('/namespaces/') && !metadata.namespace ? { ...object, metadata: { ...metadata, namespace } } : object;
    await client.request({
      method: 'PATCH',
      path,
      query: { fieldManager: INSTALL_FIELD_MANAGER, force: 'true' },
      body,
      contentType: 'application/apply-patch+yaml',
    });
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

/**
 * Installs every CRD of a directory (Greenroom's generated crds/) and waits until each is
 * served, so its kinds can be used at once. Returns how many were installed.
 */
export async function installCrds(config: KubeConfig, dir: string): Promise<number> {
  const crds = await readManifests(dir);
  await applyObjects(config, crds);
  await waitForCrdsEstablished(
    config,
    crds.map((crd) => crd.metadata?.name ?? ''),
  );
  return crds.length;
}
