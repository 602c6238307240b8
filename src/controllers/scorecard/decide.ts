import type { Condition } from '../../api/v1alpha1/index.ts';
import type { InitiativeProgress, InvalidRule, ScorecardResult, ScorecardSummary } from '../../scorecards/types.ts';
import { mergeConditions, rfc3339 } from '../conditions.ts';

/** Results as an entity's status.scorecards holds them, compared without their timestamps. */
export function sameResults(a: readonly ScorecardResult[] | undefined, b: readonly ScorecardResult[]): boolean {
  const strip = (list: readonly ScorecardResult[] | undefined) => JSON.stringify((list ?? []).map(({ evaluatedAt: _, ...rest }) => ({ ...rest, failing: rest.failing ?? [] })));
  return strip(a) === strip(b);
}

/** A Scorecard's status: its summary, and whether every rule compiles (the others keep working). */
export function scorecardStatus(previous: Condition[] | undefined, generation: number, summary: ScorecardSummary, invalid: InvalidRule[], now: Date) {
  const message = invalid.map((r) => `rule ${r.rule}${r.position === undefined ? '' : ` at position ${r.position}`}: ${r.message}`).join('; ');
  return {
    observedGeneration: generation,
    entities: summary.entities,
    levels: summary.levels,
    rules: summary.rules.map((r) => ({ ...r, passRate: Math.round(r.passRate * 1000) / 1000 })),
    invalidRules: invalid,
    conditions: mergeConditions(previous, [
      invalid.length === 0
        ? { type: 'Ready', status: 'True', reason: 'RulesValid', message: `${summary.rules.length} rules evaluated over ${summary.entities} entities` }
        : { type: 'Ready', status: 'False', reason: 'InvalidRule', message: `${message.slice(0, 4000)} (the other rules are evaluated)` },
    ], generation, now),
  };
}

/** An Initiative's status from its progress: phase, per owner, a daily history point, conditions. */
export function initiativeStatus(
  previous: { conditions?: Condition[]; history?: { date: string; ratio: number }[]; startedAt?: string; lastMilestone?: string } | undefined,
  generation: number,
  progress: InitiativeProgress,
  deadline: Date,
  startedAt: Date,
  milestone: string | undefined,
  now: Date,
) {
  const today = rfc3339(now).slice(0, 10);
  const history = [...(previous?.history ?? []).filter((h) => h.date !== today), { date: today, ratio: Math.round(progress.ratio * 1000) / 1000 }].slice(-400);
  const daysLeft = Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000);
  const done = progress.phase === 'Achieved';
  return {
    observedGeneration: generation,
    phase: progress.phase,
    progress: { atTarget: progress.atTarget, total: progress.total, ratio: Math.round(progress.ratio * 1000) / 1000 },
    byOwner: progress.byOwner,
    history,
    startedAt: previous?.startedAt ?? rfc3339(startedAt),
    ...(milestone ?? previous?.lastMilestone ? { lastMilestone: milestone ?? previous?.lastMilestone } : {}),
    conditions: mergeConditions(previous?.conditions, [
      !done && daysLeft >= 0 && daysLeft <= 14
        ? { type: 'DeadlineApproaching', status: 'True', reason: 'DueSoon', message: `due in ${daysLeft} days; ${progress.total - progress.atTarget} of ${progress.total} entities still behind` }
        : { type: 'DeadlineApproaching', status: 'False', reason: done ? 'Achieved' : 'NotDueSoon', message: done ? 'every entity is at target' : `due in ${daysLeft} days` },
      progress.phase === 'Missed'
        ? { type: 'Missed', status: 'True', reason: 'DeadlinePassed', message: `the deadline passed with ${progress.total - progress.atTarget} of ${progress.total} entities behind` }
        : { type: 'Missed', status: 'False', reason: progress.phase, message: `${progress.atTarget} of ${progress.total} entities at target` },
    ], generation, now),
  };
}
