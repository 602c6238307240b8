import type { CatalogView } from '../../catalog/view.ts';
import { formatRef, parseRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { findScorecard, resultsOf } from '../../scorecards/standing.ts';
import { initiativeScorecardKey, type InitiativeObject, type ScorecardObject, type ScorecardStore } from '../../scorecards/store.ts';
import { card, entityHref } from './pages.ts';
import {
  day,
  daysLeft,
  daysLeftWords,
  initiativeHref,
  levelBadge,
  phaseBadge,
  progressOf,
  scorecardHref,
  shareSteps,
  widthClass,
} from './scorecard-model.ts';

export const ENTITY_SORTS = ['name', 'level', 'score'] as const;
export type EntitySort = (typeof ENTITY_SORTS)[number];

const byTitle = <T extends { title: string; namespace: string; name: string }>(a: T, b: T): number =>
  a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) ||
  a.namespace.localeCompare(b.namespace) ||
  a.name.localeCompare(b.name);

/**
 * Entities per level as a stacked bar, lowest level first and "no level" last. The status
 * counts entities at each named level; those at none are the rest.
 */
export function levelBar(sc: ScorecardObject) {
  const levels = sc.spec.levels;
  const counted = new Map((sc.status?.levels ?? []).map((l) => [l.name, l.count]));
  const named = levels.map((l) => counted.get(l.name) ?? 0);
  const entities = sc.status?.entities ?? 0;
  const none = counted.get('') ?? Math.max(0, entities - named.reduce((a, b) => a + b, 0));
  const counts = [...named, none];
  const widths = shareSteps(counts);
  const segments = [...levels.map((l) => l.name), ''].map((name, i) => ({
    ...levelBadge(levels, name),
    count: counts[i]!,
    percent: widths[i]!,
    widthClass: `w-${widths[i]!}`,
  }));
  return { entities, segments, label: segments.map((s) => `${s.title}: ${s.count}`).join(', ') };
}

