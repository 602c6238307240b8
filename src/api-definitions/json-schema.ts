import { cutText, exampleText, label, MAX_LABEL_CHARS } from './definition-text.ts';
import { isInternalRef, isRecord, refTokens, valueAt } from './json-pointer.ts';
import { constraintWords } from './json-schema-words.ts';
import { DESCRIPTION_LIMITS, type PropertyView, type SchemaView } from './model.ts';

/**
 * JSON Schemas as pages show them (model.ts's SchemaView), for every format that carries them:
 * Swagger 2 and OpenAPI 3.0 schema objects, OpenAPI 3.1's JSON Schema 2020-12 and AsyncAPI's
 * schemas. A named schema (`#/components/schemas/Pet`, `#/definitions/Pet`) becomes `{ ref }`
 * and is expanded once in the table namedSchemas() makes; any other `$ref` into the same
 * document is followed inline, as deep as MAX_SCHEMA_DEPTH and never round a loop; a `$ref` to
 * anything outside the document is never read — it is named in the constraints, and the
 * describe function warns about it. Every count is bounded: one schema expands at most
 * MAX_NODES_PER_SCHEMA nodes and one document MAX_NODES_PER_DOCUMENT, so a small definition
 * whose references fan out cannot make a huge description.
 */

/** Nodes one schema (a response's, a property's …) expands to at most; the rest is `truncated`. */
export const MAX_NODES_PER_SCHEMA = 5_000;
/** Nodes all the schemas of one description expand to at most. */
export const MAX_NODES_PER_DOCUMENT = 300_000;

/**
 * What a resolver put where an external `$ref` was (describe-asyncapi.ts: AsyncAPI's parser
 * dereferences the document itself, so the page would otherwise not know a reference was there).
 */
export const EXTERNAL_REF_MARK = 'x-greenroom-external-ref';

/** Where a document keeps what its schemas refer to. */
export interface SchemaSource {
  /** The whole document: internal `$ref`s that do not name a schema are followed within it. */
  document: unknown;
  /** Where the named schemas are: ['components', 'schemas'], or Swagger 2's ['definitions']. */
  namedAt: readonly string[];
  /** For a document its parser already dereferenced (AsyncAPI): the named schemas by identity. */
  namesByObject?: ReadonlyMap<object, string>;
}

/** Reads the schemas of one document, with one budget for all of them. */
export interface SchemaReader {
  /** A schema (or a reference to one) as a SchemaView. */
  view(node: unknown): SchemaView;
  /** The named schemas, each expanded, by name in the document's order. */
  namedSchemas(): Record<string, SchemaView>;
}

interface Walk {
  source: SchemaSource;
  named: Record<string, unknown>;
  /** Nodes left for this schema and for the whole document. */
  left: number;
  documentLeft: { nodes: number };
  /** Internal `$ref`s and objects being expanded right now: meeting one again is a loop. */
  openRefs: Set<string>;
  openObjects: Set<object>;
}

