/**
 * Scorecards and initiatives: the shapes the evaluation (pure), the operator and the
 * dashboard share. Specs mirror the zod schemas in src/api/v1alpha1/scorecard.ts and
 * initiative.ts.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** Which entities a scorecard (or an initiative) applies to; every given part must match. */
export interface EntitySelector {
  /** Catalog kinds, case-insensitive (Component, API, …). */
  kinds?: string[];
  /** spec.type values. */
  types?: string[];
  namespaces?: string[];
  labelSelector?: LabelSelector;
}

export interface ScorecardLevel {
  name: string;
  title?: string;
  description?: string;
}

export interface ScorecardRule {
  name: string;
  title?: string;
  description?: string;
  /** How to make it pass, shown to owners. */
  howToFix?: string;
  /** The level this rule belongs to (one of the scorecard's levels). */
  level: string;
  /** CEL over `self` (the entity with its status and relations) and `facts` (runtime facts). */
  expression: string;
  /** Share of the score (default 1). */
  weight?: number;
}

export interface Exemption {
  /** Entity ref, e.g. component:team-a/orders (kind and namespace as in refs). */
  entity: string;
  rule: string;
  reason: string;
  /** RFC 3339; the exemption ends then. Absent: no end. */
  expires?: string;
}

export interface ScorecardSpec {
  title?: string;
  description?: string;
  selector?: EntitySelector;
  /** Lowest first (e.g. bronze, silver, gold). */
  levels: ScorecardLevel[];
  rules: ScorecardRule[];
  exemptions?: Exemption[];
  /** How often time-based facts are re-evaluated (Go duration, default 5m). */
  evaluationInterval?: string;
}

/** Live workloads bound to an entity, and what they say. */
export interface Workload {
  kind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
  replicas: number;
  readyReplicas: number;
  images: string[];
  /** Some container image has no tag or the `latest` tag. */
  latestTag: boolean;
  /** Every container has CPU and memory limits. */
  limitsSet: boolean;
  /** Every container has liveness and readiness probes. */
  probesSet: boolean;
  /** A PodDisruptionBudget in the namespace selects its pods. */
  pdbCovered: boolean;
}

/** `facts` in a rule's CEL. */
export interface RuntimeFacts {
  workloads: Workload[];
  hasWorkload: boolean;
  replicas: number;
  readyReplicas: number;
  images: string[];
  latestTag: boolean;
  limitsSet: boolean;
  probesSet: boolean;
  pdbCovered: boolean;
}

export interface RuleResult {
  rule: string;
  level: string;
  passed: boolean;
  /** Why it failed (the rule's description or the evaluation error), or the exemption's reason. */
  message?: string;
  exempted?: boolean;
}

/** One scorecard's verdict on one entity — what goes into the entity's status.scorecards. */
export interface ScorecardResult {
  /** namespace/name of the Scorecard. */
  scorecard: string;
  /** The highest level whose rules and every lower level's rules pass; empty when none. */
  level: string;
  /** Weighted share of passing rules, 0–100. */
  score: number;
  failing: { rule: string; level: string; message: string }[];
  evaluatedAt: string;
}

/** A rule whose expression does not compile, with where. */
export interface InvalidRule {
  rule: string;
  message: string;
  /** Character offset in the expression, when the CEL parser gives one. */
  position?: number;
}

export interface ScorecardSummary {
  entities: number;
  /** Entities at each level, lowest first, after `""` (no level): the counts add up to `entities`. */
  levels: { name: string; count: number }[];
  rules: { name: string; passing: number; failing: number; passRate: number }[];
}

export interface InitiativeSpec {
  title?: string;
  description?: string;
  /** namespace/name or name (the Initiative's namespace) of a Scorecard. */
  scorecard: string;
  /** Entities reach the target at this level… */
  targetLevel?: string;
  /** …or when these rules pass. */
  rules?: string[];
  /** RFC 3339. */
  deadline: string;
  selector?: EntitySelector;
  /** Owner refs (group:team-a); all owners when absent. */
  owners?: string[];
}

export type InitiativePhase = 'OnTrack' | 'AtRisk' | 'Missed' | 'Achieved';

export interface InitiativeProgress {
  atTarget: number;
  total: number;
  /** 0–1. */
  ratio: number;
  byOwner: { owner: string; atTarget: number; total: number }[];
  /** Entities still behind, by ref. */
  behind: string[];
  phase: InitiativePhase;
}
