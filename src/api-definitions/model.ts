/**
 * An API entity's definition as the dashboard shows it: one description per format, made from
 * the document by a well-kept parser for that format (describe-*.ts), with everything a page
 * needs and nothing it does not. A description is plain data (JSON): the operator makes it once
 * per version of the definition, bounded in time and memory, and every replica of the dashboard
 * reads it back, so it holds no cycles — a named schema or type is referred to by its name and
 * listed once in its table.
 */

export type DefinitionFormat = 'openapi' | 'asyncapi' | 'graphql' | 'grpc';

/** What is wrong with a definition, where: `line` is 1-based in the text as written. */
export interface DefinitionProblem {
  message: string;
  line?: number;
  column?: number;
  /** Where in the document's structure (a JSON pointer such as /paths/~1pets/get), when known. */
  path?: string;
}

/**
 * A JSON Schema as a page shows it. A named schema (`components/schemas/Pet`, `definitions/Pet`,
 * an AsyncAPI `components/schemas` entry) appears as `{ ref: 'Pet' }` and once, expanded, in the
 * description's `schemas` table: so recursive schemas end, and a schema used a thousand times is
 * written once.
 */
export interface SchemaView {
  /** A named schema in the description's `schemas` table; the other fields are then unset. */
  ref?: string;
  /** `object`, `array`, `string`, `integer`, …, or several joined with ` | ` (`string | null`). */
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  /** Allowed values, each as JSON (`"open"`, `3`, `null`); at most MAX_LISTED, then `more` says how many were left out. */
  enum?: string[];
  enumMore?: number;
  /** `default`, `const` and `example` as JSON text (capped at MAX_EXAMPLE_CHARS). */
  default?: string;
  const?: string;
  example?: string;
  /** Object members in the document's order. */
  properties?: PropertyView[];
  /** `true` when any extra member is allowed, a schema when extra members must match it. */
  additionalProperties?: SchemaView | true;
  items?: SchemaView;
  oneOf?: SchemaView[];
  anyOf?: SchemaView[];
  allOf?: SchemaView[];
  not?: SchemaView;
  /** The rest, as words: `minLength 1`, `pattern ^[a-z]+$`, `maximum 100`, `uniqueItems`. */
  constraints?: string[];
  deprecated?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  nullable?: boolean;
  /** Set where the schema was cut short (nesting deeper than MAX_SCHEMA_DEPTH): the page says so. */
  truncated?: boolean;
}

export interface PropertyView {
  name: string;
  required: boolean;
  schema: SchemaView;
}

/** Limits on what one description holds, so one odd definition cannot make every page heavy. */
export const DESCRIPTION_LIMITS = {
  /** Inline (unnamed) schemas nested deeper than this are cut (`truncated`). */
  maxSchemaDepth: 12,
  /** Enum values, examples per media type, properties per object, servers … listed before "and N more". */
  maxListed: 200,
  /** An example, default or const longer than this (as pretty JSON/YAML text) is cut with "…". */
  maxExampleChars: 4096,
  /** Descriptions (Markdown kept as text) longer than this are cut with "…". */
  maxDescriptionChars: 8192,
} as const;

export interface Example {
  /** The example's name where the document names it (`examples: {ok: …}`). */
  name?: string;
  summary?: string;
  /** Pretty-printed JSON (or the text itself when it is a string), capped at maxExampleChars. */
  value: string;
}

export interface MediaView {
  /** `application/json`, `text/plain`, …; AsyncAPI's contentType. */
  mediaType: string;
  schema?: SchemaView;
  examples: Example[];
}

// ---------------------------------------------------------------- OpenAPI 2 and 3.x

export interface OpenApiDescription {
  format: 'openapi';
  /** The specification's version as written: `2.0`, `3.0.3`, `3.1.0`. */
  specVersion: string;
  title: string;
  /** info.version: the API's own version. */
  version: string;
  description?: string;
  /** Swagger 2's host + basePath + schemes become servers too. */
  servers: { url: string; description?: string }[];
  /** In the document's tag order, then tags that operations use but `tags` does not list; untagged operations under `default`. */
  tags: { name: string; description?: string; operations: OpenApiOperation[] }[];
  /** Named schemas (components/schemas, or Swagger 2's definitions) by name. */
  schemas: Record<string, SchemaView>;
  securitySchemes: { name: string; type: string; description?: string; detail?: string }[];
  /** Operations in all, counted once each even when listed under several tags. */
  operationCount: number;
}

