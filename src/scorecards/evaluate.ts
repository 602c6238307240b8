import type { Entity } from '../catalog/entity.ts';
import { formatRef, parseRef } from '../catalog/refs.ts';
import type { CompiledRule, RuleOutcome } from './cel.ts';
import type { Exemption, RuleResult, ScorecardLevel, ScorecardResult, ScorecardSpec, ScorecardSummary } from './types.ts';

/** One entity's verdict and the per-rule detail behind it. */
export interface EntityScore {
  result: ScorecardResult;
  rules: RuleResult[];
}

/**
 * The rules of a scorecard to evaluate: those that compiled from the spec's current
 * expression (a program compiled from another version of the rule would judge by the wrong
 * expression), less `excluded` (rules that timed out).
 */
export function rulesToRun(
  spec: ScorecardSpec,
  compiled: ReadonlyMap<string, CompiledRule>,
  excluded: ReadonlySet<string> = new Set(),
): { name: string; expression: string }[] {
  return spec.rules
    .filter((r) => compiled.get(r.name)?.rule.expression === r.expression && !excluded.has(r.name))
    .map((r) => ({ name: r.name, expression: r.expression }));
}

/**
 * Scores one entity against one scorecard from its rules' outcomes. Rules without an
 * outcome (they did not compile) or whose outcome timed out are skipped: they neither block
 * a level nor count for the score, for every entity alike. An active exemption counts as
 * passing, with its reason as the message.
 */
export function scoreEntity(
  spec: ScorecardSpec,
  outcomes: Readonly<Record<string, RuleOutcome>>,
  entity: Entity,
  now: Date,
  scorecardKey: string,
): EntityScore {
  const exemptions = activeExemptions(spec.exemptions, entity, now);
  const rules: RuleResult[] = [];
  const failing: ScorecardResult['failing'] = [];
  let passingWeight = 0;
  let totalWeight = 0;
  for (const rule of spec.rules) {
    const evaluated = outcomes[rule.name];
    if (!evaluated || evaluated.timedOut) continue;
    const exemption = exemptions.get(rule.name);
    const outcome: RuleOutcome = exemption ? { passed: true } : evaluated;
    const weight = Math.max(0, rule.weight ?? 1);
    totalWeight += weight;
    if (exemption) {
      rules.push({ rule: rule.name, level: rule.level, passed: true, exempted: true, message: exemption.reason });
    } else if (outcome.passed) {
      rules.push({ rule: rule.name, level: rule.level, passed: true });
    } else {
      const message = outcome.error ?? rule.description ?? rule.title ?? `${rule.name} does not pass`;
      rules.push({ rule: rule.name, level: rule.level, passed: false, message });
      failing.push({ rule: rule.name, level: rule.level, message: rule.howToFix ? `${message} — how to fix: ${rule.howToFix}` : message });
    }
    if (outcome.passed) passingWeight += weight;
  }
  return {
    result: {
      scorecard: scorecardKey,
      level: levelReached(
        spec.levels.map((l) => l.name),
        rules,
      ),
      score: totalWeight === 0 ? 100 : Math.round((100 * passingWeight) / totalWeight),
      failing,
      evaluatedAt: rfc3339(now),
    },
    rules,
  };
}

/**
 * The highest level such that it and every level below it have no failing rule; '' when the
 * first level already fails. A level without (valid) rules does not hold anyone back.
 */
export function levelReached(levels: readonly string[], rules: readonly RuleResult[]): string {
  let reached = '';
  for (const level of levels) {
    if (rules.some((r) => r.level === level && !r.passed)) break;
    reached = level;
  }
  return reached;
}

/**
 * The exemptions that apply to this entity now, by rule. The entity ref is compared after
 * resolving it (default kind Component, default namespace the entity's). An exemption with an
 * unreadable `expires` is treated as expired: it is safer to score a rule than to waive it.
 */
function activeExemptions(exemptions: readonly Exemption[] | undefined, entity: Entity, now: Date): Map<string, Exemption> {
  const active = new Map<string, Exemption>();
  for (const exemption of exemptions ?? []) {
    const parsed = parseRef(exemption.entity, { defaultKind: 'Component', namespace: entity.namespace });
    if ('error' in parsed || formatRef(parsed) !== entity.ref) continue;
    if (exemption.expires !== undefined && !(Date.parse(exemption.expires) > now.getTime())) continue;
    active.set(exemption.rule, exemption);
  }
  return active;
}

/** RFC 3339 in UTC with second precision, as the apiserver stores times; a rescore asks thousands of times for one `now`. */
let lastTime = NaN;
let lastText = '';
function rfc3339(date: Date): string {
  if (date.getTime() !== lastTime) [lastTime, lastText] = [date.getTime(), date.toISOString().replace(/\.\d{3}Z$/, 'Z')];
  return lastText;
}

/**
 * Rolls the per-entity scores of one scorecard up for the dashboard: how many entities sit at
 * each level (exactly), lowest first, after the `""` bucket of those at no level, so the
 * counts add up to `entities`; and per rule how many pass (exempted ones included) and fail,
 * with `passRate` from 0 to 1. Rules are listed in the order they were evaluated.
 */
export function summarise(levels: readonly (string | ScorecardLevel)[], results: readonly EntityScore[]): ScorecardSummary {
  const names = levels.map((l) => (typeof l === 'string' ? l : l.name));
  const atLevel = new Map(['', ...names].map((name) => [name, 0]));
  const byRule = new Map<string, { passing: number; failing: number }>();
  for (const { result, rules } of results) {
    const count = atLevel.get(result.level);
    if (count !== undefined) atLevel.set(result.level, count + 1);
    for (const rule of rules) {
      const tally = byRule.get(rule.rule) ?? { passing: 0, failing: 0 };
      if (rule.passed) tally.passing += 1;
      else tally.failing += 1;
      byRule.set(rule.rule, tally);
    }
  }
  return {
    entities: results.length,
    levels: ['', ...names].map((name) => ({ name, count: atLevel.get(name) ?? 0 })),
    rules: [...byRule].map(([name, { passing, failing }]) => ({ name, passing, failing, passRate: passing / (passing + failing) })),
  };
}
