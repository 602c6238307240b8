/** Condition types, CamelCase reasons and event reasons of TemplateRuns, kept in one place. */
export const CONDITION = {
  /** Whether the run's Template exists and the run may use it. */
  TemplateResolved: 'TemplateResolved',
  /** Unknown while the run waits or runs; True or False when it is finished. */
  Succeeded: 'Succeeded',
} as const;

export const REASON = {
  Found: 'Found',
  TemplateNotFound: 'TemplateNotFound',
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  /** A step reported failure; the message names it. */
  StepFailed: 'StepFailed',
  /** The Job or child process is gone without saying how it ended. */
  ExecutionLost: 'ExecutionLost',
  Failed: 'Failed',
  /** The run was claimed and its Job or process could not be started. */
  StartFailed: 'StartFailed',
  /** spec.values does not fit the Template's parameters. */
  InvalidValues: 'InvalidValues',
  /** The in-process executor cannot run the Template's container steps. */
  ContainerStepsNeedJobs: 'ContainerStepsNeedJobs',
} as const;

/** Reasons a run fails over its secret parameters, kept together. */
export const SECRET_REASON = {
  /** spec.values carries a secret parameter. */
  inValues: 'SecretInValues',
  /** The Secret spec.secretValuesRef names does not exist. */
  notFound: 'SecretValuesNotFound',
  /** The operator may not read it, and an in-process scaffolder can get it from nowhere else. */
  unreadable: 'SecretValuesUnreadable',
} as const;

/**
 * Reason of a run that names a Template in another namespace that is not shared: only the
 * namespaces a platform team lists serve other namespaces, since a run copies its Template
 * (and the Template's skeleton ConfigMap) into the run's namespace.
 */
export const TEMPLATE_NAMESPACE_NOT_SHARED = 'TemplateNamespaceNotShared';

/** Reasons of the Events recorded on a run as it starts and finishes. */
export const EVENT_REASON = {
  Started: 'Started',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
} as const;

/** The final conditions of a batch/v1 Job, as the Job controller sets them. */
export const JOB_CONDITION = {
  Complete: 'Complete',
  Failed: 'Failed',
} as const;
