/** Condition types and CamelCase reasons of CatalogSources, kept in one place. */
export const CONDITION = {
  /** True once the catalog holds what the source last read (kstatus: the object is reconciled). */
  Ready: 'Ready',
  /** Whether the latest check brought the catalog in step with the source. */
  Synced: 'Synced',
  /** True while entities of the source are left alone because someone else holds them. */
  Conflicting: 'Conflicting',
} as const;

export const REASON = {
  Synced: 'Synced',
  SyncedWithProblems: 'SyncedWithProblems',
  SourceUnreachable: 'SourceUnreachable',
  SourceInvalid: 'SourceInvalid',
  WriteFailed: 'WriteFailed',
  Suspended: 'Suspended',
  Conflicts: 'Conflicts',
  NoConflicts: 'NoConflicts',
} as const;
