import { collectionPath, objectPath, type ResourceType } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { isForbidden, isNotFound, KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';
import { scaffoldJob, type JobSettings } from './job.ts';
import { jobNameFor, snapshotName } from './job-name.ts';
import type { TemplateObject, TemplateRunObject } from '../api/objects.ts';
import { ALLOWED_HOSTS_ANNOTATION } from '../git/git-remote.ts';
import { credentialEnvs, type CredentialEnv } from './scaffold-env.ts';
import { snapshotConfigMap, takeSnapshot, type RunSnapshot } from './snapshot.ts';

/** Why a run cannot start, for its status: something its author or a platform team can fix. */
export type StartFailure = { failed: string };

/**
 * A run checked and ready to start. `start` creates what runs it; the operator calls it only
 * once it has marked the run Running, so nothing runs for a run whose status says otherwise.
 */
export interface PreparedJob {
  jobName: string;
  start: () => Promise<void>;
}

/** Any 4xx but 429: a request the apiserver will refuse again, so the run fails with it. */
const isRefusal = (error: unknown): error is KubeApiError =>
  error instanceof KubeApiError && error.code >= 400 && error.code < 500 && error.code !== 429;

/**
 * The snapshot a run starts from: the Template the operator checked the values against, its
 * skeleton ConfigMap read now (from the Template's namespace, with the operator's rights),
 * and the values.
 */
export async function gatherSnapshot(
  client: RawKubeClient,
  run: TemplateRunObject,
  template: TemplateObject,
): Promise<{ snapshot: RunSnapshot } | StartFailure> {
  const ref = template.spec.skeleton.configMapRef;
  if (!ref) return { snapshot: takeSnapshot(run, template) };
  const where = `${template.metadata.namespace}/${ref.name}`;
  try {
    const configMap = await client.request<{ data?: Record<string, string>; binaryData?: Record<string, string> }>({
      method: 'GET',
      path: objectPath(RESOURCES.configMaps, template.metadata.namespace, ref.name),
    });
    return { snapshot: takeSnapshot(run, template, configMap) };
  } catch (error) {
    if (isNotFound(error))
      return {
        failed: `the skeleton ConfigMap ${where} (spec.skeleton.configMapRef of Template ${template.metadata.namespace}/${template.metadata.name}) does not exist`,
      };
    if (isRefusal(error)) return { failed: `the skeleton ConfigMap ${where} could not be read: ${error.message}` };
    throw error;
  }
}

/**
 * Checks what a run's Job needs before anything is created: the ServiceAccount it runs as,
 * the Secrets it takes credentials from (when the operator may read them; otherwise the
 * kubelet is the one to find one missing) and a snapshot that fits a ConfigMap. A problem
 * someone can fix fails the run with the reason; an apiserver that is down or busy throws,
 * and the run is retried.
 */
export async function prepareJob(
  client: RawKubeClient,
  run: TemplateRunObject,
  snapshot: RunSnapshot,
  settings: JobSettings,
): Promise<PreparedJob | StartFailure> {
  const { namespace } = run.metadata;
  try {
    await client.request({
      method: 'GET',
      path: objectPath(RESOURCES.serviceAccounts, namespace, settings.serviceAccountName),
    });
  } catch (error) {
    if (isNotFound(error))
      return {
        failed: `ServiceAccount ${namespace}/${settings.serviceAccountName}, which scaffolding Jobs run as, does not exist; the Helm chart creates it in the namespaces listed in scaffolder.namespaces`,
      };
    // The chart lets the operator start Jobs only in scaffolder.namespaces: this is not one.
    if (isForbidden(error))
      return {
        failed: `the operator may not start scaffolding Jobs in namespace ${namespace} (${error.message}); with the Helm chart, add ${namespace} to scaffolder.namespaces`,
      };
    throw error;
  }
  const credentials = await checkCredentials(client, snapshot);
  if ('failed' in credentials) return credentials;
  const configMap = snapshotConfigMap(run, snapshot);
  if ('failed' in configMap) return configMap;
  const jobName = jobNameFor(run);
  return {
    jobName,
    start: async () => {
      await createOwned(client, RESOURCES.configMaps, namespace, snapshotName(run), run, configMap.configMap, 'data');
      await createOwned(client, RESOURCES.jobs, namespace, jobName, run, scaffoldJob(run, snapshot, settings, credentials.hosts));
    },
  };
}

/**
 * Creates an object the run owns. One left by an earlier attempt whose status write did not
 * land is adopted — a ConfigMap only if it holds the same snapshot (it is immutable, so a
 * different one is replaced). Anything the apiserver refuses throws, and the operator fails
 * the run with its message.
 */
async function createOwned(
  client: RawKubeClient,
  type: ResourceType,
  namespace: string,
  name: string,
  run: TemplateRunObject,
  body: object,
  compare?: 'data',
): Promise<void> {
  const collection = collectionPath(type, namespace);
  try {
    await client.request({ method: 'POST', path: collection, query: { fieldManager: 'greenroom-operator' }, body });
    return;
  } catch (error) {
    if (!(error instanceof KubeApiError && error.code === 409)) throw error;
  }
  const path = objectPath(type, namespace, name);
  const existing = await client.request<{ metadata?: { ownerReferences?: { uid: string }[] }; data?: unknown }>({ method: 'GET', path });
  if (!existing.metadata?.ownerReferences?.some((o) => o.uid === run.metadata.uid))
    throw new StartError(`${name} already exists and belongs to something else`);
  if (compare && JSON.stringify(existing.data) !== JSON.stringify((body as { data?: unknown }).data)) {
    await client.request({ method: 'DELETE', path });
    await client.request({ method: 'POST', path: collection, query: { fieldManager: 'greenroom-operator' }, body });
  }
}

/** Starting failed in a way retrying will not mend. */
class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

/** Whether an error from `start` should fail the run (true) or be retried (false). */
export const failsTheRun = (error: unknown): boolean => error instanceof StartError || isRefusal(error);

/** Missing, for a Secret a template names: always looked up in the run's namespace. */
function missingSecret(snapshot: RunSnapshot, c: CredentialEnv, what: string): StartFailure {
  const { namespace } = snapshot.run;
  const elsewhere = snapshot.template.namespace !== namespace ? `, not the Template's namespace ${snapshot.template.namespace}` : '';
  return {
    failed: `${what} (credentials for ${c.purpose}); the Secrets a Template names are read from the run's namespace ${namespace}${elsewhere}: create it there`,
  };
}

/** A Secret's keys (decoded) and the hosts its annotation lets its credentials go to, if any. */
interface ReadSecret {
  data: Record<string, string>;
  allowedHosts: string | undefined;
}

async function readSecret(client: RawKubeClient, namespace: string, name: string): Promise<ReadSecret | undefined> {
  try {
    const secret = await client.request<{ metadata?: { annotations?: Record<string, string> }; data?: Record<string, string> }>({
      method: 'GET',
      path: objectPath(RESOURCES.secrets, namespace, name),
    });
    return {
      data: Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
      allowedHosts: secret.metadata?.annotations?.[ALLOWED_HOSTS_ANNOTATION],
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The operator may not read a Secret, so it cannot tell where the Secret's credentials may go. */
function unreadable(namespace: string, c: CredentialEnv, error: KubeApiError): StartFailure {
  return {
    failed: `the operator may not read Secret ${namespace}/${c.secretName} (credentials for ${c.purpose}; ${error.message}), so it cannot learn from its ${ALLOWED_HOSTS_ANNOTATION} annotation which hosts they may go to; with the Helm chart, add ${c.secretName} to rbac.secretNames`,
  };
}

/**
 * For a Job: that each Secret exists with its key, and the hosts its annotation allows — as
 * plain variables for the Job (the kubelet resolves the credentials themselves from
 * secretKeyRefs, but it cannot pass on an annotation). A Secret the operator may not read
 * (the chart's rbac.secretNames) fails the run: its credentials would go nowhere.
 */
async function checkCredentials(client: RawKubeClient, snapshot: RunSnapshot): Promise<StartFailure | { hosts: Record<string, string> }> {
  const { namespace } = snapshot.run;
  const hosts: Record<string, string> = {};
  for (const c of credentialEnvs(snapshot.template.spec)) {
    let secret;
    try {
      secret = await readSecret(client, namespace, c.secretName);
    } catch (error) {
      if (isForbidden(error)) return unreadable(namespace, c, error);
      throw error;
    }
    if (!secret) return missingSecret(snapshot, c, `Secret ${namespace}/${c.secretName} does not exist`);
    if (secret.data[c.passwordKey] === undefined)
      return missingSecret(snapshot, c, `Secret ${namespace}/${c.secretName} has no key ${c.passwordKey}`);
    if (secret.allowedHosts !== undefined) hosts[c.hostsVar] = secret.allowedHosts;
  }
  return { hosts };
}

/** The credentials an in-process scaffolder gets as environment variables, read from the run's namespace. */
export async function readCredentials(
  client: RawKubeClient,
  snapshot: RunSnapshot,
): Promise<{ env: Record<string, string> } | StartFailure> {
  const { namespace } = snapshot.run;
  const env: Record<string, string> = {};
  for (const c of credentialEnvs(snapshot.template.spec)) {
    let secret;
    try {
      secret = await readSecret(client, namespace, c.secretName);
    } catch (error) {
      // In-process scaffolders get credentials from the operator, which reads only the Secrets it was given.
      if (isForbidden(error))
        return {
          failed: `the operator may not read Secret ${namespace}/${c.secretName} (credentials for ${c.purpose}; ${error.message}); with the Helm chart, add ${c.secretName} to rbac.secretNames`,
        };
      throw error;
    }
    if (!secret) return missingSecret(snapshot, c, `Secret ${namespace}/${c.secretName} does not exist`);
    const password = secret.data[c.passwordKey];
    if (password === undefined) return missingSecret(snapshot, c, `Secret ${namespace}/${c.secretName} has no key ${c.passwordKey}`);
    env[c.passwordVar] = password;
    env[c.usernameVar] = secret.data[c.usernameKey] ?? '';
    if (secret.allowedHosts !== undefined) env[c.hostsVar] = secret.allowedHosts;
  }
  return { env };
}
