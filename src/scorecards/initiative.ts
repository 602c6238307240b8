import type { Entity } from '../catalog/entity.ts';
import { canonicalOwner } from '../catalog/refs.ts';
import { matches } from './select.ts';
import type { InitiativePhase, InitiativeProgress, InitiativeSpec, RuleResult, ScorecardResult } from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Closer to the deadline than this, an initiative that is not achieved is at risk. */
export const AT_RISK_WINDOW_DAYS = 14;
/** How far (0–1) behind the straight line from start to deadline counts as at risk. */
export const AT_RISK_LAG = 0.1;
/** Reminders go out this many days before the deadline, and at the deadline ("0d"). */
export const MILESTONE_DAYS = [30, 14, 7, 1, 0] as const;

/** One entity's result under the initiative's scorecard, with its owner ref (as in spec.owner). */
export interface InitiativeEntity {
  entity: Entity;
  owner: string;
  result: ScorecardResult;
  rules: RuleResult[];
}

/**
 * How far an initiative has come. An entity is at target when its level is `targetLevel` or
 * above and, when `rules` are given, all of them pass (a rule without a result does not pass).
 * Without either, the scorecard's top level is the target; a `targetLevel` the scorecard does
 * not have is never reached. With no entity in scope the ratio is 1, and the initiative Achieved.
 */
export function initiativeProgress(
  spec: InitiativeSpec,
  levels: readonly string[],
  results: readonly InitiativeEntity[],
  now: Date,
  startedAt: Date,
): InitiativeProgress {
  const inScope = results.filter((r) => matches(spec.selector, r.entity) && ownedByOneOf(spec.owners, r));
  const targetLevel = spec.targetLevel ?? (spec.rules?.length ? undefined : levels.at(-1));
  const byOwner = new Map<string, { owner: string; atTarget: number; total: number }>();
  const behind: string[] = [];
  for (const r of inScope) {
    const owner = canonicalOwner(r.owner, r.entity.namespace);
    const tally = byOwner.get(owner) ?? { owner, atTarget: 0, total: 0 };
    tally.total += 1;
    if (atTarget(r, levels, targetLevel, spec.rules)) tally.atTarget += 1;
    else behind.push(r.entity.ref);
    byOwner.set(owner, tally);
  }
  const total = inScope.length;
  const reached = total - behind.length;
  const ratio = total === 0 ? 1 : reached / total;
  return {
    atTarget: reached,
    total,
    ratio,
    byOwner: [...byOwner.values()].sort((a, b) => a.owner.localeCompare(b.owner)),
    behind: behind.sort(),
    phase: phaseOf(ratio, new Date(spec.deadline), now, startedAt),
  };
}

function atTarget(
  r: InitiativeEntity,
  levels: readonly string[],
  targetLevel: string | undefined,
  rules: readonly string[] | undefined,
): boolean {
  if (targetLevel !== undefined) {
    const target = levels.indexOf(targetLevel);
    if (target < 0 || levels.indexOf(r.result.level) < target) return false;
  }
  return (rules ?? []).every((name) => r.rules.some((rule) => rule.rule === name && rule.passed));
}

/**
 * Achieved when every entity is at target; Missed once the deadline has passed without that;
 * AtRisk inside the last two weeks, or when the share at target trails the straight line from
 * `startedAt` to the deadline by more than {@link AT_RISK_LAG}; otherwise OnTrack.
 */
export function phaseOf(ratio: number, deadline: Date, now: Date, startedAt: Date): InitiativePhase {
  if (ratio >= 1) return 'Achieved';
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return 'Missed';
  if (left <= AT_RISK_WINDOW_DAYS * DAY_MS) return 'AtRisk';
  const span = deadline.getTime() - startedAt.getTime();
  const expected = span <= 0 ? 1 : Math.min(1, Math.max(0, (now.getTime() - startedAt.getTime()) / span));
  return ratio < expected - AT_RISK_LAG ? 'AtRisk' : 'OnTrack';
}

/**
 * Owner refs compare resolved, as spec.owner resolves: a missing kind is Group, a missing
 * namespace the entity's (so `team-a` in `owners` means each entity's own namespace's team-a).
 */
function ownedByOneOf(owners: readonly string[] | undefined, r: InitiativeEntity): boolean {
  if (!owners?.length) return true;
  const owner = canonicalOwner(r.owner, r.entity.namespace);
  return owners.some((o) => canonicalOwner(o, r.entity.namespace) === owner);
}

/**
 * The newest reminder milestone reached (30d, 14d, 7d, 1d before the deadline, 0d at it),
 * unless it is `lastMilestone`: the operator records what it sent so each goes out once.
 * Undefined before the first milestone or when the newest one was already sent.
 */
export function milestoneDue(deadline: string | Date, now: Date, lastMilestone?: string): string | undefined {
  const end = new Date(deadline).getTime();
  if (Number.isNaN(end)) return undefined;
  const reached = MILESTONE_DAYS.filter((days) => now.getTime() >= end - days * DAY_MS).at(-1);
  if (reached === undefined) return undefined;
  const name = `${reached}d`;
  return name === lastMilestone ? undefined : name;
}
