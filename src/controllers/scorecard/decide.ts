import type { Condition } from '../../api/v1alpha1/index.ts';
import type {
  InitiativeProgress,
  InitiativeSpec,
  InvalidRule,
  ScorecardResult,
  ScorecardSpec,
  ScorecardSummary,
} from '../../scorecards/types.ts';
import { mergeConditions, rfc3339, type ConditionDecision } from '../conditions.ts';
import { CONDITION, REASON } from './reasons.ts';

/**
 * Results as an entity's status.scorecards holds them, compared without their timestamps and
 * whatever the order of their keys: server-side apply stores fields sorted by name and leaves
 * out an empty `failing`, so the stored copy never looks as it was written. (Compared as
 * written, every evaluation looked like a change, was written with a new evaluatedAt, and
 * that write's event caused the next evaluation: a loop.) The one exception to sameStatus
 * (../status-compare.ts), which every other status write goes through: results must be
 * compared without `evaluatedAt`, which sameStatus would count, and a rule change compares
 * thousands of them, so this typed field-by-field walk is the fast path (canonicalising each
 * as JSON was a third of a whole-catalog rescore). A field added to ScorecardResult must be
 * added here.
 */
export function sameResults(a: readonly ScorecardResult[] | undefined, b: readonly ScorecardResult[]): boolean {
  const left = a ?? [];
  if (left.length !== b.length) return false;
  return left.every((x, i) => sameResult(x, b[i]!));
}

function sameResult(a: ScorecardResult, b: ScorecardResult): boolean {
  if (a.scorecard !== b.scorecard || (a.level ?? '') !== (b.level ?? '') || a.score !== b.score) return false;
  const [x, y] = [a.failing ?? [], b.failing ?? []];
  return x.length === y.length && x.every((f, i) => f.rule === y[i]!.rule && f.level === y[i]!.level && f.message === y[i]!.message);
}

/**
 * A Scorecard's status: its summary, and whether every rule compiles and runs in time (the
 * others keep working). Rules that timed out (by name, with the entity they overran on) are
 * listed with the invalid ones; the reason is InvalidRule when some rule does not compile,
 * RuleTimedOut when the only problems are timeouts. When its selector names namespaces it
 * may not reach (`scope.ignored`), CrossNamespace=False says why they are ignored and which
 * setting would allow them.
 */
export function scorecardStatus(
  previous: Condition[] | undefined,
  generation: number,
  summary: ScorecardSummary,
  compileErrors: InvalidRule[],
  now: Date,
  timedOut: ReadonlyMap<string, string> = new Map(),
  scope?: { namespace: string; ignored: readonly string[] },
) {
  const timeouts = [...timedOut].map(([rule, entity]): InvalidRule => ({
    rule,
    message: `timed out evaluating ${entity}; not evaluated for any entity until the Scorecard changes`,
  }));
  // The CRD bounds each message; a tenant's expression can make one longer.
  const invalid = [...compileErrors, ...timeouts].map((r) =>
    r.message.length > 4096 ? { ...r, message: `${r.message.slice(0, 4095)}…` } : r,
  );
  const message = invalid
    .map((r) => `rule ${r.rule}${r.position === undefined ? '' : ` at position ${r.position}`}: ${r.message}`)
    .join('; ');
  const reason = compileErrors.length > 0 ? REASON.InvalidRule : REASON.RuleTimedOut;
  const crossNamespace: ConditionDecision[] =
    scope && scope.ignored.length > 0
      ? [
          {
            type: CONDITION.CrossNamespace,
            status: 'False',
            reason: REASON.OwnNamespaceOnly,
            message: `spec.selector.namespaces ${scope.ignored.join(', ')} ignored: this Scorecard selects entities of its own namespace ${scope.namespace} only; only Scorecards in the namespaces of the operator's --cluster-scorecard-namespaces (Helm chart value scorecards.clusterNamespaces) select across namespaces`,
          },
        ]
      : [];
  return {
    observedGeneration: generation,
    entities: summary.entities,
    levels: summary.levels,
    rules: summary.rules.map((r) => ({ ...r, passRate: Math.round(r.passRate * 1000) / 1000 })),
    invalidRules: invalid,
    conditions: mergeConditions(
      previous,
      [
        invalid.length === 0
          ? {
              type: CONDITION.Ready,
              status: 'True',
              reason: REASON.RulesValid,
              message: `${summary.rules.length} rules evaluated over ${summary.entities} entities`,
            }
          : { type: CONDITION.Ready, status: 'False', reason, message: `${message.slice(0, 4000)} (the other rules are evaluated)` },
        ...crossNamespace,
      ],
      generation,
      now,
    ),
  };
}

