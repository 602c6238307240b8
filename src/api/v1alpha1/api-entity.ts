import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType, lifecycle } from './common.ts';
import { ownerReference, systemReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [ownerReference('API'), systemReference('API')] satisfies readonly ReferenceField[];

/** The most a definition written into the API itself may hold; bigger ones live at a URL. */
export const MAX_INLINE_DEFINITION_CHARS = 262144;

export const apiSpec = z
  .object({
    type: entityType('openapi, asyncapi, graphql, grpc'),
    lifecycle,
    definition: z
      .string()
      .max(MAX_INLINE_DEFINITION_CHARS)
      .optional()
      .describe(
        'The API definition itself (OpenAPI, AsyncAPI, GraphQL SDL, protobuf), or an https URL to it (one line), which the operator fetches from a host it allows.',
      ),
    definitionFrom: z
      .object({
        configMapKeyRef: z
          .object({
            name: z.string().min(1).max(253).describe("The ConfigMap, in the API's namespace."),
            key: z
              .string()
              .min(1)
              .max(253)
              .regex(/^[-._a-zA-Z0-9]+$/)
              .describe('The key holding the definition.'),
          })
          .describe('A ConfigMap key holding the definition (for definitions up to about 1 MiB that should not sit in the API).'),
      })
      .optional()
      .describe('Where the definition is kept, instead of spec.definition.'),
    ...referenceSchemas(references),
    ...descriptiveFields,
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: '!(has(self.definition) && has(self.definitionFrom))', message: 'set definition or definitionFrom, not both' },
    ],
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
