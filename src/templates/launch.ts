import { KubeApiError, type RawKubeClient } from '../kube/raw-client.ts';
import { jobNameFor, scaffoldJob, type JobSettings } from './job.ts';
import type { TemplateObject, TemplateRunObject, TemplateSpec } from './objects.ts';
import { credentialEnvs } from './scaffold-env.ts';

/** A started execution (with its Job's name, for the Job executor) or why it could not start. */
export type Launched = { jobName?: string } | { failed: string };

/**
 * Creates a run's scaffolding Job. A problem the run's author can fix (no ServiceAccount, a
 * Job the apiserver refuses) fails the run with the reason; an apiserver that is down or
 * busy throws, and the run is retried.
 */
export async function launchJob(client: RawKubeClient, run: TemplateRunObject, template: TemplateObject, settings: JobSettings): Promise<Launched> {
  const { namespace } = run.metadata;
  const jobName = jobNameFor(run);
  try {
    await client.request({ method: 'GET', path: `/api/v1/namespaces/${namespace}/serviceaccounts/${encodeURIComponent(settings.serviceAccountName)}` });
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) return { failed: `ServiceAccount ${namespace}/${settings.serviceAccountName}, which scaffolding Jobs run as, does not exist; the Helm chart creates it in the namespaces listed in scaffolder.namespaces` };
    throw error;
  }
  try {
    await client.request({ method: 'POST', path: `/apis/batch/v1/namespaces/${namespace}/jobs`, query: { fieldManager: 'greenroom-operator' }, body: scaffoldJob(run, template, settings) });
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    if (error.code === 409) {
      // Created by an earlier attempt whose status write did not land: adopt it if it is ours.
      const existing = await client.request<{ metadata?: { ownerReferences?: { uid: string }[] } }>({ method: 'GET', path: `/apis/batch/v1/namespaces/${namespace}/jobs/${encodeURIComponent(jobName)}` });
      if (existing.metadata?.ownerReferences?.some((o) => o.uid === run.metadata.uid)) return { jobName };
      return { failed: `a Job named ${jobName} already exists and belongs to something else` };
    }
    if (error.code >= 500 || error.code === 429) throw error;
    return { failed: `the scaffolding Job could not be created: ${error.message}` };
  }
  return { jobName };
}

/** The credentials an in-process scaffolder gets as environment variables, read from the run's namespace. */
export async function readCredentials(client: RawKubeClient, namespace: string, spec: TemplateSpec): Promise<{ env: Record<string, string> } | { failed: string }> {
  const env: Record<string, string> = {};
  for (const c of credentialEnvs(spec)) {
    const secret = await readSecret(client, namespace, c.secretName);
    if (!secret) return { failed: `Secret ${namespace}/${c.secretName} (credentials for ${c.purpose}) does not exist` };
    const password = secret[c.passwordKey];
    if (password === undefined) return { failed: `Secret ${namespace}/${c.secretName} has no key ${c.passwordKey} (credentials for ${c.purpose})` };
    env[c.passwordVar] = password;
    env[c.usernameVar] = secret[c.usernameKey] ?? '';
  }
  return { env };
}

async function readSecret(client: RawKubeClient, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const secret = await client.request<{ data?: Record<string, string> }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/secrets/${encodeURIComponent(name)}` });
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) return undefined;
    throw error;
  }
}
