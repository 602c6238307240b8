/** Condition types and CamelCase reasons of Scorecards and Initiatives, kept in one place. */
export const CONDITION = {
  Ready: 'Ready',
  DeadlineApproaching: 'DeadlineApproaching',
  Missed: 'Missed',
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
} as const;
