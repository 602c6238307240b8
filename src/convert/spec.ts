import { stringify } from 'yaml';
import { z } from 'zod';
import type { CatalogKind, ReferenceField } from '../api/v1alpha1/index.ts';
import { descriptiveFields } from '../api/v1alpha1/common.ts';
import { rewriteRef, type RefContext } from './entity-refs.ts';
import { isRecord } from './model.ts';
import { isUrl, placeholderOf } from './placeholders.ts';

/** A Backstage spec, rewritten field by field for one Greenroom kind (not yet validated). */
export interface ConvertedSpec {
  fields: Record<string, unknown>;
  unmapped: Record<string, unknown>;
  warnings: string[];
  /** Why fields could not be converted, by field name. */
  errors: Map<string, string>;
}

/** Backstage keeps these in metadata; in its spec they have no meaning, so they are not taken from there. */
const DESCRIPTIVE = new Set(Object.keys(descriptiveFields));

/**
 * Carries each Backstage spec field to the Greenroom field of the same name, driven by the
 * kind's reference table so that every reference field is rewritten to the mapped names.
 */
export function convertSpec(kind: CatalogKind, spec: Record<string, unknown>, context: RefContext): ConvertedSpec {
  const out: ConvertedSpec = { fields: {}, unmapped: {}, warnings: [], errors: new Map() };
  const shape = kind.spec.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(spec)) {
    const reference = kind.references.find((field) => field.field === key);
    const schema = shape[key];
    if (reference) convertReferences(reference, value, context, out);
    else if (key === 'definition') convertDefinition(value, out);
    else if (schema && !DESCRIPTIVE.has(key)) out.fields[key] = keepKnownKeys(`spec.${key}`, value, schema, out.unmapped);
    else out.unmapped[`spec.${key}`] = value;
  }
  return out;
}

function convertReferences(field: ReferenceField, value: unknown, context: RefContext, out: ConvertedSpec): void {
  if (value === null || value === undefined) return;
  if (field.many && !Array.isArray(value)) {
    out.errors.set(field.field, `spec.${field.field} must be a list of references`);
    return;
  }
  const refs: string[] = [];
  const errors: string[] = [];
  for (const raw of field.many ? (value as unknown[]) : [value]) {
    const rewritten = rewriteRef(raw, field, context);
    if ('error' in rewritten) errors.push(rewritten.error);
    else {
      refs.push(rewritten.ref);
      if (rewritten.warning) out.warnings.push(rewritten.warning);
    }
  }
  if (errors.length > 0) out.errors.set(field.field, errors.join('; '));
  // Backstage requires `children: []` on every Group; an empty list says nothing, so it is left out.
  if (field.many && refs.length > 0) out.fields[field.field] = refs;
  else if (!field.many && refs[0] !== undefined) out.fields[field.field] = refs[0];
}

/** Greenroom keeps an API definition as text, or a URL to it where Backstage would fetch one. */
function convertDefinition(value: unknown, out: ConvertedSpec): void {
  const placeholder = placeholderOf(value);
  if (typeof value === 'string') out.fields.definition = value;
  else if (placeholder && isUrl(placeholder.target)) out.fields.definition = placeholder.target;
  else if (placeholder)
    out.errors.set('definition', `spec.definition: ${placeholder.key} ${placeholder.target} could not be read or parsed`);
  // What `$json`/`$yaml` placeholders parsed goes back to text.
  else out.fields.definition = stringify(value);
}

/** Fields of an object-valued field (a profile) that the schema does not know are moved aside, not stripped. */
function keepKnownKeys(path: string, value: unknown, schema: z.ZodType, unmapped: Record<string, unknown>): unknown {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  if (!(inner instanceof z.ZodObject) || !isRecord(value)) return value;
  const known: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(inner.shape, key)) known[key] = item;
    else unmapped[`${path}.${key}`] = item;
  }
  return known;
}
