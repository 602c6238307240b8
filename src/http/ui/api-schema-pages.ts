import type { SchemaView } from '../../api-definitions/model.ts';
import { definitionHref, type DefinitionView } from './definition-view.ts';

/**
 * What the OpenAPI and AsyncAPI pages share: a named schema's own page (`…/definition/schemas/Pet`),
 * the list of named schemas, and where a schema is used, found by walking the description's
 * schema views (bounded: they are plain data of bounded size).
 */

/** Something that uses schemas — an operation, a message, another schema — and the schemas it holds. */
export interface SchemaUser {
  label: string;
  href: string;
  schemas: (SchemaView | undefined)[];
}

/** At most this many users are listed on a schema's page. */
const MAX_USERS = 200;

/** The page of named schema `name`, or undefined when the description has no such schema (a 404). */
export function schemaPage(
  schemas: Record<string, SchemaView>,
  name: string,
  { base, apiTitle, users }: { base: string; apiTitle: string; users: () => SchemaUser[] },
): DefinitionView | undefined {
  if (!Object.hasOwn(schemas, name)) return undefined;
  const usedBy = users()
    .filter((user) => user.schemas.some((s) => s !== undefined && refersTo(s, name)))
    .slice(0, MAX_USERS)
    .map(({ label, href }) => ({ label, href }));
  return {
    template: 'api/schema.njk',
    title: name,
    definition: { back: base, apiTitle, name, schema: schemas[name], schemaBase: definitionHref(base, 'schemas'), usedBy },
  };
}

/** Named schemas as links, in the description's order. */
export function schemaLinks(schemas: Record<string, SchemaView>, base: string): { name: string; href: string }[] {
  return Object.keys(schemas).map((name) => ({ name, href: definitionHref(base, 'schemas', name) }));
}

/** The named schemas as users of each other (a schema's page lists the schemas that refer to it). */
export function namedSchemaUsers(schemas: Record<string, SchemaView>, base: string): SchemaUser[] {
  return Object.keys(schemas).map((name) => ({ label: name, href: definitionHref(base, 'schemas', name), schemas: [schemas[name]] }));
}

/** True when `schema` refers to named schema `name` anywhere inside it. */
export function refersTo(schema: SchemaView, name: string): boolean {
  const stack: SchemaView[] = [schema];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (s.ref === name) return true;
    for (const p of s.properties ?? []) stack.push(p.schema);
    for (const list of [s.allOf, s.oneOf, s.anyOf]) if (list) stack.push(...list);
    for (const one of [s.items, s.not, s.additionalProperties]) if (one && one !== true) stack.push(one);
  }
  return false;
}

/** The CSS class of an HTTP method's badge; one the stylesheet does not know is `method-other`. */
export function methodClass(method: string): string {
  return ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method) ? `method-${method}` : 'method-other';
}
