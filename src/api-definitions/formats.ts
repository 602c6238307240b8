import type { DefinitionFormat } from './model.ts';

/**
 * The format an API's `spec.type` names, as Backstage's types are written (`openapi`,
 * `asyncapi`, `graphql`, `grpc`) and the names people also use for them; undefined for a type
 * Greenroom does not render (its definition is then shown as text).
 */
export function definitionFormat(type: string): DefinitionFormat | undefined {
  switch (type.trim().toLowerCase()) {
    case 'openapi':
    case 'swagger':
      return 'openapi';
    case 'asyncapi':
      return 'asyncapi';
    case 'graphql':
      return 'graphql';
    case 'grpc':
    case 'protobuf':
    case 'proto':
      return 'grpc';
    default:
      return undefined;
  }
}

/** How a format is named to people: in conditions and on the API tab. */
export const FORMAT_NAMES: Record<DefinitionFormat, string> = {
  openapi: 'OpenAPI',
  asyncapi: 'AsyncAPI',
  graphql: 'GraphQL',
  grpc: 'gRPC',
};
