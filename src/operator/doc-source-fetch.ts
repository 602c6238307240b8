import { tmpdir } from 'node:os';
import { KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';
import type { DocSourceObject } from '../controllers/doc-source/decide.ts';
import { fetchGitSkeleton } from '../templates/fetch-git.ts';
import { gitIn, type GitCredentials } from '../templates/git-cli.ts';
import { skeletonFromConfigMap, type SkeletonFiles } from '../templates/skeleton.ts';

/** A fetch that failed for a reason the DocSource's author can fix. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

async function credentials(client: RawKubeClient, source: DocSourceObject): Promise<GitCredentials | undefined> {
  const ref = source.spec.source.git?.secretRef;
  if (!ref) return undefined;
  try {
    const secret = await client.request<{ data?: Record<string, string> }>({ method: 'GET', path: `/api/v1/namespaces/${source.metadata.namespace}/secrets/${encodeURIComponent(ref.name)}` });
    const value = (key: string) => (secret.data?.[key] === undefined ? undefined : Buffer.from(secret.data[key], 'base64').toString('utf8'));
    const password = value(ref.passwordKey ?? 'password');
    if (password === undefined) throw new FetchError(`Secret ${ref.name} has no key ${ref.passwordKey ?? 'password'}`);
    return { username: value(ref.usernameKey ?? 'username') ?? '', password };
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) throw new FetchError(`Secret ${ref.name} does not exist`);
    throw error;
  }
}

/**
 * What the source holds now, cheaply: the commit a git ref points at (git ls-remote, no
 * clone), or a ConfigMap's resourceVersion. Compared with the served build's to decide
 * whether to build.
 */
export async function currentRevision(client: RawKubeClient, source: DocSourceObject): Promise<string> {
  const git = source.spec.source.git;
  if (git) {
    const ref = git.ref ?? 'main';
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    const out = await gitIn(tmpdir(), { credentials: await credentials(client, source), timeoutMs: 30_000 })('ls-remote', '--end-of-options', git.url, ref);
    const line = out.split('\n').find((l) => /^[0-9a-f]{40}\s+refs\/(heads|tags)\//.test(l));
    if (!line) throw new FetchError(`ref ${ref} was not found in ${git.url}`);
    return line.slice(0, 40);
  }
  return `configmap/${source.spec.source.configMapRef!.name}@${(await readConfigMap(client, source)).metadata.resourceVersion}`;
}

/** The source's files and the revision they are at. */
export async function fetchDocFiles(client: RawKubeClient, source: DocSourceObject): Promise<{ files: SkeletonFiles; revision: string }> {
  const git = source.spec.source.git;
  if (git) {
    const fetched = await fetchGitSkeleton({ url: git.url, ref: git.ref, path: git.path, credentials: await credentials(client, source), timeoutMs: 120_000 });
    return { files: fetched.files, revision: fetched.commit };
  }
  const configMap = await readConfigMap(client, source);
  return { files: skeletonFromConfigMap(configMap.data ?? {}, configMap.binaryData ?? {}), revision: `configmap/${source.spec.source.configMapRef!.name}@${configMap.metadata.resourceVersion}` };
}

interface ConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

async function readConfigMap(client: RawKubeClient, source: DocSourceObject): Promise<ConfigMap> {
  const name = source.spec.source.configMapRef!.name;
  try {
    return await client.request<ConfigMap>({ method: 'GET', path: `/api/v1/namespaces/${source.metadata.namespace}/configmaps/${encodeURIComponent(name)}` });
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) throw new FetchError(`ConfigMap ${name} does not exist`);
    throw error;
  }
}
