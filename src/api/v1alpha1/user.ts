import { z } from 'zod';
import { AGE_COLUMN, READY_COLUMN, column, type CatalogKind } from './catalog-kind.ts';
import { descriptiveFields, profile } from './common.ts';
import { referenceSchemas, type ReferenceField } from './reference-fields.ts';

const references = [
  {
    field: 'memberOf',
    many: true,
    defaultKind: 'Group',
    allowedKinds: ['Group'],
    relation: 'memberOf',
    description: 'Groups this user belongs to.',
  },
] as const satisfies readonly ReferenceField[];

export const userSpec = z.object({
  profile,
  ...referenceSchemas(references),
  ...descriptiveFields,
});

export const User: CatalogKind = {
  kind: 'User',
  plural: 'users',
  singular: 'user',
  shortNames: ['usr'],
  description: 'A person who can own entities and be a member of groups.',
  spec: userSpec,
  references,
  printerColumns: [
    column('Display Name', '.spec.profile.displayName', 'Name to show.'),
    column('Email', '.spec.profile.email', 'Contact address.'),
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