/** Why an Initiative cannot be evaluated, as the reason and message of its Ready condition. */
export interface InitiativeProblem {
  reason: (typeof REASON)['ScorecardNotFound' | 'UnknownLevel' | 'UnknownRule' | 'InvalidDeadline'];
  message: string;
}

/**
 * What stops an Initiative from being evaluated: its deadline is not a time, its Scorecard
 * does not exist, or its target names a level or rules the Scorecard does not have (such a
 * target could never be reached, so a phase computed from it would only mislead). Undefined
 * when it can be evaluated.
 */
export function initiativeProblem(
  spec: InitiativeSpec,
  scorecardKey: string,
  scorecard: ScorecardSpec | undefined,
): InitiativeProblem | undefined {
  if (Number.isNaN(Date.parse(spec.deadline)))
    return { reason: REASON.InvalidDeadline, message: `deadline "${spec.deadline}" is not an RFC 3339 time, e.g. 2027-03-31T00:00:00Z` };
  if (!scorecard) return scorecardNotFound(scorecardKey);
  const levels = scorecard.levels.map((l) => l.name);
  if (spec.targetLevel !== undefined && !levels.includes(spec.targetLevel)) {
    return {
      reason: REASON.UnknownLevel,
      message: `level ${spec.targetLevel} is not one of Scorecard ${scorecardKey}'s levels (${levels.join(', ')})`,
    };
  }
  const rules = new Set(scorecard.rules.map((r) => r.name));
  const unknown = (spec.rules ?? []).filter((r) => !rules.has(r));
  if (unknown.length > 0) {
    return {
      reason: REASON.UnknownRule,
      message: `Scorecard ${scorecardKey} has no rule${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`,
    };
  }
  return undefined;
}

const scorecardNotFound = (scorecardKey: string): InitiativeProblem => ({
  reason: REASON.ScorecardNotFound,
  message: `Scorecard ${scorecardKey} does not exist`,
});

type InitiativePrevious =
  { conditions?: Condition[]; history?: { date: string; ratio: number }[]; startedAt?: string; lastMilestone?: string } | undefined;

/**
 * An Initiative's status from its progress: phase, per owner, a daily history point, and the
 * conditions: Ready (it was evaluated), DeadlineApproaching and Missed. `lastMilestone` is
 * the newest reminder milestone announced, this evaluation's included.
 */
