import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { isForbidden, isNotFound, type RawKubeClient } from '../kube/raw-client.ts';
import type { TemplateObject, TemplateRunObject } from '../api/objects.ts';
import { secretParameterNames, secretsFromData } from './secret-parameters.ts';

/**
 * What the operator found in the Secret a run names for its secret parameters: their values
 * (held in memory only, to check them and hand them to an in-process scaffolder), or why it
 * could not have them.
 */
export type SecretValues =
  { state: 'read'; values: Record<string, string> } | { state: 'missing'; message: string } | { state: 'unreadable'; message: string };

/**
 * Reads the Secret `spec.secretValuesRef` names, in the run's namespace (never the
 * Template's: a run may only use its own namespace's Secrets). Undefined when the run names
 * none. An apiserver that is down throws, and the run is retried.
 */
export async function readSecretValues(
  client: RawKubeClient,
  run: TemplateRunObject,
  template: TemplateObject,
): Promise<SecretValues | undefined> {
  const ref = run.spec.secretValuesRef;
  if (!ref) return undefined;
  const { namespace } = run.metadata;
  const where = `Secret ${namespace}/${ref.name} (spec.secretValuesRef)`;
  try {
    const secret = await client.request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: objectPath(RESOURCES.secrets, namespace, ref.name),
    });
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { state: 'read', values: secretsFromData(template.spec.parameters, data) };
  } catch (error) {
    const names = secretParameterNames(template.spec.parameters).join(', ') || 'none';
    if (isNotFound(error))
      return {
        state: 'missing',
        message: `${where} does not exist; create it in namespace ${namespace} with a key per secret parameter of the template (${names})`,
      };
    if (isForbidden(error))
      return {
        state: 'unreadable',
        message: `the operator may not read ${where}: ${error.message}; with the Helm chart, add ${ref.name} to rbac.secretNames`,
      };
    throw error;
  }
}
