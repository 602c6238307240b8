import type { Entity } from '../catalog/entity.ts';
import type { EntitySelector, LabelSelector } from './types.ts';

/**
 * Whether a scorecard's (or initiative's) selector takes in an entity. Every part given must
 * match; an absent selector, or an empty list, takes in everything. Kinds compare
 * case-insensitively (`component` and `Component` are the same kind); types and namespaces
 * exactly.
 */
export function matches(selector: EntitySelector | undefined, entity: Entity): boolean {
  if (!selector) return true;
  const { kinds, types, namespaces, labelSelector } = selector;
  if (kinds?.length && !kinds.some((kind) => kind.toLowerCase() === entity.kind.toLowerCase())) return false;
  if (types?.length && !types.includes(typeof entity.spec.type === 'string' ? entity.spec.type : '')) return false;
  if (namespaces?.length && !namespaces.includes(entity.namespace)) return false;
  return !labelSelector || selectsLabels(labelSelector, entity.labels);
}

/**
 * Whether a Scorecard or Initiative in `namespace` may look at an entity of
 * `entityNamespace`: always in its own namespace, in every namespace only when its namespace
 * is one the platform team listed (--cluster-scorecard-namespaces). A tenant's Scorecard
 * writes the status of what it selects and its Initiatives notify their owners, so
 * selecting across namespaces is for the platform team only, whatever the selector says.
 */
export function inScope(namespace: string, entityNamespace: string, clusterNamespaces: readonly string[]): boolean {
  return namespace === entityNamespace || clusterNamespaces.includes(namespace);
}

/** The namespaces a selector names that a Scorecard in `namespace` may not reach: they are ignored. */
export function ignoredNamespaces(namespace: string, selector: EntitySelector | undefined, clusterNamespaces: readonly string[]): string[] {
  if (clusterNamespaces.includes(namespace)) return [];
  return (selector?.namespaces ?? []).filter((n) => n !== namespace);
}

/**
 * metav1.LabelSelector semantics: matchLabels and every matchExpression must hold; an empty
 * selector selects everything. NotIn and DoesNotExist hold for a missing label, as in Kubernetes.
 */
export function selectsLabels(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const present = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        return present && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !present || !values.includes(labels[key] ?? '');
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        // An operator Kubernetes does not know selects nothing rather than everything.
        return false;
    }
  });
}
