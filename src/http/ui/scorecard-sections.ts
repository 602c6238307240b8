import type { Entity } from '../../catalog/entity.ts';
import type { CatalogView } from '../../catalog/view.ts';
import { ownership } from '../../catalog/queries.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import { findScorecard, standing } from '../../scorecards/standing.ts';
import type { ScorecardStore } from '../../scorecards/store.ts';
import type { ScorecardResult } from '../../scorecards/types.ts';
import { card } from './pages.ts';
import {
  day,
  daysLeft,
  daysLeftWords,
  initiativeHref,
  levelBadge,
  phaseBadge,
  progressOf,
  scorecardHref,
  widthClass,
} from './scorecard-model.ts';

/** Initiatives due within this many days show on the pages of the teams with entities behind. */
export const ATTENTION_DAYS = 30;

/** How the evaluation joins a failing rule's message and its how-to-fix (src/scorecards/evaluate.ts). */
const HOW_TO_FIX = ' — how to fix: ';

function failingRule(store: ScorecardStore, key: string, failing: ScorecardResult['failing'][number]) {
  const sc = findScorecard(store, key);
  const rule = sc?.spec.rules.find((r) => r.name === failing.rule);
  const split = failing.message.lastIndexOf(HOW_TO_FIX);
  return {
    rule: failing.rule,
    title: rule?.title || failing.rule,
    level: levelBadge(sc?.spec.levels ?? [], failing.level),
    message: split >= 0 ? failing.message.slice(0, split) : failing.message,
    howToFix: split >= 0 ? failing.message.slice(split + HOW_TO_FIX.length) : (rule?.howToFix ?? ''),
  };
}

function scorecardLink(store: ScorecardStore, key: string) {
  const sc = findScorecard(store, key);
  const [namespace = '', name = ''] = key.split('/');
  return { key, title: sc ? sc.spec.title || sc.metadata.name : key, href: scorecardHref(namespace, name), levels: sc?.spec.levels ?? [] };
}

/**
 * The Scorecards section of an entity's page: per scorecard that scores it, the level it
 * reached, its score, and each failing rule with its message and how to fix it.
 */
export function entityScorecards(store: ScorecardStore, entity: Entity) {
  return (entity.status?.scorecards ?? [])
    .map((result) => {
      const link = scorecardLink(store, result.scorecard);
      const tier = link.levels.findIndex((l) => l.name === result.level);
      return {
        ...link,
        level: levelBadge(link.levels, result.level),
        /** "2 of 3", so a level name means something without the scorecard at hand. */
        rank: link.levels.length ? `${tier + 1} of ${link.levels.length}` : '',
        score: result.score,
        scoreClass: widthClass(result.score / 100),
        evaluatedAt: result.evaluatedAt,
        failing: (result.failing ?? []).map((f) => failingRule(store, result.scorecard, f)),
      };
    })
    .sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) || a.key.localeCompare(b.key));
}

/**
 * The rules that read runtime facts (`facts.…`: replicas, images, probes, limits — what the
 * Runtime tab shows) of the scorecards that score the entity, each passing or failing for it:
 * the tab's link from what runs to what is judged of it.
 */
export function runtimeFactRules(store: ScorecardStore, entity: Entity) {
  return (entity.status?.scorecards ?? []).flatMap((result) => {
    const sc = findScorecard(store, result.scorecard);
    if (!sc) return [];
    const link = scorecardLink(store, result.scorecard);
    const failing = new Set((result.failing ?? []).map((f) => f.rule));
    return sc.spec.rules
      .filter((r) => /\bfacts\./.test(r.expression))
      .map((r) => ({ scorecard: { title: link.title, href: link.href }, rule: r.title || r.name, passing: !failing.has(r.name) }));
  });
}

/**
 * What a team should look at: the failing rules of the entities it owns directly, and the
 * initiatives due within {@link ATTENTION_DAYS} days in which some of them are still behind.
 * Undefined for anything but a Group.
 */
export function teamAttention(store: ScorecardStore, graph: CatalogView, groupRef: EntityRef, now: Date) {
  if (graph.get(groupRef)?.kind !== 'Group') return undefined;
  const owned = ownership(graph, groupRef)
    .filter((o) => o.via === 'direct')
    .map((o) => o.entity);
  const mine = new Set(owned.map((e) => e.ref));
  const failing = owned
    .map((entity) => ({
      entity: card(entity, graph),
      items: (entity.status?.scorecards ?? []).flatMap((result) => {
        const link = scorecardLink(store, result.scorecard);
        return (result.failing ?? []).map((f) => ({
          scorecard: { title: link.title, href: link.href },
          ...failingRule(store, result.scorecard, f),
        }));
      }),
    }))
    .filter((e) => e.items.length > 0);
  const initiatives = store.initiatives().flatMap((initiative) => {
    const left = daysLeft(initiative.spec.deadline, now);
    if (left === undefined || left < 0 || left > ATTENTION_DAYS || initiative.status?.phase === 'Achieved') return [];
    const behind = standing(store, graph, initiative, now).progress.behind.filter((ref) => mine.has(ref));
    if (behind.length === 0) return [];
    const progress = initiative.status?.progress;
    return [
      {
        title: initiative.spec.title || initiative.metadata.name,
        href: initiativeHref(initiative.metadata.namespace, initiative.metadata.name),
        phase: phaseBadge(initiative.status?.phase),
        progress: progress ? progressOf(progress.atTarget, progress.total) : undefined,
        deadline: day(initiative.spec.deadline),
        daysLeft: left,
        daysLeftWords: daysLeftWords(left),
        behind: behind.map((ref) => card(graph.get(ref)!, graph)),
      },
    ];
  });
  initiatives.sort((a, b) => a.daysLeft - b.daysLeft || a.title.localeCompare(b.title));
  return { failing, initiatives, total: failing.reduce((n, e) => n + e.items.length, 0) + initiatives.length };
}
