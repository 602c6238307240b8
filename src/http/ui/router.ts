import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { CatalogGraph } from '../../catalog/graph.ts';
import { listEntities } from '../../catalog/queries.ts';
import { refOf } from '../../catalog/refs.ts';
import { projectRoot } from '../../shared/paths.ts';
import type { ScorecardStore } from '../../scorecards/store.ts';
import type { TemplateStore } from '../../api/objects.ts';
import type { DocsStore } from '../../docs/site.ts';
import { entityDocSources } from './docs-pages.ts';
import { entityTabs, isEntityTab, ownedTemplates } from './entity-page.ts';
import { viewsEnvironment } from './views.ts';
import { parseQuery } from '../problems.ts';
import { SORT_COLUMNS, catalogPage, entityHeader, entityPage, homePage } from './pages.ts';
import type { FormQuery } from './parameter-form.ts';
import { runPage, runProgress, templatePage, templatesPage } from './template-pages.ts';
import { findRun } from './run-actions.ts';
import { initiativePage } from './initiative-pages.ts';
import { ENTITY_SORTS, scorecardPage, scorecardsPage } from './scorecard-pages.ts';
import { entityScorecards, teamAttention } from './scorecard-sections.ts';
import { scopeOf } from '../access/scope.ts';
import { viewerOf } from '../auth/viewer.ts';

const PAGE_SIZE = 25;

