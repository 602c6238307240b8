import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { isForbidden, isNotFound, type RawKubeClient } from '../kube/raw-client.ts';

/**
 * On a Group (or User): the Secret in its own namespace holding its webhook URL, as
 * `<secret-name>` (key `url`) or `<secret-name>/<key>`. The URL is a credential (Slack's
 * path is the token), so it lives where RBAC protects it, not in an annotation every
 * reader of the catalog sees.
 */
export const WEBHOOK_SECRET_ANNOTATION = 'greenroom.dev/webhook-secret';

/** The key read when the annotation names only the Secret. */
export const DEFAULT_WEBHOOK_SECRET_KEY = 'url';

/** One key of one Secret. */
export interface SecretKeyRef {
  namespace: string;
  name: string;
  key: string;
}

/** Reads one key of a Secret as text; throws an Error saying what is missing or forbidden. */
export type SecretKeyReader = (ref: SecretKeyRef) => Promise<string>;

/** A DNS subdomain name, as Secret names are. */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Secret data keys: alphanumerics, `-`, `_` and `.`. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The Secret an annotation value names, in the annotated object's namespace (never another:
 * a tenant must not be able to point the operator at someone else's Secret).
 */
export function parseWebhookSecretRef(value: string, namespace: string): SecretKeyRef | { error: string } {
  const [name = '', key = DEFAULT_WEBHOOK_SECRET_KEY, ...rest] = value.trim().split('/');
  if (rest.length > 0) return { error: `${WEBHOOK_SECRET_ANNOTATION} must be <secret-name> or <secret-name>/<key>, got "${value}"` };
  if (name.length > 253 || !SECRET_NAME.test(name))
    return { error: `${WEBHOOK_SECRET_ANNOTATION} names no valid Secret: "${name}" is not a DNS subdomain name` };
  if (!SECRET_KEY.test(key)) return { error: `${WEBHOOK_SECRET_ANNOTATION}: "${key}" is not a valid Secret key` };
  return { namespace, name, key };
}

/** Reads Secret keys with the operator's own identity (it needs `get` on the Secret). */
export function secretKeyReader(client: RawKubeClient): SecretKeyReader {
  return async ({ namespace, name, key }) => {
    const where = `Secret ${namespace}/${name}`;
    let secret: { data?: Record<string, string> };
    try {
      secret = await client.request<{ data?: Record<string, string> }>({
        method: 'GET',
        path: objectPath(RESOURCES.secrets, namespace, name),
      });
    } catch (error) {
      if (isNotFound(error)) throw new Error(`${where} does not exist`);
      if (isForbidden(error)) throw new Error(`the operator may not read ${where} (it needs get on it)`);
      throw error;
    }
    const value = secret.data?.[key];
    if (value === undefined) throw new Error(`${where} has no key ${key}`);
    return Buffer.from(value, 'base64').toString('utf8').trim();
  };
}
