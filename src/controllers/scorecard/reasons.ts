/** Condition types and CamelCase reasons of Scorecards and Initiatives, kept in one place. */
export const CONDITION = {
  Ready: 'Ready',
  DeadlineApproaching: 'DeadlineApproaching',
  Missed: 'Missed',
  /** False when a Scorecard's selector names namespaces it may not reach. */
  CrossNamespace: 'CrossNamespace',
} as const;

export const REASON = {
  RulesValid: 'RulesValid',
  InvalidRule: 'InvalidRule',
  /** A rule ran past its deadline on some entity and is no longer evaluated until the Scorecard changes. */
  RuleTimedOut: 'RuleTimedOut',
  /** The Initiative was evaluated against its scorecard. */
  Evaluated: 'Evaluated',
  ScorecardNotFound: 'ScorecardNotFound',
  UnknownLevel: 'UnknownLevel',
  UnknownRule: 'UnknownRule',
  InvalidDeadline: 'InvalidDeadline',
  /** DeadlineApproaching and Missed while the Initiative cannot be evaluated. */
  NotEvaluated: 'NotEvaluated',
  DueSoon: 'DueSoon',
  NotDueSoon: 'NotDueSoon',
  Achieved: 'Achieved',
  DeadlinePassed: 'DeadlinePassed',
  /** Event reasons on a Group or User about its notification webhook. */
  WebhookUrlAnnotationIgnored: 'WebhookUrlAnnotationIgnored',
  InvalidWebhookSecret: 'InvalidWebhookSecret',
  /** The webhook policy does not allow the URL's scheme, host or address. */
  WebhookRefused: 'WebhookRefused',
  /** The Secret is missing, lacks the key, or the operator may not read it. */
  WebhookSecretUnusable: 'WebhookSecretUnusable',
  /** The receiver answered with an error, or never answered in time. */
  WebhookFailed: 'WebhookFailed',
  /** The Scorecard is not in a --cluster-scorecard-namespaces namespace: other namespaces are ignored. */
  OwnNamespaceOnly: 'OwnNamespaceOnly',
} as const;
