import { objectPath } from '../../api/resource-paths.ts';
import { RESOURCES, type ResourceKind } from '../../api/v1alpha1/index.ts';
import { isNotFound, isTransientApiError, KubeApiError, type RawKubeClient } from '../../kube/raw-client.ts';
import type { DocSourceObject } from './decide.ts';
import { FetchError, SourceUnavailableError } from './failures.ts';
import { fetchGitSkeleton } from '../../git/fetch-git.ts';
import type { GitCredentials } from '../../git/git-cli.ts';
import { isCommitId, remoteCommit } from '../../git/remote-commit.ts';
import { ALLOWED_HOSTS_ANNOTATION, parseAllowedHosts } from '../../git/git-remote.ts';
import { SkeletonError, skeletonFromConfigMap, type ReadBudget, type SkeletonFiles } from '../../file-tree/skeleton.ts';

/**
 * Reads an object the source names (its Secret, its ConfigMap). Whatever goes wrong says
 * which object and what to do: missing and forbidden are for a person to fix, a busy or
 * unreachable apiserver is retried.
 */
async function readNamed<T>(client: RawKubeClient, source: DocSourceObject, type: ResourceKind, name: string): Promise<T> {
  const { namespace } = source.metadata;
  const what = `${type.kind} ${name}`;
  try {
    return await client.request<T>({
      method: 'GET',
      path: objectPath(type, namespace, name),
    });
  } catch (error) {
    if (isNotFound(error)) throw new FetchError(`${what} does not exist in namespace ${namespace}`);
    if (error instanceof KubeApiError && (error.code === 401 || error.code === 403)) {
      throw new FetchError(
        `the operator may not read ${what} (${error.code}); its ServiceAccount needs get on ${type.plural} in namespace ${namespace}`,
      );
    }
    if (isTransientApiError(error)) throw new SourceUnavailableError(`${what} could not be read: ${(error as Error).message}`);
    if (error instanceof KubeApiError) throw new FetchError(`${what} could not be read: ${error.message}`);
    throw error;
  }
}

/** How the operator lets git reach a DocSource's repository. */
export interface GitAccess {
  /** Whether http:// repositories are allowed (--allow-http-git); https always is. */
  allowHttp: boolean;
  /** Checked before each file of a checkout is read, so an oversized repository is refused before it is held in memory. */
  beforeRead?: ReadBudget;
}

/**
 * The credentials a DocSource names, with the hosts their Secret's greenroom.dev/allowed-hosts
 * annotation lets them go to: whoever writes the DocSource chooses the URL, not where the
 * token goes (withGit refuses any other host before connecting).
 */
async function credentials(client: RawKubeClient, source: DocSourceObject): Promise<GitCredentials | undefined> {
  const ref = source.spec.source.git?.secretRef;
  if (!ref) return undefined;
  const secret = await readNamed<{ metadata?: { annotations?: Record<string, string> }; data?: Record<string, string> }>(
    client,
    source,
    RESOURCES.secrets,
    ref.name,
  );
  const value = (key: string) => (secret.data?.[key] === undefined ? undefined : Buffer.from(secret.data[key], 'base64').toString('utf8'));
  const password = value(ref.passwordKey ?? 'password');
  if (password === undefined) throw new FetchError(`Secret ${ref.name} has no key ${ref.passwordKey ?? 'password'}`);
  return {
    username: value(ref.usernameKey ?? 'username') ?? '',
    password,
    allowedHosts: parseAllowedHosts(secret.metadata?.annotations?.[ALLOWED_HOSTS_ANNOTATION]),
    source: `Secret ${source.metadata.namespace}/${ref.name}`,
  };
}

/** A git directory that cannot be read as docs, said in the DocSource's terms (source.git.path), not a template's. */
export function docsProblem(error: SkeletonError, git: NonNullable<DocSourceObject['spec']['source']['git']>): FetchError {
  const at = `at ${git.ref ?? 'main'} of ${git.url}`;
  switch (error.problem?.kind) {
    case 'missing-path':
      return new FetchError(`source.git.path ${JSON.stringify(git.path)} does not exist ${at}; fix the path or push the docs there`);
    case 'empty-path':
      return new FetchError(`source.git.path ${JSON.stringify(git.path ?? '/')} holds no files ${at}`);
    case 'unsafe-path':
      return new FetchError(
        `source.git.path ${JSON.stringify(git.path)} is not a directory inside the repository${error.problem.why ? ` (${error.problem.why})` : ''}; write it relative to the repository's root, without .. or symlinks leading out`,
      );
    case 'symlink':
      return new FetchError(
        `${error.problem.path} in the docs is a symlink ${at}; symlinks are not followed (one could point outside the repository), so commit the file itself`,
      );
    default:
      return new FetchError(error.message);
  }
}

/**
 * What the source holds now, cheaply: the commit a git ref points at (git ls-remote, no
 * clone), or a ConfigMap's resourceVersion. Compared with the served build's to decide
 * whether to build.
 */
export async function currentRevision(
  client: RawKubeClient,
  source: DocSourceObject,
  access: GitAccess = { allowHttp: false },
): Promise<string> {
  const git = source.spec.source.git;
  if (git) {
    const ref = git.ref ?? 'main';
    if (isCommitId(ref)) return ref;
    const remote = { credentials: await credentials(client, source), allowHttp: access.allowHttp, timeoutMs: 30_000 };
    const commit = await remoteCommit(git.url, ref, remote);
    if (!commit) throw new FetchError(`ref ${ref} was not found in ${git.url}`);
    return commit;
  }
  return `configmap/${source.spec.source.configMapRef!.name}@${(await readConfigMap(client, source)).metadata.resourceVersion}`;
}

/** The source's files and the revision they are at. */
export async function fetchDocFiles(
  client: RawKubeClient,
  source: DocSourceObject,
  access: GitAccess = { allowHttp: false },
): Promise<{ files: SkeletonFiles; revision: string }> {
  const git = source.spec.source.git;
  if (git) {
    const secret = await credentials(client, source);
    try {
      const fetched = await fetchGitSkeleton({
        url: git.url,
        ref: git.ref,
        path: git.path,
        credentials: secret,
        allowHttp: access.allowHttp,
        beforeRead: access.beforeRead,
        timeoutMs: 120_000,
      });
      return { files: fetched.files, revision: fetched.commit };
    } catch (error) {
      throw error instanceof SkeletonError ? docsProblem(error, git) : error;
    }
  }
  const configMap = await readConfigMap(client, source);
  const name = source.spec.source.configMapRef!.name;
  try {
    return {
      files: skeletonFromConfigMap(configMap.data ?? {}, configMap.binaryData ?? {}),
      revision: `configmap/${name}@${configMap.metadata.resourceVersion}`,
    };
  } catch (error) {
    throw error instanceof SkeletonError ? configMapProblem(error, name) : error;
  }
}

/** A ConfigMap key that names no file inside the docs, said in the DocSource's terms. */
export function configMapProblem(error: SkeletonError, configMap: string): FetchError {
  if (error.problem?.kind !== 'unsafe-path') return new FetchError(error.message);
  return new FetchError(
    `ConfigMap ${configMap} key ${JSON.stringify(error.problem.path)} is not a file path inside the docs (${error.problem.why}); name keys like guides__setup.md`,
  );
}

interface ConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

const readConfigMap = (client: RawKubeClient, source: DocSourceObject): Promise<ConfigMap> =>
  readNamed<ConfigMap>(client, source, RESOURCES.configMaps, source.spec.source.configMapRef!.name);
