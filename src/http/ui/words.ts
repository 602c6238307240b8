/** What each condition reason means, in words for people who never read a CRD. */
export const REASON_WORDS: Record<string, string> = {
  Resolved: 'Everything this entity refers to is in the catalog.',
  AllReferencesResolved: 'Every reference points at an entity that exists.',
  DanglingReference: 'It refers to something that is not in the catalog (yet).',
  InvalidReference: 'A reference cannot be read; fix its spelling.',
  NoCycles: 'It is not part of any loop.',
  DependencyCycle: 'It is part of a dependency loop: these entities depend on each other in a circle.',
  ParentCycle: 'It is part of a loop of parent groups.',
  PartOfCycle: 'It is part of a loop of "part of" relations.',
};

/** Headings for relation types on the entity page. */
export const RELATION_WORDS: Record<string, string> = {
  ownedBy: 'Owned by',
  ownerOf: 'Owns',
  providesApi: 'Provides APIs',
  apiProvidedBy: 'Provided by',
  consumesApi: 'Consumes APIs',
  apiConsumedBy: 'Consumed by',
  dependsOn: 'Depends on',
  dependencyOf: 'Dependency of',
  parentOf: 'Child groups',
  childOf: 'Parent group',
  memberOf: 'Member of',
  hasMember: 'Members',
  partOf: 'Part of',
  hasPart: 'Has parts',
};
