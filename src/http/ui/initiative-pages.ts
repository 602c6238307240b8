import type { CatalogView } from '../../catalog/view.ts';
import { canonicalOwner, splitRef } from '../../catalog/refs.ts';
import { standing } from '../../scorecards/standing.ts';
import { initiativeScorecardKey, type ScorecardStore } from '../../scorecards/store.ts';
import { displayName } from './names.ts';
import { card, entityHref } from './pages.ts';
import { progressChart } from './progress-chart.ts';
import { levelBadge, progressOf, targetWords } from './scorecard-model.ts';
import { initiativeRow } from './scorecard-pages.ts';

/** An owner as byOwner names it (a canonical ref, or the raw text when it is none) with its page. */
function ownerLink(graph: CatalogView, owner: string) {
  if (!/^[^:/]+:[^/]+\/.+$/.test(owner)) return { ref: owner, name: owner || '(no owner)', href: undefined };
  const entity = graph.get(owner);
  return { ref: owner, name: entity ? displayName(entity) : splitRef(owner).name, href: entityHref(owner) };
}

/**
 * One initiative: phase, deadline and days left, progress overall and per owner, the entities
 * still behind with what holds them back, and the progress over time as a chart.
 */
export function initiativePage(store: ScorecardStore, graph: CatalogView, namespace: string, name: string, now: Date) {
  const initiative = store.initiatives().find((i) => i.metadata.namespace === namespace && i.metadata.name === name);
  if (!initiative) return undefined;
  const { scorecard, progress } = standing(store, graph, initiative, now);
  const key = initiativeScorecardKey(initiative);
  const levels = scorecard?.spec.levels ?? [];
  // The status is what the operator decided; before it has written one, the same sums from here.
  const status = initiative.status;
  const overall = status?.progress ?? progress;
  const byOwner = status?.byOwner ?? progress.byOwner;
  return {
    initiative: {
      ...initiativeRow(store, initiative, now),
      target: targetWords(initiative, scorecard),
      owners: (initiative.spec.owners ?? []).map((o) => ownerLink(graph, canonicalOwner(o, namespace))),
      lastMilestone: status?.lastMilestone ?? '',
      // Why the operator could not evaluate it (no such scorecard, level or rule), if so.
      notEvaluated: status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False')?.message ?? '',
    },
    progress: progressOf(overall.atTarget, overall.total),
    byOwner: byOwner
      .map((o) => ({ ...ownerLink(graph, o.owner), ...progressOf(o.atTarget, o.total), behind: o.total - o.atTarget }))
      .sort((a, b) => b.behind - a.behind || a.name.localeCompare(b.name)),
    behind: progress.behind.flatMap((ref) => {
      const entity = graph.get(ref);
      const result = entity?.status?.scorecards?.find((s) => s.scorecard === key);
      if (!entity || !result) return [];
      return [
        {
          ...card(entity, graph),
          level: levelBadge(levels, result.level),
          score: result.score,
          failing: (result.failing ?? []).map((f) => f.rule),
        },
      ];
    }),
    chart: progressChart(status?.history ?? [], initiative.spec.deadline),
  };
}