/** A reader of the schemas of the document `source` describes. */
export function schemaReader(source: SchemaSource): SchemaReader {
  const namedValue = valueAt(source.document, source.namedAt);
  const named = isRecord(namedValue) ? namedValue : {};
  const documentLeft = { nodes: MAX_NODES_PER_DOCUMENT };
  const walk = (): Walk => ({ source, named, left: MAX_NODES_PER_SCHEMA, documentLeft, openRefs: new Set(), openObjects: new Set() });
  return {
    view: (node) => schemaView(node, 0, walk(), false),
    namedSchemas: () => {
      const table: Record<string, SchemaView> = {};
      for (const name of Object.keys(named)) {
        // defineProperty: a schema may be called __proto__, which plain assignment would not keep.
        Object.defineProperty(table, name, {
          value: schemaView(named[name], 0, walk(), true),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return table;
    },
  };
}

function schemaView(node: unknown, depth: number, walk: Walk, expandNamed: boolean): SchemaView {
  if (walk.left <= 0 || walk.documentLeft.nodes <= 0 || depth > DESCRIPTION_LIMITS.maxSchemaDepth) return { truncated: true };
  walk.left -= 1;
  walk.documentLeft.nodes -= 1;
  if (node === false) return { constraints: ['allows no value'] };
  if (!isRecord(node)) return {};
  const name = expandNamed ? undefined : walk.source.namesByObject?.get(node);
  if (name !== undefined) return { ref: name };
  if (typeof node[EXTERNAL_REF_MARK] === 'string') return externalView(node[EXTERNAL_REF_MARK]);
  if (typeof node.$ref === 'string') return refView(node, node.$ref, depth, walk);
  if (walk.openObjects.has(node)) return { constraints: ['refers to itself'], truncated: true };
  walk.openObjects.add(node);
  try {
    return plainView(node, depth, walk);
  } finally {
    walk.openObjects.delete(node);
  }
}

function externalView(ref: string): SchemaView {
  return { constraints: [`external $ref ${label(ref) ?? ''} not followed`] };
}

/** Keywords that may sit beside a `$ref` without changing what it means to a reader. */
const REF_NOTES = new Set(['$ref', '$comment', '$id', '$schema', 'summary']);

/**
 * A `$ref`: the named schema, the part of the document it points at, or words saying why not.
 * Keywords beside it (a description, 3.1's siblings) wrap it: `{ description, allOf: [ref] }`.
 */
function refView(node: Record<string, unknown>, ref: string, depth: number, walk: Walk): SchemaView {
  const target = refTarget(ref, depth, walk);
  const siblings = Object.keys(node).filter((key) => !REF_NOTES.has(key));
  if (siblings.length === 0) return target;
  const rest = plainView(Object.fromEntries(siblings.map((key) => [key, node[key]])), depth, walk);
  return { ...rest, allOf: [target, ...(rest.allOf ?? [])] };
}

function refTarget(ref: string, depth: number, walk: Walk): SchemaView {
  if (!isInternalRef(ref)) return externalView(ref);
  const tokens = refTokens(ref);
  const at = walk.source.namedAt;
  if (tokens && tokens.length === at.length + 1 && at.every((t, i) => tokens[i] === t)) {
    const name = tokens[at.length]!;
    return Object.hasOwn(walk.named, name) ? { ref: name } : notFound(ref);
  }
  const target = tokens && valueAt(walk.source.document, tokens);
  if (target === undefined) return notFound(ref);
  if (walk.openRefs.has(ref)) return { constraints: [`refers to itself through ${label(ref) ?? ''}`], truncated: true };
  walk.openRefs.add(ref);
  try {
    return schemaView(target, depth + 1, walk, false);
  } finally {
    walk.openRefs.delete(ref);
  }
}

function notFound(ref: string): SchemaView {
  return { constraints: [`$ref ${label(ref) ?? ''} not found`] };
}

function plainView(node: Record<string, unknown>, depth: number, walk: Walk): SchemaView {
  const view: SchemaView = {};
  const type = typeWords(node);
  if (type) view.type = type;
  if (typeof node.format === 'string') view.format = label(node.format);
  if (typeof node.title === 'string') view.title = label(node.title);
  if (typeof node.description === 'string') view.description = cutText(node.description);
  Object.assign(view, enumView(node.enum), valuesView(node));
  const properties = propertiesView(node, depth, walk);
  if (properties) view.properties = properties.listed;
  const more = (n: number) => (n > 0 ? [`${n} more ${n === 1 ? 'member' : 'members'} not listed`] : []);
  const extra = node.additionalProperties;
  if (extra === true || (isRecord(extra) && Object.keys(extra).length === 0)) view.additionalProperties = true;
  else if (isRecord(extra)) view.additionalProperties = schemaView(extra, depth + 1, walk, false);
  if (isRecord(node.items) || typeof node.items === 'boolean') view.items = schemaView(node.items, depth + 1, walk, false);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = node[key];
    if (Array.isArray(list) && list.length > 0) {
      view[key] = list.slice(0, DESCRIPTION_LIMITS.maxListed).map((s) => schemaView(s, depth + 1, walk, false));
    }
  }
  if (node.not !== undefined) view.not = schemaView(node.not, depth + 1, walk, false);
  const constraints = [...constraintWords(node), ...more(properties?.more ?? 0)];
  if (constraints.length > 0) view.constraints = constraints;
  for (const flag of ['deprecated', 'readOnly', 'writeOnly'] as const) if (node[flag] === true) view[flag] = true;
  if (node.nullable === true || node['x-nullable'] === true) view.nullable = true;
  return view;
}

/** `string`, `string | null`; `object` or `array` when the keywords say so but `type` does not. */
function typeWords(node: Record<string, unknown>): string | undefined {
  const written = (Array.isArray(node.type) ? node.type : [node.type]).filter((t): t is string => typeof t === 'string');
  if (written.length > 0) return label(written.join(' | '));
  if (isRecord(node.properties) || isRecord(node.additionalProperties)) return 'object';
  if (node.items !== undefined || Array.isArray(node.prefixItems)) return 'array';
  return undefined;
}

function enumView(values: unknown): Pick<SchemaView, 'enum' | 'enumMore'> {
  if (!Array.isArray(values)) return {};
  const listed = values.slice(0, DESCRIPTION_LIMITS.maxListed).map((v) => valueText(v, MAX_LABEL_CHARS));
  const more = values.length - listed.length;
  return more > 0 ? { enum: listed, enumMore: more } : { enum: listed };
}

function valuesView(node: Record<string, unknown>): Pick<SchemaView, 'default' | 'const' | 'example'> {
  const view: Pick<SchemaView, 'default' | 'const' | 'example'> = {};
  if (node.default !== undefined) view.default = valueText(node.default);
  if (node.const !== undefined) view.const = valueText(node.const);
  const example = node.example !== undefined ? node.example : Array.isArray(node.examples) ? node.examples[0] : undefined;
  if (example !== undefined) view.example = valueText(example);
  return view;
}

/** A value as JSON text (a string with its quotes), capped. */
function valueText(value: unknown, max: number = DESCRIPTION_LIMITS.maxExampleChars): string {
  return typeof value === 'string' ? JSON.stringify(cutText(value, max) ?? '') : exampleText(value, max);
}

function propertiesView(node: Record<string, unknown>, depth: number, walk: Walk): { listed: PropertyView[]; more: number } | undefined {
  if (!isRecord(node.properties)) return undefined;
  const required = new Set(Array.isArray(node.required) ? node.required.filter((r) => typeof r === 'string') : []);
  const names = Object.keys(node.properties);
  const listed = names.slice(0, DESCRIPTION_LIMITS.maxListed).map((name) => ({
    name: label(name) ?? name,
    required: required.has(name),
    schema: schemaView((node.properties as Record<string, unknown>)[name], depth + 1, walk, false),
  }));
  return { listed, more: names.length - listed.length };
}
