import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType, lifecycle } from './common.ts';
import { referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  { field: 'owner', many: false, required: true, defaultKind: 'Group', allowedKinds: ['Group', 'User'], relation: 'ownedBy', description: 'Team (Group) or person (User) that owns this API.' },
  { field: 'system', many: false, defaultKind: 'System', allowedKinds: ['System'], relation: 'partOf', description: 'System this API belongs to.' },
] as const satisfies readonly ReferenceField[];

export const apiSpec = z.object({
  type: entityType('openapi, asyncapi, graphql, grpc'),
  lifecycle,
  definition: z.string().max(262144).optional().describe('The API definition itself (OpenAPI, AsyncAPI, GraphQL SDL, protobuf), or a URL to it.'),
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
