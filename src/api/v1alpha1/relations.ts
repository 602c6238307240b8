/**
 * Relation types and their inverses, as Backstage names them. Each relation is written on
 * both ends: a Component `ownedBy` a Group makes the Group `ownerOf` the Component.
 */
export const RELATION_INVERSES = {
  ownedBy: 'ownerOf',
  ownerOf: 'ownedBy',
  providesApi: 'apiProvidedBy',
  apiProvidedBy: 'providesApi',
  consumesApi: 'apiConsumedBy',
  apiConsumedBy: 'consumesApi',
  dependsOn: 'dependencyOf',
  dependencyOf: 'dependsOn',
  parentOf: 'childOf',
  childOf: 'parentOf',
  memberOf: 'hasMember',
  hasMember: 'memberOf',
  partOf: 'hasPart',
  hasPart: 'partOf',
} as const;

export type RelationType = keyof typeof RELATION_INVERSES;

export const RELATION_TYPES = Object.keys(RELATION_INVERSES) as RelationType[];

export function isRelationType(value: string): value is RelationType {
  return Object.hasOwn(RELATION_INVERSES, value);
}
