/** Condition types and CamelCase reasons of DocSources, kept in one place. */
export const CONDITION = {
  /** True while a build is served (the latest, or the last good one). */
  Ready: 'Ready',
  /** Whether the latest look at the source built. */
  BuildSucceeded: 'BuildSucceeded',
} as const;

export const REASON = {
  Built: 'Built',
  ServingLastGoodBuild: 'ServingLastGoodBuild',
  FetchFailed: 'FetchFailed',
  BuildFailed: 'BuildFailed',
  StoreFailed: 'StoreFailed',
  /** The docs are bigger than a limit of the operator allows (the message names the limit and its flag). */
  LimitExceeded: 'LimitExceeded',
} as const;
