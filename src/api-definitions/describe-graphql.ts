/**
 * A GraphQL schema (SDL) as the API tab shows it, read with graphql-js, the reference
 * implementation: its parser is bounded (tokens, comments, length) and its schema validation is
 * the one every GraphQL server applies, so what the page calls wrong is what a server would.
 *
 * A schema that a server would refuse is still worth reading: GitHub's own published schema
 * defines two fields twice. So the SDL rules run first and what they find becomes warnings with
 * a line; only text that is not GraphQL, or that holds no type at all, is a problem.
 */
import {
  buildASTSchema,
  GraphQLError,
  Kind,
  parse,
  specifiedScalarTypes,
  validateSchema,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
// buildASTSchema(…, { assumeValidSDL: false }) runs these same rules but throws their messages
// joined, without locations; run them here to keep each one's line, then build trusting them.
import { validateSDL } from 'graphql/validation/validate';
import { capProblems } from './clip-text.ts';
import { describeGraphQlType } from './describe-graphql-types.ts';
import type { DefinitionProblem, DescribeResult, GraphQlDescription } from './model.ts';

/**
 * Bounds on the text graphql-js reads. GitHub's schema, among the largest public ones, is
 * 1.2 MB and 61,142 tokens: these admit eight times that, and stop a crafted document before
 * parsing becomes expensive (graphql-js's own advice for untrusted input).
 */
export const GRAPHQL_PARSE_LIMITS = {
  maxLexicalTokens: 500_000,
  maxComments: 100_000,
  maxSourceLength: 8 * 1024 * 1024,
} as const;

/** The description of a GraphQL SDL document, with what is wrong in it; nothing is fetched. */
export async function describeGraphQl(text: string): Promise<DescribeResult> {
  try {
    return describeParsed(parse(text, GRAPHQL_PARSE_LIMITS));
  } catch (error) {
    if (error instanceof GraphQLError) return { problems: [located(error)] };
    // graphql-js reads nested lists and values recursively: a document nested deeply enough
    // exhausts the stack before any token bound is reached.
    if (error instanceof RangeError) return { problems: [{ message: 'The schema is nested too deeply to read.' }] };
    throw error;
  }
}

function describeParsed(document: DocumentNode): DescribeResult {
  const sdlErrors = validateSDL(document).map(located);
  const { document: buildable, missing } = withStandIns(document);
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(buildable, { assumeValidSDL: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems: capProblems(sdlErrors.length > 0 ? sdlErrors : [{ message }]) };
  }
  const types = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !BUILT_IN_SCALARS.has(t.name) && !missing.has(t.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => describeGraphQlType(t, schema));
  if (types.length === 0) return { problems: [{ message: 'The document defines no GraphQL type: it is not a schema.' }] };
  const description: GraphQlDescription = { format: 'graphql', roots: rootsOf(schema, missing), types };
  return { description, warnings: capProblems([...sdlErrors, ...validateSchema(schema).map(located)]) };
}

const BUILT_IN_SCALARS = new Set(specifiedScalarTypes.map((t) => t.name));

function rootsOf(schema: GraphQLSchema, missing: Set<string>): GraphQlDescription['roots'] {
  const name = (t: { name: string } | null | undefined) => (t && !missing.has(t.name) ? t.name : undefined);
  const roots: GraphQlDescription['roots'] = {};
  const query = name(schema.getQueryType());
  const mutation = name(schema.getMutationType());
  const subscription = name(schema.getSubscriptionType());
  if (query) roots.query = query;
  if (mutation) roots.mutation = mutation;
  if (subscription) roots.subscription = subscription;
  return roots;
}

/** A problem where graphql-js found it (its first location: a duplicate names both). */
function located(error: GraphQLError): DefinitionProblem {
  const where = error.locations?.[0];
  return where ? { message: error.message, line: where.line, column: where.column } : { message: error.message };
}

const DEFINITION_OF_EXTENSION: Partial<Record<Kind, Kind>> = {
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
};

/**
 * The document made buildable whatever it refers to: a schema that is one part of a larger one
 * (a federated subgraph, a file split in several) names types defined elsewhere. The first
 * extension of a type defined nowhere stands as its definition, and a type named but defined
 * nowhere becomes a stand-in scalar, left out of the description (so it shows unlinked); the
 * SDL rules have already said what is missing, with its line.
 */
function withStandIns(document: DocumentNode): { document: DocumentNode; missing: Set<string> } {
  const defined = new Set(BUILT_IN_SCALARS);
  for (const d of document.definitions) if ('name' in d && d.name && !(d.kind in DEFINITION_OF_EXTENSION)) defined.add(d.name.value);
  const definitions: DefinitionNode[] = document.definitions.map((d) => {
    const kind = DEFINITION_OF_EXTENSION[d.kind];
    if (!kind || !('name' in d) || !d.name || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind } as DefinitionNode;
  });
  const missing = new Set<string>();
  visit(document, {
    NamedType(node) {
      if (!defined.has(node.name.value) && !node.name.value.startsWith('__')) missing.add(node.name.value);
    },
  });
  for (const name of missing) {
    definitions.push({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value: name } });
  }
  return { document: { ...document, definitions }, missing };
}
