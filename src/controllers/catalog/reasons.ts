/** Condition types and CamelCase reasons of catalog entities, kept in one place. */
export const CONDITION = {
  Ready: 'Ready',
  ReferencesResolved: 'ReferencesResolved',
  Acyclic: 'Acyclic',
} as const;

export const REASON = {
  Resolved: 'Resolved',
  AllReferencesResolved: 'AllReferencesResolved',
  DanglingReference: 'DanglingReference',
  InvalidReference: 'InvalidReference',
  NoCycles: 'NoCycles',
  DependencyCycle: 'DependencyCycle',
  ParentCycle: 'ParentCycle',
  PartOfCycle: 'PartOfCycle',
} as const;
