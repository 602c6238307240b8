import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType } from './common.ts';
import { ownerReference, systemReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  ownerReference('resource'),
  systemReference('resource'),
  { field: 'dependsOn', many: true, relation: 'dependsOn', description: 'Entities this resource needs.' },
  { field: 'dependencyOf', many: true, relation: 'dependencyOf', description: 'Entities that need this resource.' },
] satisfies readonly ReferenceField[];

export const resourceSpec = z.object({
  type: entityType('database, s3-bucket, cluster, queue'),
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const Resource: CatalogKind = {
  kind: 'Resource',
  plural: 'resources',
  singular: 'resource',
  shortNames: ['res'],
  description: 'Infrastructure a component needs at run time: a database, a bucket, a queue, a cluster.',
  spec: resourceSpec,
  references,
  printerColumns: [
    column('Type', '.spec.type', 'Resource type.'),
    column('Owner', '.spec.owner', 'Owning Group or User.'),
    column('System', '.spec.system', 'System it belongs to.', 1),
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
