import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields } from './common.ts';
import { ownerReference, referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  ownerReference('domain'),
  {
    field: 'subdomainOf',
    many: false,
    defaultKind: 'Domain',
    allowedKinds: ['Domain'],
    relation: 'partOf',
    description: 'Larger domain this one is part of.',
  },
] satisfies readonly ReferenceField[];

export const domainSpec = z.object({
  type: z.string().max(63).optional().describe('Type of domain, e.g. business-area.'),
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const Domain: CatalogKind = {
  kind: 'Domain',
  plural: 'domains',
  singular: 'domain',
  shortNames: ['dom'],
  description: 'A business area grouping related systems.',
  spec: domainSpec,
  references,
  printerColumns: [
    column('Owner', '.spec.owner', 'Owning Group or User.'),
    column('Parent', '.spec.subdomainOf', 'Domain it is part of.'),
    READY_COLUMN,
    AGE_COLUMN,
  ],
  validations: [
    // CRD rules see metadata.name but not the namespace, so only same-namespace spellings are caught here;
    // the operator reports longer cycles as a condition.
    {
      rule: "!has(self.spec.subdomainOf) || !(self.spec.subdomainOf.lowerAscii() in [self.metadata.name, 'domain:' + self.metadata.name])",
      message: 'a Domain cannot be a subdomain of itself',
      fieldPath: '.spec.subdomainOf',
    },
  ],
};
