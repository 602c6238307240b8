/**
 * What the scorecard pages share: links, level and phase words, and bar widths in steps of 5%
 * (the CSP allows no inline style, so widths are classes). Where an initiative stands is
 * src/scorecards/standing.ts: the access layer reads it too.
 */
import type { InitiativeObject, ScorecardObject } from '../../scorecards/store.ts';
import type { InitiativePhase, ScorecardLevel } from '../../scorecards/types.ts';

export const DAY_MS = 86_400_000;

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');
export const scorecardHref = (namespace: string, name: string): string => `/scorecards/${path(namespace, name)}`;
export const initiativeHref = (namespace: string, name: string): string => `/initiatives/${path(namespace, name)}`;

/** A CSS class for a share (0–1) of a bar's width, in steps of 5%: `w-0` … `w-100`. */
export function widthClass(share: number): string {
  const clamped = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  return `w-${Math.round(clamped * 20) * 5}`;
}

/**
 * Percentages in steps of 5 for the parts of a stacked bar, summing to 100 when anything is
 * counted (largest remainders get the spare steps). A part with any count gets at least one
 * step, taken from the widest part, so no level disappears from the bar.
 */
export function shareSteps(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + Math.max(0, b), 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (Math.max(0, c) / total) * 20);
  const steps = exact.map(Math.floor);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let spare = 20 - steps.reduce((a, b) => a + b, 0), k = 0; spare > 0; spare--, k++) steps[byRemainder[k]!.i]! += 1;
  for (let i = 0; i < steps.length; i++) {
    if (counts[i]! <= 0 || steps[i]! > 0) continue;
    const widest = steps.indexOf(Math.max(...steps));
    if (steps[widest]! <= 1) break;
    steps[widest]! -= 1;
    steps[i] = 1;
  }
  return steps.map((s) => s * 5);
}

/** A level's colour tier (1–4, the top level 4); 0 for no level. Any number of levels map onto four shades. */
export function levelTier(levels: readonly ScorecardLevel[], level: string): number {
  const index = levels.findIndex((l) => l.name === level);
  return index < 0 ? 0 : Math.max(1, Math.round((4 * (index + 1)) / levels.length));
}

/** A level as a badge shows it: its title, the tier class, and "no level" for none. */
export function levelBadge(levels: readonly ScorecardLevel[], level: string) {
  const found = levels.find((l) => l.name === level);
  return { name: level, title: found ? found.title || found.name : level || 'no level', tierClass: `tier-${levelTier(levels, level)}` };
}

export const PHASE_WORDS: Record<InitiativePhase, string> = {
  OnTrack: 'On track',
  AtRisk: 'At risk',
  Missed: 'Missed',
  Achieved: 'Achieved',
};
const PHASE_CLASSES: Record<InitiativePhase, string> = { OnTrack: 'ok', AtRisk: 'wait', Missed: 'bad', Achieved: 'done' };

/** An initiative's phase as a badge: words and the badge's class. */
export function phaseBadge(phase: InitiativePhase | undefined) {
  return phase
    ? { phase, words: PHASE_WORDS[phase], className: PHASE_CLASSES[phase] }
    : { phase: '', words: 'Not evaluated yet', className: 'wait' };
}

/** A date as pages show it (the day, UTC) with the machine-readable original. */
export function day(iso: string | undefined) {
  if (!iso || !Number.isFinite(Date.parse(iso))) return undefined;
  return { iso, text: new Date(iso).toISOString().slice(0, 10) };
}

/** Whole days from now to the deadline, rounded up (as the operator counts them); negative once passed. */
export function daysLeft(deadline: string, now: Date): number | undefined {
  const due = Date.parse(deadline);
  return Number.isFinite(due) ? Math.ceil((due - now.getTime()) / DAY_MS) : undefined;
}

export function daysLeftWords(days: number | undefined): string {
  if (days === undefined) return 'no readable deadline';
  if (days === 0) return 'due today';
  if (days > 0) return days === 1 ? '1 day left' : `${days} days left`;
  return days === -1 ? '1 day overdue' : `${-days} days overdue`;
}

/** A progress figure with its bar class. */
export const progressOf = (atTarget: number, total: number) => {
  const ratio = total === 0 ? 1 : atTarget / total;
  return { atTarget, total, percent: Math.round(ratio * 100), widthClass: widthClass(ratio) };
};

/** What an initiative asks for, in words. */
export function targetWords(initiative: InitiativeObject, scorecard: ScorecardObject | undefined): string {
  const { targetLevel, rules } = initiative.spec;
  if (targetLevel) return `level ${levelBadge(scorecard?.spec.levels ?? [], targetLevel).title} or above`;
  if (rules?.length) return `rules ${rules.join(', ')} passing`;
  const top = scorecard?.spec.levels.at(-1);
  return top ? `the top level, ${top.title || top.name}` : 'the top level';
}