export interface OpenApiOperation {
  /**
   * Unique in the description and safe in a URL path segment: the operationId when it has one
   * that is ([A-Za-z0-9._~-]+), else made from method and path (`get-pets-petId`), suffixed on a clash.
   */
  id: string;
  /** Lower case: get, put, post, delete, options, head, patch, trace. */
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  /** Path-level and operation-level parameters merged (operation wins), in order. */
  parameters: {
    name: string;
    in: 'path' | 'query' | 'header' | 'cookie' | 'formData' | 'body';
    required: boolean;
    description?: string;
    deprecated?: boolean;
    schema?: SchemaView;
    example?: string;
  }[];
  /** OpenAPI 3's requestBody; Swagger 2's body or formData parameters become one. */
  requestBody?: { description?: string; required: boolean; content: MediaView[] };
  responses: {
    status: string;
    description?: string;
    content: MediaView[];
    headers: { name: string; description?: string; schema?: SchemaView }[];
  }[];
  /** Names of the security schemes that apply (operation-level, else document-level). */
  security: string[];
}

// ---------------------------------------------------------------- AsyncAPI 2 and 3

export interface AsyncApiDescription {
  format: 'asyncapi';
  specVersion: string;
  title: string;
  version: string;
  description?: string;
  servers: { id: string; url: string; protocol: string; protocolVersion?: string; description?: string }[];
  channels: {
    id: string;
    /** The address messages go to (v3's address, v2's channel name). */
    address: string;
    description?: string;
    parameters: { name: string; description?: string; schema?: SchemaView }[];
    /** Ids of the messages in `messages`. */
    messages: string[];
    /** Ids of the servers the channel is on (all of them when the document does not say). */
    servers: string[];
  }[];
  operations: {
    id: string;
    /** What the application does: v3's action; v2's publish is `receive` and subscribe is `send`, as the parser reads them. */
    action: 'send' | 'receive';
    /** Id of the channel in `channels`. */
    channel: string;
    summary?: string;
    description?: string;
    /** Ids of the messages in `messages`. */
    messages: string[];
  }[];
  messages: {
    id: string;
    name?: string;
    title?: string;
    summary?: string;
    description?: string;
    contentType?: string;
    payload?: SchemaView;
    headers?: SchemaView;
    examples: Example[];
  }[];
  schemas: Record<string, SchemaView>;
}

// ---------------------------------------------------------------- GraphQL SDL

export interface GraphQlField {
  name: string;
  description?: string;
  /** The type as written in SDL: `[Repository!]!`. */
  type: string;
  /** The named type under the wrappers (`Repository`), which links to its entry in `types`. */
  namedType: string;
  args: { name: string; type: string; namedType: string; description?: string; defaultValue?: string; deprecationReason?: string }[];
  deprecationReason?: string;
  /** An input field's default value as written in the SDL (`10`, `"main"`); output fields have none. */
  defaultValue?: string;
}

export interface GraphQlDescription {
  format: 'graphql';
  /** The root types' names (usually Query, Mutation, Subscription) where the schema has them. */
  roots: { query?: string; mutation?: string; subscription?: string };
  /** Every named type but the built-in scalars and introspection types, by name. */
  types: {
    name: string;
    kind: 'object' | 'interface' | 'union' | 'enum' | 'input' | 'scalar';
    description?: string;
    /** Object and interface fields, and input fields (args empty). */
    fields: GraphQlField[];
    /** Interfaces an object or interface implements. */
    interfaces: string[];
    /** Union members, and the objects that implement an interface. */
    possibleTypes: string[];
    enumValues: { name: string; description?: string; deprecationReason?: string }[];
  }[];
}

// ---------------------------------------------------------------- gRPC / protobuf

export interface GrpcDescription {
  format: 'grpc';
  /** proto2 or proto3 (or an edition), as the file says. */
  syntax: string;
  /** Package names declared (one per file; a definition is one file). */
  packages: string[];
  services: {
    /** Fully qualified: `helloworld.Greeter`. */
    name: string;
    description?: string;
    methods: {
      name: string;
      description?: string;
      /** Fully qualified message names, which link to their entry in `messages`. */
      requestType: string;
      responseType: string;
      requestStream: boolean;
      responseStream: boolean;
    }[];
  }[];
  messages: {
    name: string;
    description?: string;
    fields: {
      name: string;
      id: number;
      /** The field's type as written resolved to a full name where it is a message or enum (`.helloworld.Status` → `helloworld.Status`). */
      type: string;
      /** `repeated`, `optional`, `map<string, T>` … */
      label?: string;
      /** Set when the type is a message or enum of this file, so it can link. */
      typeRef?: string;
      oneof?: string;
      description?: string;
    }[];
  }[];
  enums: { name: string; description?: string; values: { name: string; number: number; description?: string }[] }[];
}

export type ApiDescription = OpenApiDescription | AsyncApiDescription | GraphQlDescription | GrpcDescription;

/** What describing a definition gives: a description (perhaps with warnings that do not stop it rendering), or the problems that did. */
export type DescribeResult = { description: ApiDescription; warnings: DefinitionProblem[] } | { problems: DefinitionProblem[] };