export function initiativeStatus(
  previous: InitiativePrevious,
  generation: number,
  progress: InitiativeProgress,
  deadline: Date,
  startedAt: Date,
  lastMilestone: string | undefined,
  now: Date,
) {
  const today = rfc3339(now).slice(0, 10);
  const history = [
    ...(previous?.history ?? []).filter((h) => h.date !== today),
    { date: today, ratio: Math.round(progress.ratio * 1000) / 1000 },
  ].slice(-400);
  const daysLeft = Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000);
  const done = progress.phase === 'Achieved';
  const behind = progress.total - progress.atTarget;
  return {
    observedGeneration: generation,
    phase: progress.phase,
    progress: { atTarget: progress.atTarget, total: progress.total, ratio: Math.round(progress.ratio * 1000) / 1000 },
    byOwner: progress.byOwner,
    history,
    startedAt: previous?.startedAt ?? rfc3339(startedAt),
    ...(lastMilestone ? { lastMilestone } : {}),
    conditions: mergeConditions(
      previous?.conditions,
      [
        {
          type: CONDITION.Ready,
          status: 'True',
          reason: REASON.Evaluated,
          message: `${progress.atTarget} of ${progress.total} entities at target`,
        },
        !done && daysLeft >= 0 && daysLeft <= 14
          ? {
              type: CONDITION.DeadlineApproaching,
              status: 'True',
              reason: REASON.DueSoon,
              message: `due in ${daysLeft} days; ${behind} of ${progress.total} entities still behind`,
            }
          : {
              type: CONDITION.DeadlineApproaching,
              status: 'False',
              reason: done ? REASON.Achieved : REASON.NotDueSoon,
              message: done ? 'every entity is at target' : `due in ${daysLeft} days`,
            },
        progress.phase === 'Missed'
          ? {
              type: CONDITION.Missed,
              status: 'True',
              reason: REASON.DeadlinePassed,
              message: `the deadline passed with ${behind} of ${progress.total} entities behind`,
            }
          : {
              type: CONDITION.Missed,
              status: 'False',
              reason: progress.phase,
              message: `${progress.atTarget} of ${progress.total} entities at target`,
            },
      ] satisfies ConditionDecision[],
      generation,
      now,
    ),
  };
}

/**
 * The status of an Initiative that cannot be evaluated: Ready False with why, the deadline
 * conditions Unknown, and no phase or progress (written by server-side apply, leaving them
 * out removes what an earlier evaluation wrote) — a phase computed against a missing
 * scorecard would claim Achieved or Missed for nothing. History and the start stay.
 */
export function unevaluatedInitiativeStatus(previous: InitiativePrevious, generation: number, problem: InitiativeProblem, now: Date) {
  const unknown = (type: string): ConditionDecision => ({
    type,
    status: 'Unknown',
    reason: REASON.NotEvaluated,
    message: `not evaluated: ${problem.message}`,
  });
  return {
    observedGeneration: generation,
    ...(previous?.history?.length ? { history: previous.history } : {}),
    ...(previous?.startedAt ? { startedAt: previous.startedAt } : {}),
    ...(previous?.lastMilestone ? { lastMilestone: previous.lastMilestone } : {}),
    conditions: mergeConditions(
      previous?.conditions,
      [
        { type: CONDITION.Ready, status: 'False', reason: problem.reason, message: problem.message },
        unknown(CONDITION.DeadlineApproaching),
        unknown(CONDITION.Missed),
      ],
      generation,
      now,
    ),
  };
}

/** One scorecard result that is at a lower level than the one before it. */
export interface LevelDrop {
  from: ScorecardResult;
  to: ScorecardResult;
}

/**
 * The scorecards on which an entity is now at a lower level than in `before`, which must be
 * what this operator last wrote for it (or what was stored when it started) — not a cache
 * that may not show that write yet: compared with a stale "before", a second evaluation
 * would find the same drop again. `levelIndex` is -1 for no level.
 */
export function levelDrops(
  before: readonly ScorecardResult[] | undefined,
  after: readonly ScorecardResult[],
  levelIndex: (scorecard: string, level: string) => number,
): LevelDrop[] {
  const drops: LevelDrop[] = [];
  for (const to of after) {
    const from = before?.find((b) => b.scorecard === to.scorecard);
    if (from && levelIndex(to.scorecard, to.level) < levelIndex(to.scorecard, from.level)) drops.push({ from, to });
  }
  return drops;
}

/**
 * Names one drop for the notifier, which sends each key once: the entity, the scorecard, the
 * levels, and when the higher level was written. Finding the same drop again (from the same
 * stored result) gives the same key; a later drop, after the entity climbed back, gives a new one.
 */
export function dropKey(entityRef: string, drop: LevelDrop): string {
  return `drop|${drop.to.scorecard}|${entityRef}|${drop.from.level}>${drop.to.level}|${drop.from.evaluatedAt}`;
}
