import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields } from './common.ts';
import { ownerReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  ownerReference('system'),
  {
    field: 'domain',
    many: false,
    defaultKind: 'Domain',
    allowedKinds: ['Domain'],
    relation: 'partOf',
    description: 'Business domain this system belongs to.',
  },
] satisfies readonly ReferenceField[];

export const systemSpec = z.object({
  type: z.string().max(63).optional().describe('Type of system, e.g. product, platform.'),
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const System: CatalogKind = {
  kind: 'System',
  plural: 'systems',
  singular: 'system',
  shortNames: ['sys'],
  description: 'A set of components, APIs and resources that together deliver one capability.',
  spec: systemSpec,
  references,
  printerColumns: [
    column('Owner', '.spec.owner', 'Owning Group or User.'),
    column('Domain', '.spec.domain', 'Domain it belongs to.'),
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