/** Every rule with its pass rate, worst first; rules that do not compile come first of all, flagged. */
function ruleRates(sc: ScorecardObject) {
  const stats = new Map((sc.status?.rules ?? []).map((r) => [r.name, r]));
  const invalid = new Map((sc.status?.invalidRules ?? []).map((r) => [r.rule, r]));
  const rows = sc.spec.rules.map((r) => {
    const s = stats.get(r.name);
    const rate = s ? s.passRate : undefined;
    return {
      name: r.name,
      title: r.title || r.name,
      level: levelBadge(sc.spec.levels, r.level),
      passing: s?.passing ?? 0,
      failing: s?.failing ?? 0,
      passRate: rate,
      evaluated: rate !== undefined,
      percent: rate === undefined ? undefined : Math.round(rate * 100),
      widthClass: widthClass(rate ?? 0),
      low: rate !== undefined && rate < 0.5,
      invalid: invalid.get(r.name)?.message,
    };
  });
  const rank = (r: (typeof rows)[number]): number => (r.invalid !== undefined ? -1 : (r.passRate ?? 2));
  return rows.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function readiness(sc: ScorecardObject) {
  const ready = sc.status?.conditions?.find((c) => c.type === 'Ready');
  return { status: ready?.status ?? 'Unknown', message: ready?.message ?? '' };
}

function scorecardSummary(sc: ScorecardObject) {
  return {
    name: sc.metadata.name,
    namespace: sc.metadata.namespace,
    key: keyOf(sc),
    href: scorecardHref(sc.metadata.namespace, sc.metadata.name),
    title: sc.spec.title || sc.metadata.name,
    description: sc.spec.description ?? '',
    bar: levelBar(sc),
    ready: readiness(sc),
    evaluatedAt: day(sc.status?.lastEvaluationTime),
  };
}

/** An initiative as a row of a list: phase, progress, deadline. */
export function initiativeRow(store: ScorecardStore, i: InitiativeObject, now: Date) {
  const key = initiativeScorecardKey(i);
  const sc = findScorecard(store, key);
  const progress = i.status?.progress;
  const left = daysLeft(i.spec.deadline, now);
  return {
    name: i.metadata.name,
    namespace: i.metadata.namespace,
    href: initiativeHref(i.metadata.namespace, i.metadata.name),
    title: i.spec.title || i.metadata.name,
    description: i.spec.description ?? '',
    scorecard: {
      key,
      title: sc ? sc.spec.title || sc.metadata.name : key,
      href: sc ? scorecardHref(sc.metadata.namespace, sc.metadata.name) : undefined,
    },
    phase: phaseBadge(i.status?.phase),
    progress: progress ? progressOf(progress.atTarget, progress.total) : undefined,
    deadline: day(i.spec.deadline),
    daysLeft: left,
    daysLeftWords: i.status?.phase === 'Achieved' ? 'achieved' : daysLeftWords(left),
  };
}

/** /scorecards: every scorecard with its levels and rules at a glance, and every initiative by deadline. */
export function scorecardsPage(store: ScorecardStore, now: Date) {
  const scorecards = store
    .scorecards()
    .map((sc) => ({ ...scorecardSummary(sc), rules: ruleRates(sc) }))
    .sort(byTitle);
  const initiatives = store
    .initiatives()
    .map((i) => initiativeRow(store, i, now))
    .sort((a, b) => (a.deadline?.iso ?? '').localeCompare(b.deadline?.iso ?? '') || byTitle(a, b));
  return { total: scorecards.length, scorecards, initiatives };
}

/** Where a CEL parse error points: the expression split around the offending character. */
function pointAt(expression: string, position: number | undefined) {
  if (position === undefined) return undefined;
  const at = Math.min(Math.max(0, position), expression.length);
  return { before: expression.slice(0, at), at: expression.slice(at, at + 1), after: expression.slice(at + 1) };
}

export interface EntityQuery {
  sort: EntitySort;
  dir: 'asc' | 'desc';
}

/**
 * One scorecard: its levels with their rules (what each checks, how to fix it, its CEL and
 * pass rate), the entities it scores, rules that do not compile, and exemptions.
 */
export function scorecardPage(store: ScorecardStore, graph: CatalogView, namespace: string, name: string, query: EntityQuery, now: Date) {
  const sc = store.scorecards().find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  if (!sc) return undefined;
  const key = keyOf(sc);
  const levels = sc.spec.levels;
  const rates = new Map(ruleRates(sc).map((r) => [r.name, r]));
  const invalid = sc.status?.invalidRules ?? [];
  const bar = levelBar(sc);
  const entities = resultsOf(graph, key).map(({ entity, result }) => ({
    ...card(entity, graph),
    level: levelBadge(levels, result.level),
    // No level (-1) sorts below the lowest.
    rank: levels.findIndex((l) => l.name === result.level),
    score: result.score,
    failing: result.failing.length,
  }));
  const value = (e: (typeof entities)[number]): number => (query.sort === 'level' ? e.rank : query.sort === 'score' ? e.score : 0);
  entities.sort((a, b) => {
    const order = value(a) - value(b) || a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) || a.ref.localeCompare(b.ref);
    return query.dir === 'asc' ? order : -order;
  });
  const sortLinks = Object.fromEntries(
    ENTITY_SORTS.map((s) => [s, `?sort=${s}&dir=${query.sort === s && query.dir === 'asc' ? 'desc' : 'asc'}#entities-h`]),
  );
  return {
    scorecard: scorecardSummary(sc),
    levels: levels.map((l, i) => ({
      ...levelBadge(levels, l.name),
      description: l.description ?? '',
      count: bar.segments[i]?.count ?? 0,
      rules: sc.spec.rules
        .filter((r) => r.level === l.name)
        .map((r) => ({
          name: r.name,
          title: r.title || r.name,
          description: r.description ?? '',
          howToFix: r.howToFix ?? '',
          expression: r.expression,
          weight: r.weight ?? 1,
          rate: rates.get(r.name)!,
        })),
    })),
    entities,
    query,
    sortLinks,
    invalid: invalid.map((r) => {
      const expression = sc.spec.rules.find((x) => x.name === r.rule)?.expression ?? '';
      return { ...r, expression, pointer: pointAt(expression, r.position) };
    }),
    exemptions: (sc.spec.exemptions ?? []).map((e) => {
      const parsed = parseRef(e.entity, { defaultKind: 'Component', namespace: sc.metadata.namespace });
      const ref = 'error' in parsed ? undefined : formatRef(parsed);
      const expires = day(e.expires);
      return {
        entity: ref ?? e.entity,
        title: ref && graph.get(ref) ? card(graph.get(ref)!, graph).title : e.entity,
        href: ref ? entityHref(ref) : undefined,
        rule: e.rule,
        reason: e.reason,
        expires,
        // An unreadable expiry counts as expired, as the evaluation treats it.
        expired: e.expires !== undefined && !(Date.parse(e.expires) > now.getTime()),
      };
    }),
    initiatives: store
      .initiatives()
      .filter((i) => initiativeScorecardKey(i) === key)
      .map((i) => initiativeRow(store, i, now)),
  };
}
