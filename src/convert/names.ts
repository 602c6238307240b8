/**
 * Backstage names allow upper case, `_` and `.` (`My_Service`); Kubernetes object names are
 * lower-case DNS-1123 subdomains and namespaces DNS-1123 labels. The mapping is a pure
 * function of the name, so an entity and every reference to it map alike without a lookup.
 */

const MAX_SUBDOMAIN = 253;
const MAX_LABEL = 63;

/** Lower-cases, turns each run of other characters into `-` and trims what may not end a label. */
function toLabel(text: string, max: number): string {
  return trimLabel(
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, max),
  );
}

function trimLabel(text: string): string {
  return text.replace(/^[-.]+|[-.]+$/g, '');
}

/** A Backstage entity name as a Kubernetes object name (`My_Service` → `my-service`); '' when nothing is left. */
export function toKubernetesName(name: string): string {
  const labels = name
    .split('.')
    .map((part) => toLabel(part, MAX_SUBDOMAIN))
    .filter((part) => part !== '');
  return trimLabel(labels.join('.').slice(0, MAX_SUBDOMAIN));
}

/** A Backstage namespace as a Kubernetes namespace name (a DNS label: no dots, at most 63 characters). */
export function toNamespaceName(namespace: string): string {
  return toLabel(namespace.replaceAll('.', '-'), MAX_LABEL);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Whether a string is a Kubernetes namespace name. */
export function isNamespaceName(text: string): boolean {
  return text.length <= MAX_LABEL && DNS_LABEL.test(text);
}

/** Whether a label or annotation key is valid for Kubernetes: `[prefix/]name`, prefix a DNS subdomain. */
export function isMetadataKey(key: string): boolean {
  const parts = key.split('/');
  const name = parts.at(-1) ?? '';
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (parts.length > 2 || name.length > MAX_LABEL || !QUALIFIED_NAME.test(name)) return false;
  return prefix === undefined || (prefix.length <= MAX_SUBDOMAIN && DNS_SUBDOMAIN.test(prefix));
}

/** Whether a label value is valid for Kubernetes (empty, or a qualified name of at most 63 characters). */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= MAX_LABEL && QUALIFIED_NAME.test(value));
}
