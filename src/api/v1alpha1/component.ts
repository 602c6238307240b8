import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType, lifecycle } from './common.ts';
import { ownerReference, systemReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  ownerReference('component'),
  systemReference('component'),
  {
    field: 'subcomponentOf',
    many: false,
    defaultKind: 'Component',
    allowedKinds: ['Component'],
    relation: 'partOf',
    description: 'Larger component this one is part of.',
  },
  {
    field: 'providesApis',
    many: true,
    defaultKind: 'API',
    allowedKinds: ['API'],
    relation: 'providesApi',
    description: 'APIs this component serves.',
  },
  {
    field: 'consumesApis',
    many: true,
    defaultKind: 'API',
    allowedKinds: ['API'],
    relation: 'consumesApi',
    description: 'APIs this component calls.',
  },
  { field: 'dependsOn', many: true, relation: 'dependsOn', description: 'Components or Resources this component needs to run.' },
  { field: 'dependencyOf', many: true, relation: 'dependencyOf', description: 'Entities that need this component to run.' },
] satisfies readonly ReferenceField[];

export const componentSpec = z.object({
  type: entityType('service, website, library'),
  lifecycle,
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const Component: CatalogKind = {
  kind: 'Component',
  plural: 'components',
  singular: 'component',
  shortNames: ['comp'],
  description: 'A piece of software: a service, website, library or pipeline, owned by a team.',
  spec: componentSpec,
  references,
  printerColumns: [
    column('Type', '.spec.type', 'Component type.'),
    column('Owner', '.spec.owner', 'Owning Group or User.'),
    column('Lifecycle', '.spec.lifecycle', 'Lifecycle stage.'),
    column('System', '.spec.system', 'System it belongs to.', 1),
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