const text = z.string().trim().max(256).optional().transform((v) => v || undefined);
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
  page: z.coerce.number('must be a whole number ≥ 1').int('must be a whole number ≥ 1').min(1, 'must be a whole number ≥ 1').max(100_000).default(1),
});
const depthQuery = z.object({ depth: z.coerce.number('must be 1, 2 or 3').int('must be 1, 2 or 3').min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3').default(1) });
const scorecardQuery = z.object({
  sort: z.enum(ENTITY_SORTS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
});


export interface UiDependencies {
  graph: CatalogGraph;
  /** Templates and their runs; without it the templates pages are empty. */
  templates?: TemplateStore;
  /** DocSources and their built sites, listed on the Docs tab of the entities they document. */
  docs?: DocsStore | undefined;
  /** Scorecards and initiatives; without it their pages are empty and entities show only their results. */
  scorecards?: ScorecardStore | undefined;
}

const NO_TEMPLATES: TemplateStore = { templates: () => [], runs: () => [] };
const NO_SCORECARDS: ScorecardStore = { scorecards: () => [], initiatives: () => [] };

/** A parsed query string as flat strings: the first of repeated keys, nested ones dropped. */
function formQuery(query: Record<string, unknown>): FormQuery {
  const flat: FormQuery = {};
  for (const [key, value] of Object.entries(query)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') flat[key] = first;
  }
  return flat;
}

/**
 * The dashboard: server-rendered pages over the in-memory graph, usable without JavaScript.
 * Read-only — no route here writes to the cluster.
 */
export function createUiRouter({ graph: whole, templates, docs: allDocs, scorecards }: UiDependencies): Router {
  const stores = { graph: whole, templates: templates ?? NO_TEMPLATES, docs: allDocs, scorecards: scorecards ?? NO_SCORECARDS };
  // Every page reads what the request's person may see (access/scope.ts); without a person, everything.
  const scope = (res: Response) => scopeOf(res, stores);
  const env = viewsEnvironment();
  const router = Router();
  const render = (res: Response, view: string, context: object, status = 200): void => {
    res.status(status).type('html').send(env.render(view, { viewer: viewerOf(res), ...context }));
  };

  router.use('/static', express.static(join(projectRoot(), 'src', 'http', 'static'), { maxAge: '1h', index: false }));

  // Browsers ask for /favicon.ico whatever the page says.
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));

  router.get('/', (_req, res) => render(res, 'home.njk', { page: 'home', home: homePage(scope(res).catalog) }));

  router.get('/catalog', (req, res) => {
    const q = parseQuery(catalogQuery, req.query);
    const graph = scope(res).catalog;
    const filter = { kind: q.kind, type: q.type, owner: q.owner, lifecycle: q.lifecycle, tag: q.tag, text: q.q };
    // The read API's filter decides what matches, so the table and the API never disagree.
    const matching = new Set(listEntities(graph, filter, Number.MAX_SAFE_INTEGER).items.map((e) => e.ref));
    const table = catalogPage(graph, { ...filter, sort: q.sort, dir: q.dir, page: q.page, pageSize: PAGE_SIZE }, (e) => matching.has(e.ref));
    const params = (changes: Record<string, string | number | undefined>): string => {
      const merged: Record<string, string | number | undefined> = { kind: q.kind, type: q.type, owner: q.owner, lifecycle: q.lifecycle, tag: q.tag, q: q.q, sort: q.sort, dir: q.dir, page: q.page, ...changes };
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== '' && !(k === 'page' && v === 1) && !(k === 'sort' && v === 'name') && !(k === 'dir' && v === 'asc')) search.set(k, String(v));
      const s = search.toString();
      return s ? `/catalog?${s}` : '/catalog';
    };
    const sortLinks = Object.fromEntries(SORT_COLUMNS.map((c) => [c, params({ sort: c, dir: q.sort === c && q.dir === 'asc' ? 'desc' : 'asc', page: 1 })]));
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

  // The entity's page: the Overview, or one of its tabs (each its own URL, see entity-page.ts).
  router.get('/catalog/:kind/:namespace/:name{/:tab}', (req, res) => {
    const { kind, namespace, name, tab = 'overview' } = req.params;
    const ref = refOf(kind, namespace, name);
    const { catalog: graph, docs, scorecards: scores, templates: store } = scope(res);
    const entity = graph.get(ref);
    if (!entity) return render(res, 'not-found.njk', { page: 'catalog', missing: `${kind} ${namespace}/${name}`, q: name }, 404);
    const header = entityHeader(graph, entity);
    const docSources = entityDocSources(docs, entity.ref);
    const scored = entityScorecards(scores, entity);
    const tabs = (current: string) => entityTabs(entity.ref, current, { docs: docSources, scorecards: scored });
    // The entity exists, so its page answers, with its tabs, saying which tab is not there.
    if (!isEntityTab(tab)) return render(res, 'entity.njk', { page: 'catalog', tab: 'unknown', unknownTab: tab, tabs: tabs(tab), ...header }, 404);
    const common = { page: 'catalog', tab, tabs: tabs(tab), ...header };
    if (tab === 'docs') return render(res, 'entity.njk', { ...common, docSources });
    if (tab === 'scorecards') return render(res, 'entity.njk', { ...common, scorecards: scored });
    const { depth } = parseQuery(depthQuery, { depth: req.query.depth });
    render(res, 'entity.njk', {
      ...common,
      ...entityPage(graph, entity, depth),
      attention: teamAttention(scores, graph, entity.ref, new Date()),
      templates: entity.kind === 'Group' || entity.kind === 'User' ? ownedTemplates(store, graph, entity.ref) : undefined,
    });
  });

  router.get('/templates', (_req, res) => render(res, 'templates.njk', { page: 'templates', ...templatesPage(scope(res).templates, scope(res).catalog) }));

  // A GET form: the parameters arrive in the query, are checked, and come back as YAML to
  // create with kubectl. Nothing is created from here.
  router.get('/templates/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { templates: store, catalog: graph } = scope(res);
    const model = templatePage(store, namespace, name, formQuery(req.query as Record<string, unknown>), graph);
    if (!model) return render(res, 'not-found.njk', { page: 'templates', missing: `Template ${namespace}/${name}`, q: name }, 404);
    render(res, 'template.njk', { page: 'templates', ...model });
  });

  router.get('/runs/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const model = runPage(scope(res).templates, namespace, name);
    if (!model) return render(res, 'not-found.njk', { page: 'templates', missing: `TemplateRun ${namespace}/${name}` }, 404);
    render(res, 'run.njk', { page: 'templates', ...model });
  });

  // What the run page's script (static/run-live.js) polls while the run is going.
  router.get('/runs/:namespace/:name/progress', (req, res) => {
    const run = findRun(scope(res).templates, req.params.namespace, req.params.name);
    if (!run) return void res.status(404).json({ error: `there is no TemplateRun ${req.params.namespace}/${req.params.name}` });
    res.set('Cache-Control', 'no-store').json(runProgress(run));
  });

  router.get('/scorecards', (_req, res) => render(res, 'scorecards.njk', { page: 'scorecards', ...scorecardsPage(scope(res).scorecards, new Date()) }));

  router.get('/scorecards/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { scorecards: scores, catalog: graph } = scope(res);
    const model = scorecardPage(scores, graph, namespace, name, parseQuery(scorecardQuery, req.query), new Date());
    if (!model) return render(res, 'not-found.njk', { page: 'scorecards', missing: `Scorecard ${namespace}/${name}` }, 404);
    render(res, 'scorecard.njk', { page: 'scorecards', ...model });
  });

  router.get('/initiatives/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { scorecards: scores, catalog: graph } = scope(res);
    const model = initiativePage(scores, graph, namespace, name, new Date());
    if (!model) return render(res, 'not-found.njk', { page: 'scorecards', missing: `Initiative ${namespace}/${name}` }, 404);
    render(res, 'initiative.njk', { page: 'scorecards', ...model });
  });

  router.use((req, res) => render(res, 'not-found.njk', { page: '', missing: req.path }, 404));
  return router;
}
