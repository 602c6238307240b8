import type { RelationType } from '../api/v1alpha1/index.ts';
import { kindOf, type Entity } from './entity.ts';
import { formatRef, parseRef, type EntityRef } from './refs.ts';

/** One reference written in an entity's spec, resolved to its canonical target. */
export interface OutgoingReference {
  /** Where it was written, e.g. `spec.dependsOn[1]`, for condition messages. */
  path: string;
  relation: RelationType;
  target: EntityRef;
}

export interface UnparsableReference {
  path: string;
  error: string;
}

/**
 * Every reference in an entity's spec, with kind and namespace defaults applied. The
 * admission schema already refuses most malformed references; what still cannot be parsed
 * (e.g. objects stored before a schema change) is returned apart, to become a condition.
 */
export function outgoingReferences(entity: Entity): { references: OutgoingReference[]; unparsable: UnparsableReference[] } {
  const references: OutgoingReference[] = [];
  const unparsable: UnparsableReference[] = [];
  for (const field of kindOf(entity).references) {
    const value = entity.spec[field.field];
    const raw = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    raw.forEach((item, index) => {
      const path = field.many ? `spec.${field.field}[${index}]` : `spec.${field.field}`;
      if (typeof item !== 'string') {
        unparsable.push({ path, error: 'is not a string' });
        return;
      }
      const parsed = parseRef(item, { defaultKind: field.defaultKind, namespace: entity.namespace });
      if ('error' in parsed) unparsable.push({ path, error: parsed.error });
      else references.push({ path, relation: field.relation, target: formatRef(parsed) });
    });
  }
  return { references, unparsable };
}
