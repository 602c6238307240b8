/**
 * Entity references, resolved the way Backstage resolves them: `[kind:][namespace/]name`,
 * case-insensitive; a missing kind takes the field's default kind, a missing namespace the
 * referring entity's namespace. The canonical form is `kind:namespace/name`, lower case.
 */

/** Canonical `kind:namespace/name` in lower case; the key of every map in the catalog. */
export type EntityRef = string;

export interface ParsedRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface RefContext {
  /** Kind a bare name means; undefined when the field requires an explicit kind. */
  defaultKind: string | undefined;
  /** Namespace of the referring entity. */
  namespace: string;
}

/** Resolves a reference string, or explains why it cannot be resolved (no kind given). */
export function parseRef(raw: string, context: RefContext): ParsedRef | { error: string } {
  const text = raw.trim().toLowerCase();
  const colon = text.indexOf(':');
  const kind = colon >= 0 ? text.slice(0, colon) : context.defaultKind?.toLowerCase();
  if (!kind) return { error: `"${raw}" must name its kind, e.g. resource:${text}` };
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : context.namespace.toLowerCase();
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  if (!name || !namespace) return { error: `"${raw}" is not a reference of the form [kind:][namespace/]name` };
  return { kind, namespace, name };
}

export function formatRef(ref: ParsedRef): EntityRef {
  return `${ref.kind}:${ref.namespace}/${ref.name}`;
}

/**
 * An owner as `spec.owner` resolves it — a bare name is a Group, a missing namespace the
 * given one — in canonical form; text that does not parse is kept as written.
 */
export function canonicalOwner(raw: string, namespace: string): string {
  const parsed = parseRef(raw, { defaultKind: 'Group', namespace });
  return 'error' in parsed ? raw : formatRef(parsed);
}

/** The canonical reference of an entity itself. */
export function refOf(kind: string, namespace: string, name: string): EntityRef {
  return `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name.toLowerCase()}`;
}

/** Splits a canonical reference back into its parts. */
export function splitRef(ref: EntityRef): ParsedRef {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon);
  return { kind: ref.slice(0, colon), namespace: ref.slice(colon + 1, slash), name: ref.slice(slash + 1) };
}
