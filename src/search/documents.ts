import type { Entity } from '../catalog/entity.ts';
import { splitRef } from '../catalog/refs.ts';
import { siteBase, type DocPage } from '../docs/site.ts';
import type { TemplateObject } from '../api/objects.ts';
import type { DefinitionEntry } from '../api-definitions/entries.ts';

/** The kind doc pages are listed under, beside the catalog kinds. */
export const DOCS_KIND = 'Docs';

/** The kind software templates are listed under. */
export const TEMPLATE_KIND = 'Template';

/** The kind an API definition's operations, types and methods are listed under. */
export const OPERATION_KIND = 'Operation';

/** How much of a description is kept to show and highlight (descriptions are meant to be short). */
const DESCRIPTION_KEPT = 500;

/**
 * One searchable thing — an entity, a template or a doc page — flattened to the fields the index
 * reads and the fields a result shows. They share one index so one query ranks them together.
 */
export interface SearchDocument {
  id: string;
  result: 'entity' | 'template' | 'doc' | 'operation';
  kind: string;
  namespace: string;
  /**
   * An entity's title, else a person's display name, else its name: every entity has one, so
   * an untitled entity is not outranked by titled ones repeating the same words.
   */
  title: string;
  href: string;
  /** Entities and templates: the name, the tags and the description. */
  name?: string | undefined;
  tags?: string[] | undefined;
  description?: string | undefined;
  /** Entities and templates: spec.type and spec.owner as written (the owner is searched by its name alone). */
  type?: string | undefined;
  owner?: string | undefined;
  /** Entities only. */
  ref?: string | undefined;
  /** Pages: their headings joined, and their plain text. */
  headings?: string | undefined;
  text?: string | undefined;
  /** Pages: the site they belong to and the entity it documents, if any; operations: their API. */
  siteName?: string | undefined;
  entityRef?: string | undefined;
}

/** Fields the index searches, with the boost each one gets: names and titles weigh most. */
export const FIELD_BOOSTS = {
  name: 6,
  title: 5,
  tags: 3,
  headings: 3,
  description: 1.5,
  text: 1,
  kind: 1,
  type: 1,
  owner: 1,
  namespace: 0.5,
} as const satisfies Record<string, number>;

/** Every field the index searches (each boosted as above). */
export const SEARCHED_FIELDS = Object.keys(FIELD_BOOSTS);

/** Stored with each document: everything a result shows, nothing else. */
export const STORED_FIELDS: (keyof SearchDocument)[] = [
  'result',
  'kind',
  'namespace',
  'title',
  'href',
  'name',
  'tags',
  'description',
  'type',
  'owner',
  'ref',
  'headings',
  'text',
  'siteName',
  'entityRef',
];

/** A DocSource: the unit whose pages are replaced or removed together. */
export interface DocSourceKey {
  namespace: string;
  name: string;
  /** The entity the site documents (`kind:namespace/name`), when it names one. */
  entityRef?: string | undefined;
  siteName: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);

/** The URL of an entity's dashboard page (the same shape as the dashboard's entityHref). */
function entityHref(ref: string): string {
  const { kind, namespace, name } = splitRef(ref);
  return `/catalog/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** An entity as the index sees it; its description is cut to what a result can show. */
export function entityDocument(e: Entity): SearchDocument {
  const profile = e.spec.profile as { displayName?: unknown } | undefined;
  const tags = Array.isArray(e.spec.tags) ? e.spec.tags.filter((t): t is string => typeof t === 'string') : [];
  const owner = text(e.spec.owner);
  return {
    id: e.ref,
    result: 'entity',
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
    title: text(e.spec.title) ?? text(profile?.displayName) ?? e.name,
    href: entityHref(e.ref),
    tags: tags.length > 0 ? tags : undefined,
    description: text(e.spec.description)?.slice(0, DESCRIPTION_KEPT),
    type: text(e.spec.type),
    owner,
    ref: e.ref,
  };
}

/** The id of a template: `template:` cannot start an entity ref (Template is no catalog kind). */
export const templateId = (namespace: string, name: string): string => `template:${namespace}/${name}`;

/** A software template as the index sees it, linking to its page (where a run starts). */
export function templateDocument(t: TemplateObject): SearchDocument {
  const { namespace, name } = t.metadata;
  const tags = (t.spec.tags ?? []).filter((tag) => text(tag));
  return {
    id: templateId(namespace, name),
    result: 'template',
    kind: TEMPLATE_KIND,
    namespace,
    name,
    title: text(t.spec.title) ?? name,
    href: `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
    tags: tags.length > 0 ? tags : undefined,
    description: text(t.spec.description)?.slice(0, DESCRIPTION_KEPT),
    type: text(t.spec.type),
    owner: text(t.spec.owner),
  };
}

/** The id of a page: DocSource namespace and name cannot hold `/`, so it is unambiguous. */
export function pageId(source: Pick<DocSourceKey, 'namespace' | 'name'>, slug: string): string {
  return `doc:${source.namespace}/${source.name}/${slug}`;
}

/** A built doc page as the index sees it, linking to the page in the docs reader. */
export function pageDocument(source: DocSourceKey, page: DocPage): SearchDocument {
  const slug = page.slug.split('/').map(encodeURIComponent).join('/');
  return {
    id: pageId(source, page.slug),
    result: 'doc',
    kind: DOCS_KIND,
    namespace: source.namespace,
    title: text(page.title) ?? source.siteName,
    href: `${siteBase(source.namespace, source.name)}/${slug}`,
    headings: page.headings.length > 0 ? page.headings.map((h) => h.text).join(' · ') : undefined,
    text: page.text,
    siteName: source.siteName,
    entityRef: source.entityRef,
  };
}

/**
 * The text the index reads of a field (what is stored stays as written): tags are words, and
 * the owner is searched by its name alone — `group:shop/payments` as `payments`, so a query
 * for "group" does not match every entity a group owns.
 */
export function fieldText(value: unknown, field: string): string {
  if (Array.isArray(value)) return value.join(' ');
  const s = String(value);
  return field === 'owner' ? s.replace(/^[^:]*:/, '').replace(/^[^/]*\//, '') : s;
}

/** The id of an entry of an API's definition: `operation:` cannot start an entity ref. */
export const operationId = (apiRef: string, entryId: string): string => `operation:${apiRef}#${entryId}`;

/** An entry of an API's definition (an operation, a GraphQL type or field, a gRPC method), linking to where the API tab shows it. */
export function operationDocument(apiRef: string, namespace: string, entry: DefinitionEntry): SearchDocument {
  const tab = `${entityHref(apiRef)}/definition`;
  const href =
    entry.section === undefined
      ? tab
      : `${tab}/${encodeURIComponent(entry.section)}${entry.item === undefined ? '' : `/${encodeURIComponent(entry.item)}`}`;
  return {
    id: operationId(apiRef, entry.id),
    result: 'operation',
    kind: OPERATION_KIND,
    namespace,
    title: entry.title,
    name: entry.name,
    href,
    description: entry.summary?.slice(0, DESCRIPTION_KEPT),
    entityRef: apiRef,
  };
}
