import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, entityType, profile } from './common.ts';
import { referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  {
    field: 'parent',
    many: false,
    defaultKind: 'Group',
    allowedKinds: ['Group'],
    relation: 'childOf',
    description: 'Parent group in the organisation.',
  },
  { field: 'children', many: true, defaultKind: 'Group', allowedKinds: ['Group'], relation: 'parentOf', description: 'Child groups.' },
  {
    field: 'members',
    many: true,
    defaultKind: 'User',
    allowedKinds: ['User'],
    relation: 'hasMember',
    description: 'Users who are members of this group.',
  },
] as const satisfies readonly ReferenceField[];

export const groupSpec = z.object({
  type: entityType('team, business-unit, department'),
  profile,
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const Group: CatalogKind = {
  kind: 'Group',
  plural: 'groups',
  singular: 'group',
  shortNames: ['grp'],
  description: 'A team or other organisational unit that owns entities.',
  spec: groupSpec,
  references,
  printerColumns: [
    column('Type', '.spec.type', 'Group type.'),
    column('Parent', '.spec.parent', 'Parent group.'),
    column('Display Name', '.spec.profile.displayName', 'Name to show.', 1),
    READY_COLUMN,
    AGE_COLUMN,
  ],
  validations: [
    // CRD rules see metadata.name but not the namespace, so only same-namespace spellings are caught here;
    // the operator reports longer cycles as a condition.
    {
      rule: "!has(self.spec.parent) || !(self.spec.parent.lowerAscii() in [self.metadata.name, 'group:' + self.metadata.name])",
      message: 'a Group cannot be its own parent',
      fieldPath: '.spec.parent',
    },
  ],
};
