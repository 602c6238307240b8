import { Router } from 'express';
import { z } from 'zod';
import { listEntities } from '../../catalog/queries.ts';
import { refOf } from '../../catalog/refs.ts';
import { parseQuery } from '../problems.ts';
import { entityDocSources } from './docs-pages.ts';
import { sourcedOrigin } from './source-pages.ts';
import { componentApis, definitionTab, RenderedDefinitions } from './definition-pages.ts';
import { entityTabHref, entityTabs, isEntityTab, ownedTemplates } from './entity-page.ts';
import type { PageKit } from './page-kit.ts';
import { SORT_COLUMNS, catalogPage, entityHeader, entityPage, homePage } from './pages.ts';
import { runtimeTab } from './runtime-pages.ts';
import { entityScorecards, runtimeFactRules, teamAttention } from './scorecard-sections.ts';

const PAGE_SIZE = 25;

const text = z
  .string()
  .trim()
  .max(256)
  .optional()
  .transform((v) => v || undefined);
const catalogQuery = z.object({
  kind: text,
  type: text,
  owner: text,
  lifecycle: text,
  tag: text,
  q: text,
  sort: z.enum(SORT_COLUMNS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  // A number that is not one is refused (400 naming it), unlike an unknown sort, which falls back.
  page: z.coerce
    .number('must be a whole number ≥ 1')
    .int('must be a whole number ≥ 1')
    .min(1, 'must be a whole number ≥ 1')
    .max(100_000)
    .default(1),
});
const depthQuery = z.object({
  depth: z.coerce.number('must be 1, 2 or 3').int('must be 1, 2 or 3').min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3').default(1),
});

/** The home page, the catalog table and each entity's page with its tabs. */
export function catalogRouter({ scope, render, fragment, now, definitions, runtime, runtimeGrants }: PageKit): Router {
  const router = Router();
  const rendered = new RenderedDefinitions();

  router.get('/', (_req, res) => render(res, 'home.njk', { page: 'home', home: homePage(scope(res).catalog) }));

  router.get('/catalog', (req, res) => {
    const q = parseQuery(catalogQuery, req.query);
    const graph = scope(res).catalog;
    const filter = { kind: q.kind, type: q.type, owner: q.owner, lifecycle: q.lifecycle, tag: q.tag, text: q.q };
    // The read API's filter decides what matches, so the table and the API never disagree.
    const matching = new Set(listEntities(graph, filter, Number.MAX_SAFE_INTEGER).items.map((e) => e.ref));
    const table = catalogPage(graph, { ...filter, sort: q.sort, dir: q.dir, page: q.page, pageSize: PAGE_SIZE }, (e) =>
      matching.has(e.ref),
    );
    const params = (changes: Record<string, string | number | undefined>): string => {
      const merged: Record<string, string | number | undefined> = {
        kind: q.kind,
        type: q.type,
        owner: q.owner,
        lifecycle: q.lifecycle,
        tag: q.tag,
        q: q.q,
        sort: q.sort,
        dir: q.dir,
        page: q.page,
        ...changes,
      };
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(merged))
        if (v !== undefined && v !== '' && !(k === 'page' && v === 1) && !(k === 'sort' && v === 'name') && !(k === 'dir' && v === 'asc'))
          search.set(k, String(v));
      const s = search.toString();
      return s ? `/catalog?${s}` : '/catalog';
    };
    const sortLinks = Object.fromEntries(
      SORT_COLUMNS.map((c) => [c, params({ sort: c, dir: q.sort === c && q.dir === 'asc' ? 'desc' : 'asc', page: 1 })]),
    );
    render(res, 'catalog.njk', {
      page: 'catalog',
      query: q,
      table,
      sortLinks,
      prev: table.page > 1 ? params({ page: table.page - 1 }) : undefined,
      next: table.page < table.pages ? params({ page: table.page + 1 }) : undefined,
      filtered: Boolean(q.kind || q.type || q.owner || q.lifecycle || q.tag || q.q),
    });
  });

  // The entity's page: the Overview, or one of its tabs (each its own URL, see entity-page.ts);
  // the API tab's own pages (an operation, a schema, a type) are under it.
  router.get('/catalog/:kind/:namespace/:name{/:tab}{/:section}{/:item}', async (req, res) => {
    const { kind, namespace, name, tab = 'overview', section, item } = req.params;
    const ref = refOf(kind, namespace, name);
    const { catalog: graph, docs, scorecards: scores, templates: store, catalogSources } = scope(res);
    const entity = graph.get(ref);
    if (!entity) return render(res, 'not-found.njk', { page: 'catalog', missing: `${kind} ${namespace}/${name}`, q: name }, 404);
    const plain = entityHeader(graph, entity);
    const header = { ...plain, origin: sourcedOrigin(plain.origin, catalogSources, entity.namespace) };
    const docSources = entityDocSources(docs, entity.ref);
    const scored = entityScorecards(scores, entity);
    // The scope found the entity, so its person may see it and its definition.
    const definition = entity.kind === 'API' ? definitions.definitionOf(entity.ref) : undefined;
    const tabs = (current: string) => entityTabs(entity, current, { docs: docSources, scorecards: scored, definition });
    // The entity exists, so its page answers, with its tabs, saying which tab is not there.
    if (!isEntityTab(tab, entity.kind) || (section !== undefined && tab !== 'definition'))
      return render(res, 'entity.njk', { page: 'catalog', tab: 'unknown', unknownTab: tab, tabs: tabs(tab), ...header }, 404);
    const common = { page: 'catalog', tab, tabs: tabs(tab), ...header };
    if (tab === 'definition') {
      // The format's partial reads its page as `definition`, as its unit tests render it.
      const shown = definitionTab(definition, { section, item }, entityTabHref(entity.ref, 'definition'), rendered, (view) =>
        fragment(view.template, { definition: view.definition }),
      );
      return render(res, 'entity.njk', { ...common, definitionTab: shown }, shown.notFound ? 404 : 200);
    }
    if (tab === 'runtime') {
      const { view, delivery } = runtime.runtimeOf(entity, now());
      const grants = await runtimeGrants(res, entity.namespace, delivery);
      // Rules of the scorecards the person may see (the scope's store), as the Scorecards tab lists them.
      const rules = runtimeFactRules(scores, entity);
      return render(res, 'entity.njk', { ...common, runtime: runtimeTab(view, delivery, grants, rules) });
    }
    if (tab === 'docs') return render(res, 'entity.njk', { ...common, docSources });
    if (tab === 'scorecards') return render(res, 'entity.njk', { ...common, scorecards: scored });
    const { depth } = parseQuery(depthQuery, { depth: req.query.depth });
    render(res, 'entity.njk', {
      ...common,
      ...entityPage(graph, entity, depth),
      attention: teamAttention(scores, graph, entity.ref, now()),
      templates: entity.kind === 'Group' || entity.kind === 'User' ? ownedTemplates(store, graph, entity.ref) : undefined,
      apis: entity.kind === 'Component' ? componentApis(graph, definitions, entity.ref) : undefined,
    });
  });

  return router;
}
