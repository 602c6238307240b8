/**
 * Where scorecards and initiatives stand as the entities' status.scorecards tell it: what the
 * dashboard shows and what the per-person views recount over the entities in view. The
 * operator writes those results (src/controllers/scorecard/); this only reads them back.
 */
import type { Entity } from '../catalog/entity.ts';
import type { CatalogView } from '../catalog/view.ts';
import { keyOf } from '../runtime/object-cache.ts';
import { initiativeProgress, type InitiativeEntity } from './initiative.ts';
import { initiativeScorecardKey, type InitiativeObject, type ScorecardObject, type ScorecardStore } from './store.ts';
import type { InitiativeProgress, ScorecardResult } from './types.ts';

/** Each entity with a result from this scorecard (namespace/name), as its status says. */
export function resultsOf(graph: CatalogView, key: string): { entity: Entity; result: ScorecardResult }[] {
  const out: { entity: Entity; result: ScorecardResult }[] = [];
  for (const entity of graph.all()) {
    const result = entity.status?.scorecards?.find((s) => s.scorecard === key);
    if (result) out.push({ entity, result: { ...result, failing: result.failing ?? [] } });
  }
  return out;
}

/** The Scorecard with this key (namespace/name), if the store holds it. */
export function findScorecard(store: ScorecardStore, key: string): ScorecardObject | undefined {
  return store.scorecards().find((s) => keyOf(s) === key);
}

/**
 * Where an initiative stands, worked out the way the operator does it, from the results in
 * the entities' status: a rule counts as passing when it is not among the failing ones
 * (exempted rules are not), except rules that do not compile, which have no result.
 */
export function standing(
  store: ScorecardStore,
  graph: CatalogView,
  initiative: InitiativeObject,
  now: Date,
): { scorecard: ScorecardObject | undefined; progress: InitiativeProgress } {
  const key = initiativeScorecardKey(initiative);
  const scorecard = findScorecard(store, key);
  const invalid = new Set((scorecard?.status?.invalidRules ?? []).map((r) => r.rule));
  const rules = (scorecard?.spec.rules ?? []).filter((r) => !invalid.has(r.name));
  const entries: InitiativeEntity[] = resultsOf(graph, key).map(({ entity, result }) => ({
    entity,
    owner: typeof entity.spec.owner === 'string' ? entity.spec.owner : '',
    result,
    rules: rules.map((r) => ({ rule: r.name, level: r.level, passed: !result.failing.some((f) => f.rule === r.name) })),
  }));
  const startedAt = new Date(initiative.status?.startedAt ?? initiative.metadata.creationTimestamp ?? now.toISOString());
  return {
    scorecard,
    progress: initiativeProgress(initiative.spec, scorecard?.spec.levels.map((l) => l.name) ?? [], entries, now, startedAt),
  };
}
