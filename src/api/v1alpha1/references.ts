import { z } from 'zod';

/**
 * Entity references: `[kind:][namespace/]name`, case-insensitive (stored lower-case by
 * the operator). The pattern only checks the shape; whether the target exists is a
 * condition, never an admission error, so GitOps can apply objects in any order.
 */
const KIND = '[A-Za-z][A-Za-z0-9]*';
const DNS_LABEL = '[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?';
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;

export const ENTITY_REF_PATTERN = `^(${KIND}:)?(${DNS_LABEL}/)?${DNS_SUBDOMAIN}$`;

/**
 * A reference string. `defaultKind` is what a bare name means; without one the kind must be
 * written out, which a CEL rule on the field checks (with a message a person can act on).
 */
export function entityRef(defaultKind: string | undefined, description: string) {
  const kindRule = defaultKind ? `kind defaults to ${defaultKind}` : 'the kind is required (e.g. resource:orders-db)';
  return z
    .string()
    .max(253 + 63 + 64)
    .regex(new RegExp(ENTITY_REF_PATTERN))
    .describe(`${description} Reference \`[kind:][namespace/]name\`; ${kindRule}, namespace defaults to this object's.`);
}

/** A CEL rule limiting which kinds a reference may name, for refs like owner (Group or User). */
export function allowedKindsRule(field: string, kinds: string[]) {
  const list = kinds.map((k) => `'${k.toLowerCase()}'`).join(', ');
  return {
    rule: `!self.contains(':') || self.split(':')[0].lowerAscii() in [${list}]`,
    message: `${field} must reference a ${kinds.join(' or ')}`,
  };
}
