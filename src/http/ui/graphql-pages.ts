/**
 * The API tab of an API entity whose definition is a GraphQL schema: the tab lists the root
 * operations and an index of every type; each type has its own page
 * (`…/definition/types/<Name>`) with its fields, what it implements or holds, and where it is
 * used. Pure: made from the description, which stays as model.ts has it — what a page derives
 * (the lookup by name, "used by") is kept per description object, made once, on first need.
 */
import type { GraphQlDescription, GraphQlField } from '../../api-definitions/model.ts';
import { definitionHref, type DefinitionPath, type DefinitionView } from './definition-view.ts';
import { excerpt, typeRefOf, type TypeRef } from './graphql-type-refs.ts';

type GraphQlType = GraphQlDescription['types'][number];

/** How many fields a type page lists under "used by"; the rest are counted. */
export const USED_BY_LISTED = 100;

/** The page of one GraphQL definition at `path`, or undefined (a 404) for a section or type it does not have. */
export function graphQlView(description: GraphQlDescription, path: DefinitionPath, base: string): DefinitionView | undefined {
  if (path.section === undefined) return { template: 'api/graphql.njk', definition: schemaTab(description, base) };
  if (path.section === 'types' && path.item === undefined)
    return { template: 'api/graphql-types.njk', title: 'Types', definition: { tabHref: base, ...typeIndex(description, base) } };
  if (path.section !== 'types' || path.item === undefined) return undefined;
  const type = derived(description).byName.get(path.item);
  if (!type) return undefined;
  return { template: 'api/graphql-type.njk', title: type.name, definition: typePage(description, type, base) };
}

const OPERATIONS = [
  { operation: 'query', heading: 'Queries' },
  { operation: 'mutation', heading: 'Mutations' },
  { operation: 'subscription', heading: 'Subscriptions' },
] as const;

const KINDS: { kind: GraphQlType['kind']; heading: string; words: string }[] = [
  { kind: 'object', heading: 'Objects', words: 'Object' },
  { kind: 'interface', heading: 'Interfaces', words: 'Interface' },
  { kind: 'union', heading: 'Unions', words: 'Union' },
  { kind: 'enum', heading: 'Enums', words: 'Enum' },
  { kind: 'input', heading: 'Input objects', words: 'Input object' },
  { kind: 'scalar', heading: 'Scalars', words: 'Scalar' },
];

/** The tab: each root operation as a one-line signature with an excerpt, then every type by kind, names only. */
function schemaTab(description: GraphQlDescription, base: string) {
  const { byName } = derived(description);
  const link = linker(base, byName);
  const roots = OPERATIONS.flatMap(({ operation, heading }) => {
    const type = byName.get(description.roots[operation] ?? '');
    if (!type) return [];
    const typeHref = definitionHref(base, 'types', type.name);
    const fields = type.fields.map((f) => ({
      name: f.name,
      href: `${typeHref}#${fieldAnchor(f.name)}`,
      args: f.args.map((a) => ({ name: a.name, type: link(a.type, a.namedType) })),
      type: link(f.type, f.namedType),
      excerpt: excerpt(f.description),
      deprecated: f.deprecationReason !== undefined,
    }));
    return [{ operation, heading, typeName: type.name, href: typeHref, fields }];
  });
  // A long index of names goes on a page of its own: GitHub's 1,623 types doubled the tab.
  const big = description.types.length > TYPES_ON_TAB_UP_TO;
  return {
    roots,
    ...(big ? { typesHref: definitionHref(base, 'types') } : typeIndex(description, base)),
    typeCount: description.types.length,
  };
}

/** Past this many types the tab links to the index of types instead of holding it. */
const TYPES_ON_TAB_UP_TO = 300;

/** Every type by kind, names only, each linking to its page. */
function typeIndex(description: GraphQlDescription, base: string) {
  const index = KINDS.map(({ kind, heading }) => ({
    kind,
    heading,
    types: description.types.filter((t) => t.kind === kind).map((t) => ({ name: t.name, href: definitionHref(base, 'types', t.name) })),
  })).filter((group) => group.types.length > 0);
  return { index };
}

/** One type's page: everything it says, each named type linked, and the fields that return or take it. */
function typePage(description: GraphQlDescription, type: GraphQlType, base: string) {
  const { byName } = derived(description);
  const link = linker(base, byName);
  const named = (name: string) => link(name, name);
  const uses = usedBy(description).get(type.name) ?? { listed: [], total: 0 };
  const rootOf = OPERATIONS.find(({ operation }) => description.roots[operation] === type.name)?.operation;
  return {
    tabHref: base,
    root: rootOf,
    type: {
      name: type.name,
      kind: type.kind,
      kindWords: KINDS.find((k) => k.kind === type.kind)?.words ?? type.kind,
      description: type.description,
      fields: type.fields.map((f) => fieldView(f, link)),
      interfaces: type.interfaces.map(named),
      possibleTypes: type.possibleTypes.map(named),
      enumValues: type.enumValues,
    },
    usedBy: {
      uses: uses.listed.map((u) => ({ ...u, href: `${definitionHref(base, 'types', u.typeName)}#${fieldAnchor(u.field)}` })),
      more: uses.total - uses.listed.length,
    },
  };
}

function fieldView(field: GraphQlField, link: (type: string, namedType: string) => TypeRef) {
  return {
    name: field.name,
    anchor: fieldAnchor(field.name),
    description: field.description,
    deprecationReason: field.deprecationReason,
    defaultValue: field.defaultValue,
    type: link(field.type, field.namedType),
    args: field.args.map((a) => ({ ...a, type: link(a.type, a.namedType) })),
  };
}

/** The id of a field's entry on its type's page; GraphQL names are [_A-Za-z][_0-9A-Za-z]*, safe in an id and a fragment. */
const fieldAnchor = (name: string): string => `field-${name}`;

/** A type as written, its named type linked to its page when the schema defines it (built-in scalars and unknown types stay text). */
const linker =
  (base: string, byName: Map<string, GraphQlType>) =>
  (type: string, namedType: string): TypeRef =>
    typeRefOf(type, namedType, byName.has(namedType) ? definitionHref(base, 'types', namedType) : undefined);

interface Use {
  typeName: string;
  field: string;
  /** Set when the type is an argument's, not the field's own. */
  arg?: string;
}

interface Derived {
  byName: Map<string, GraphQlType>;
  usedBy?: Map<string, { listed: Use[]; total: number }>;
}

const cache = new WeakMap<GraphQlDescription, Derived>();

function derived(description: GraphQlDescription): Derived {
  let found = cache.get(description);
  if (!found) {
    found = { byName: new Map(description.types.map((t) => [t.name, t])) };
    cache.set(description, found);
  }
  return found;
}

/** Every field and argument by the named type it has, at most USED_BY_LISTED kept per type; made on the first type page asked for. */
function usedBy(description: GraphQlDescription): Map<string, { listed: Use[]; total: number }> {
  const cached = derived(description);
  if (cached.usedBy) return cached.usedBy;
  const uses = new Map<string, { listed: Use[]; total: number }>();
  const add = (namedType: string, use: Use) => {
    const entry = uses.get(namedType) ?? { listed: [], total: 0 };
    entry.total += 1;
    if (entry.listed.length < USED_BY_LISTED) entry.listed.push(use);
    uses.set(namedType, entry);
  };
  for (const type of description.types) {
    for (const field of type.fields) {
      add(field.namedType, { typeName: type.name, field: field.name });
      for (const arg of field.args) add(arg.namedType, { typeName: type.name, field: field.name, arg: arg.name });
    }
  }
  cached.usedBy = uses;
  return uses;
}
