import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import type { GitCredentials } from '../git/git-cli.ts';
import { ALLOWED_HOSTS_ANNOTATION, parseAllowedHosts } from '../git/git-remote.ts';
import { isNotFound, isTransientApiError, KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';

/** A source that cannot be read for a reason its author (or the cluster's admin) can fix. */
export class SourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceConfigError';
  }
}

/** The apiserver was busy or unreachable while reading what a source names: worth retrying soon. */
export class ApiUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnavailableError';
  }
}

export interface SecretObject {
  metadata?: { annotations?: Record<string, string> };
  data?: Record<string, string>;
}

/**
 * Reads a Secret an object names, in the object's own namespace only (a tenant's object
 * never reaches another namespace's Secrets). Whatever goes wrong says which Secret and what
 * to do: missing and forbidden are for a person to fix, a busy apiserver is retried.
 */
export async function readSecret(client: RawKubeClient, namespace: string, name: string): Promise<SecretObject> {
  const what = `Secret ${name}`;
  try {
    return await client.request<SecretObject>({ method: 'GET', path: objectPath(RESOURCES.secrets, namespace, name) });
  } catch (error) {
    if (isNotFound(error)) throw new SourceConfigError(`${what} does not exist in namespace ${namespace}`);
    if (error instanceof KubeApiError && (error.code === 401 || error.code === 403))
      throw new SourceConfigError(
        `the operator may not read ${what} (${error.code}); with the Helm chart, add it to rbac.secretNames (it needs get on that Secret in namespace ${namespace})`,
      );
    if (isTransientApiError(error)) throw new ApiUnavailableError(`${what} could not be read: ${(error as Error).message}`);
    if (error instanceof KubeApiError) throw new SourceConfigError(`${what} could not be read: ${error.message}`);
    throw error;
  }
}

/** The text of a Secret's key, or undefined when it has none. */
export function secretValue(secret: SecretObject, key: string): string | undefined {
  const data = secret.data?.[key];
  return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
}

/**
 * Git credentials from a Secret, with the hosts its greenroom.dev/allowed-hosts annotation
 * lets them go to: whoever writes the object chooses the URL, not where the token goes.
 */
export async function gitCredentials(
  client: RawKubeClient,
  namespace: string,
  ref: { name: string; usernameKey?: string | undefined; passwordKey?: string | undefined },
): Promise<GitCredentials> {
  const secret = await readSecret(client, namespace, ref.name);
  const passwordKey = ref.passwordKey ?? 'password';
  const password = secretValue(secret, passwordKey);
  if (password === undefined) throw new SourceConfigError(`Secret ${ref.name} has no key ${passwordKey}`);
  return {
    username: secretValue(secret, ref.usernameKey ?? 'username') ?? '',
    password,
    allowedHosts: parseAllowedHosts(secret.metadata?.annotations?.[ALLOWED_HOSTS_ANNOTATION]),
    source: `Secret ${namespace}/${ref.name}`,
  };
}
