/**
 * The templates, docs and scorecards stores as one person may see them, for one request.
 * Each is the store itself when nothing is hidden (`--auth none`, or cluster-wide grants), so
 * anonymous reads do exactly what they did before sign-in existed.
 */
import { CATALOG_SOURCES, DOC_SOURCES, INITIATIVES, SCORECARDS, TEMPLATES, TEMPLATE_RUNS } from '../../access/resources.ts';
import type { Visibility } from '../../access/visibility.ts';
import type { CatalogView } from '../../catalog/view.ts';
import type { DocsStore } from '../../docs/site.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { summarise } from '../../scorecards/evaluate.ts';
import { resultsOf, standing } from '../../scorecards/standing.ts';
import type { InitiativeObject, ScorecardObject, ScorecardStore } from '../../scorecards/store.ts';
import type { CatalogSourceStore, TemplateStore } from '../../api/objects.ts';

const inView =
  (visibility: Visibility, resource: string) =>
  (o: { metadata: { namespace: string } }): boolean =>
    visibility.sees(resource, o.metadata.namespace);

export function visibleTemplates(store: TemplateStore, visibility: Visibility): TemplateStore {
  if (visibility.everything) return store;
  return {
    templates: () => store.templates().filter(inView(visibility, TEMPLATES)),
    runs: () => store.runs().filter(inView(visibility, TEMPLATE_RUNS)),
  };
}

/** CatalogSources in namespaces where the person may list them. */
export function visibleCatalogSources(store: CatalogSourceStore, visibility: Visibility): CatalogSourceStore {
  if (visibility.everything) return store;
  return { sources: () => store.sources().filter(inView(visibility, CATALOG_SOURCES)) };
}

/** A site or a DocSource the person may not list is absent, as a missing one is. */
export function visibleDocs(docs: DocsStore, visibility: Visibility): DocsStore {
  if (visibility.everything) return docs;
  return {
    site: (namespace, name) => (visibility.sees(DOC_SOURCES, namespace) ? docs.site(namespace, name) : undefined),
    sourcesFor: (ref) => docs.sourcesFor(ref).filter((s) => visibility.sees(DOC_SOURCES, s.namespace)),
  };
}

/**
 * A Scorecard with its counts (entities, per level, per rule) taken again over the entities
 * in view: the status counts the whole catalog, and its per-level numbers would tell a team
 * how many entities the other teams have.
 */
export function scorecardOverView(sc: ScorecardObject, catalog: CatalogView): ScorecardObject {
  const invalid = new Set((sc.status?.invalidRules ?? []).map((r) => r.rule));
  const rules = sc.spec.rules.filter((r) => !invalid.has(r.name));
  const scores = resultsOf(catalog, keyOf(sc)).map(({ result }) => ({
    result,
    rules: rules.map((r) => ({ rule: r.name, level: r.level, passed: !result.failing.some((f) => f.rule === r.name) })),
  }));
  const counts = summarise(sc.spec.levels, scores);
  return { ...sc, status: { ...sc.status, entities: counts.entities, levels: counts.levels, rules: counts.rules } };
}

/**
 * An Initiative with its progress (overall and per owner) taken again over the entities in
 * view; its history, a daily ratio over the whole catalog, is left out.
 */
export function initiativeOverView(i: InitiativeObject, all: ScorecardStore, catalog: CatalogView, now: Date): InitiativeObject {
  // The whole store: the Initiative's scorecard decides levels and rules even when the person may not list it.
  const { progress } = standing(all, catalog, i, now);
  return {
    ...i,
    status: {
      ...i.status,
      progress: { atTarget: progress.atTarget, total: progress.total, ratio: progress.ratio },
      byOwner: progress.byOwner,
      history: [],
    },
  };
}

/** Scorecards and Initiatives in view, counting only entities in view; each computed once per request, on first use. */
export function visibleScorecards(store: ScorecardStore, visibility: Visibility, catalog: CatalogView, now: Date): ScorecardStore {
  if (visibility.everything) return store;
  let scorecards: ScorecardObject[] | undefined;
  let initiatives: InitiativeObject[] | undefined;
  return {
    scorecards: () =>
      (scorecards ??= store
        .scorecards()
        .filter(inView(visibility, SCORECARDS))
        .map((sc) => scorecardOverView(sc, catalog))),
    initiatives: () =>
      (initiatives ??= store
        .initiatives()
        .filter(inView(visibility, INITIATIVES))
        .map((i) => initiativeOverView(i, store, catalog, now))),
  };
}
