import { catalogKind, type ReferenceField } from '../api/v1alpha1/index.ts';
import { toKubernetesName, toNamespaceName } from './names.ts';

/** The parts of an entity reference as written; absent parts take defaults from context. */
export interface EntityRefParts {
  kind?: string | undefined;
  namespace?: string | undefined;
  name: string;
}

const REF = /^(?:([^:/\s]+):)?(?:([^:/\s]+)\/)?([^:/\s]+)$/;

/** Splits `[kind:][namespace/]name`, which Backstage and Greenroom spell alike; undefined when malformed. */
export function splitEntityRef(text: string): EntityRefParts | undefined {
  const match = REF.exec(text.trim());
  if (!match?.[3]) return undefined;
  return { kind: match[1], namespace: match[2], name: match[3] };
}

/** Where a reference is written from: the referring entity's Backstage namespace and the target namespace. */
export interface RefContext {
  /** Backstage namespace of the referring entity, lower case. */
  namespace: string;
  /** Kubernetes namespace Backstage's `default` maps to, if any. */
  defaultNamespace: string | undefined;
}

export type RewrittenRef = { ref: string; warning?: string } | { error: string };

/**
 * Rewrites one Backstage reference into Greenroom's spelling with the mapped names. Parts
 * the author left out stay out: both models read a missing kind as the field's default and
 * a missing namespace as the referring entity's, so the meaning is unchanged.
 */
export function rewriteRef(raw: unknown, field: ReferenceField, context: RefContext): RewrittenRef {
  const parts = typeof raw === 'string' ? splitEntityRef(raw) : undefined;
  if (!parts) return { error: `spec.${field.field}: ${JSON.stringify(raw)} is not a reference of the form [kind:][namespace/]name` };
  const kind = parts.kind?.toLowerCase();
  if (!kind && !field.defaultKind) {
    return { error: `spec.${field.field}: "${String(raw)}" must name its kind, e.g. resource:${parts.name}` };
  }
  if (kind && field.allowedKinds && !field.allowedKinds.some((allowed) => allowed.toLowerCase() === kind)) {
    return { error: `spec.${field.field} must reference a ${field.allowedKinds.join(' or ')}, not "${String(raw)}"` };
  }
  const name = toKubernetesName(parts.name);
  if (!name) return { error: `spec.${field.field}: "${String(raw)}" has no characters left for a Kubernetes name` };
  const target = parts.namespace?.toLowerCase();
  let namespace: string | undefined;
  let warning: string | undefined;
  if (target !== undefined && target !== context.namespace) {
    namespace = target === 'default' ? context.defaultNamespace : toNamespaceName(target);
    if (namespace === undefined) {
      // Left out, the namespace would mean the referring entity's own, which is wrong here.
      namespace = 'default';
      warning = `spec.${field.field}: "${String(raw)}" points into Backstage's default namespace, written as "default"; pass --namespace to name the namespace it is applied to`;
    }
  }
  const ref = `${kind ? `${kind}:` : ''}${namespace ? `${namespace}/` : ''}${name}`;
  return warning ? { ref, warning } : { ref };
}

/** A reference of a Greenroom object, resolved to `kind:namespace/name` in lower case. */
export interface ResolvedRef {
  field: string;
  written: string;
  target: string;
}

/**
 * Every reference a Greenroom catalog object makes, resolved with its field's default kind
 * and the object's namespace (or `namespace` when it has none), so a caller can check that
 * each names an entity that exists. A kindless ref where the kind is required gets an empty
 * kind, which matches nothing.
 */
export function resolvedRefs(
  object: { kind: string; metadata: { namespace?: string | undefined }; spec: Record<string, unknown> },
  namespace: string,
): ResolvedRef[] {
  const own = object.metadata.namespace ?? namespace;
  return (catalogKind(object.kind)?.references ?? []).flatMap((field) => {
    const value = object.spec[field.field];
    const written = (Array.isArray(value) ? value : [value]).filter((ref): ref is string => typeof ref === 'string');
    return written.map((ref) => {
      const parts = splitEntityRef(ref);
      const kind = parts?.kind ?? field.defaultKind ?? '';
      return { field: field.field, written: ref, target: `${kind}:${parts?.namespace ?? own}/${parts?.name ?? ref}`.toLowerCase() };
    });
  });
}
