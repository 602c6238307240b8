import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType, lifecycle } from './common.ts';
import { ownerReference, systemReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [ownerReference('API'), systemReference('API')] satisfies readonly ReferenceField[];

export const apiSpec = z.object({
  type: entityType('openapi, asyncapi, graphql, grpc'),
  lifecycle,
  definition: z
    .string()
    .max(262144)
    .optional()
    .describe('The API definition itself (OpenAPI, AsyncAPI, GraphQL SDL, protobuf), or a URL to it.'),
  ...referenceSchemas(references),
  ...descriptiveFields,
});

/** The kind is called API; this file is api-entity.ts so it does not read as the HTTP API. */
export const Api: CatalogKind = {
  kind: 'API',
  plural: 'apis',
  singular: 'api',
  shortNames: ['gapi'],
  description: 'An interface a component provides and others consume: OpenAPI, AsyncAPI, GraphQL, gRPC.',
  spec: apiSpec,
  references,
  printerColumns: [
    column('Type', '.spec.type', 'API type.'),
    column('Owner', '.spec.owner', 'Owning Group or User.'),
    column('Lifecycle', '.spec.lifecycle', 'Lifecycle stage.'),
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
