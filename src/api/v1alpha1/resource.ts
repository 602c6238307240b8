import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType } from './common.ts';
import { referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  { field: 'owner', many: false, required: true, defaultKind: 'Group', allowedKinds: ['Group', 'User'], relation: 'ownedBy', description: 'Team (Group) or person (User) that owns this resource.' },
  { field: 'system', many: false, defaultKind: 'System', allowedKinds: ['System'], relation: 'partOf', description: 'System this resource belongs to.' },
  { field: 'dependsOn', many: true, relation: 'dependsOn', description: 'Entities this resource needs.' },
  { field: 'dependencyOf', many: true, relation: 'dependencyOf', description: 'Entities that need this resource.' },
] as const satisfies readonly ReferenceField[];

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
