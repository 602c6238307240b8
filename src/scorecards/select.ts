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
