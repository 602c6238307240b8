import { z } from 'zod';
import type { RelationType } from './relations.ts';
import { allowedKindsRule, entityRef } from './references.ts';

/**
 * One spec field that references other entities. The same table drives the CRD schema
 * (pattern, CEL) and the operator's relation derivation, so the two cannot drift apart.
 */
export interface ReferenceField {
  field: string;
  /** Array of references, or a single one. */
  many: boolean;
  required?: boolean;
  /** What a bare name means; absent = the kind must be written out. */
  defaultKind?: string;
  /** Kinds the reference may name (checked by CEL at admission). */
  allowedKinds?: string[];
  /** Relation emitted from the referring entity to the target. */
  relation: RelationType;
  description: string;
}

/** Zod fields for a table of reference fields, to spread into a spec object. */
export function referenceSchemas(fields: readonly ReferenceField[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    // Kind-required references use the general pattern too, so that the CEL rule below can
    // run and say what is missing (a failed pattern stops CEL rules from being evaluated).
    const one: z.ZodString = entityRef(f.defaultKind, f.description);
    let schema: z.ZodType = one;
    if (f.allowedKinds) {
      const rule = allowedKindsRule(f.field, f.allowedKinds);
      if (f.many) {
        schema = z
          .array(one)
          .max(1000)
          .meta({
            'x-kubernetes-validations': [{ rule: `self.all(ref, ${rule.rule.replaceAll('self', 'ref')})`, message: rule.message }],
          });
      } else {
        schema = one.meta({ 'x-kubernetes-validations': [rule] });
      }
    } else if (f.many) {
      // The pattern already refuses a bare name; this says why in words a person can act on.
      schema = z
        .array(one)
        .max(1000)
        .meta({
          'x-kubernetes-validations': [
            {
              rule: "self.all(ref, ref.contains(':'))",
              message: `${f.field} entries must name their kind, e.g. resource:orders-db or component:payments`,
            },
          ],
        });
    }
    if (f.many) schema = schema.describe(f.description);
    shape[f.field] = f.required ? schema : schema.optional();
  }
  return shape;
}

/** The owner reference every owned kind has: a Group by default, or a User. */
export function ownerReference(what: string): ReferenceField {
  return {
    field: 'owner',
    many: false,
    required: true,
    defaultKind: 'Group',
    allowedKinds: ['Group', 'User'],
    relation: 'ownedBy',
    description: `Team (Group) or person (User) that owns this ${what}.`,
  };
}

/** The system reference of components, APIs and resources. */
export function systemReference(what: string): ReferenceField {
  return {
    field: 'system',
    many: false,
    defaultKind: 'System',
    allowedKinds: ['System'],
    relation: 'partOf',
    description: `System this ${what} belongs to.`,
  };
}
