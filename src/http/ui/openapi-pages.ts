import type { OpenApiDescription, OpenApiOperation } from '../../api-definitions/model.ts';
import { methodClass, namedSchemaUsers, schemaLinks, schemaPage, type SchemaUser } from './api-schema-pages.ts';
import { definitionHref, type DefinitionPath, type DefinitionView } from './definition-view.ts';

/**
 * The API tab of an OpenAPI definition: the tab itself (servers, security, every operation as a
 * row under its tag — rows only, so GitHub's thousand operations stay a light page), one page
 * per operation (`operations/<id>`) and one per named schema (`schemas/<name>`).
 */
export function openApiView(description: OpenApiDescription, path: DefinitionPath, base: string): DefinitionView | undefined {
  if (path.section === undefined) return path.item === undefined ? overview(description, base) : undefined;
  if (path.section === 'schemas' && path.item === undefined) return schemaIndex(description, base);
  if (path.item === undefined) return undefined;
  if (path.section === 'operations') return operationPage(description, path.item, base);
  if (path.section === 'tags') return tagPage(description, path.item, base);
  if (path.section === 'schemas') {
    return schemaPage(description.schemas, path.item, { base, apiTitle: description.title, users: () => schemaUsers(description, base) });
  }
  return undefined;
}

/** Tags start open when the whole API is this small; a bigger one starts as a list of tags. */
const OPEN_TAGS_UP_TO = 40;
/**
 * Past this many operations the tab lists tags only, each linking to a page of its operations:
 * GitHub's 1,223 rows made a 530 KiB tab, slow to send and to read; its biggest tag is 204.
 */
const ROWS_ON_TAB_UP_TO = 300;

type Tag = OpenApiDescription['tags'][number];

const rows = (tag: Tag, base: string) =>
  tag.operations.map((op) => ({
    method: op.method.toUpperCase(),
    methodClass: methodClass(op.method),
    path: op.path,
    summary: op.summary,
    deprecated: op.deprecated === true,
    href: definitionHref(base, 'operations', op.id),
  }));

function overview(d: OpenApiDescription, base: string): DefinitionView {
  const byTag = d.operationCount > ROWS_ON_TAB_UP_TO;
  return {
    template: 'api/openapi.njk',
    definition: {
      title: d.title,
      version: d.version,
      specVersion: d.specVersion,
      description: d.description,
      servers: d.servers,
      securitySchemes: d.securitySchemes,
      operationCount: d.operationCount,
      tags: d.tags.map((tag) => ({
        name: tag.name,
        description: tag.description,
        count: tag.operations.length,
        open: d.operationCount <= OPEN_TAGS_UP_TO,
        ...(byTag ? { href: definitionHref(base, 'tags', tag.name), operations: [] } : { operations: rows(tag, base) }),
      })),
      schemaCount: Object.keys(d.schemas).length,
      // A long list of names goes on a page of its own, as tags do.
      ...(byTag ? { schemasHref: definitionHref(base, 'schemas') } : { schemas: schemaLinks(d.schemas, base) }),
    },
  };
}

/** Every named schema, for an API too big to list them on its tab. */
function schemaIndex(d: OpenApiDescription, base: string): DefinitionView {
  return {
    template: 'api/openapi-schemas.njk',
    title: 'Schemas',
    definition: { back: base, apiTitle: d.title, schemas: schemaLinks(d.schemas, base) },
  };
}

/** One tag's operations, for an API too big to list them all on its tab. */
function tagPage(d: OpenApiDescription, name: string, base: string): DefinitionView | undefined {
  const tag = d.tags.find((t) => t.name === name);
  if (!tag) return undefined;
  return {
    template: 'api/openapi-tag.njk',
    title: tag.name,
    definition: { back: base, apiTitle: d.title, name: tag.name, description: tag.description, operations: rows(tag, base) },
  };
}

function findOperation(d: OpenApiDescription, id: string): { operation: OpenApiOperation; tags: string[] } | undefined {
  let found: OpenApiOperation | undefined;
  const tags: string[] = [];
  for (const tag of d.tags) {
    const operation = tag.operations.find((op) => op.id === id);
    if (operation) {
      found ??= operation;
      tags.push(tag.name);
    }
  }
  return found && { operation: found, tags };
}

function operationPage(d: OpenApiDescription, id: string, base: string): DefinitionView | undefined {
  const found = findOperation(d, id);
  if (!found) return undefined;
  const { operation, tags } = found;
  const schemes = new Map(d.securitySchemes.map((s) => [s.name, s]));
  return {
    template: 'api/openapi-operation.njk',
    title: `${operation.method.toUpperCase()} ${operation.path}`,
    definition: {
      back: base,
      apiTitle: d.title,
      schemaBase: definitionHref(base, 'schemas'),
      tags,
      operation: {
        ...operation,
        method: operation.method.toUpperCase(),
        methodClass: methodClass(operation.method),
        security: operation.security.map((name) => schemes.get(name) ?? { name }),
        responses: operation.responses.map((r) => ({ ...r, statusClass: statusClass(r.status) })),
      },
    },
  };
}

/** `status-2xx` … `status-5xx`, or `status-other` for `default` and anything else. */
function statusClass(status: string): string {
  const family = /^([1-5])(\d\d|XX)$/i.exec(status)?.[1];
  return family ? `status-${family}xx` : 'status-other';
}

/** Operations and named schemas, as the users a schema's page lists. */
function schemaUsers(d: OpenApiDescription, base: string): SchemaUser[] {
  const seen = new Set<string>();
  const operations: SchemaUser[] = [];
  for (const op of d.tags.flatMap((t) => t.operations)) {
    if (seen.has(op.id)) continue;
    seen.add(op.id);
    operations.push({
      label: `${op.method.toUpperCase()} ${op.path}`,
      href: definitionHref(base, 'operations', op.id),
      schemas: [
        ...op.parameters.map((p) => p.schema),
        ...(op.requestBody?.content.map((m) => m.schema) ?? []),
        ...op.responses.flatMap((r) => [...r.content.map((m) => m.schema), ...r.headers.map((h) => h.schema)]),
      ],
    });
  }
  return [...operations, ...namedSchemaUsers(d.schemas, base)];
}
