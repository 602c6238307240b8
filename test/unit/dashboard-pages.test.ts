import { describe, expect, it } from '@jest/globals';
import express from 'express';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import type { DocSourceSummary, DocsStore } from '../../src/docs/site.ts';
import { entityDocSources } from '../../src/http/ui/docs-pages.ts';
import { entityTabHref, entityTabs, ownedTemplates } from '../../src/http/ui/entity-page.ts';
import { catalogPage, entityHeader, entityHref, entityPage, homePage } from '../../src/http/ui/pages.ts';
import { createUiRouter } from '../../src/http/ui/router.ts';
import { entityScorecards } from '../../src/http/ui/scorecard-sections.ts';
import type { ScorecardStore } from '../../src/scorecards/store.ts';
import type { TemplateObject, TemplateStore } from '../../src/api/objects.ts';
import { component, group, user } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

function graphOf(...entities: ReturnType<typeof component>[]): CatalogGraph {
  const graph = new CatalogGraph();
  for (const e of entities) graph.upsert(e);
  return graph;
}

const notReady = (e: ReturnType<typeof component>, reason: string) => ({
  ...e,
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'False' as const,
        reason,
        message: 'spec.owner: group:default/ghosts does not exist',
        lastTransitionTime: '2026-11-24T10:00:00Z',
      },
    ],
  },
});

describe('dashboard pages (pure view models)', () => {
  it('when entities are not Ready, then home lists them under their owner with the reason in words', () => {
    const graph = graphOf(group('team-a', { title: 'Team A' }), notReady(component('broken'), 'DanglingReference'), component('fine'));
    const home = homePage(graph);
    expect(home.counts.find((c) => c.kind === 'Component')?.count).toBe(2);
    expect(home.attention).toHaveLength(1);
    expect(home.attention[0]?.owner?.name).toBe('Team A');
    expect(home.attention[0]?.items.map((i) => [i.name, i.words])).toEqual([
      ['broken', 'It refers to something that is not in the catalog (yet).'],
    ]);
  });

  it('when sorting by owner descending and paging by 2, then rows follow that order a page at a time', () => {
    const graph = graphOf(component('a', { owner: 'x' }), component('b', { owner: 'z' }), component('c', { owner: 'y' }));
    const query = { sort: 'owner' as const, dir: 'desc' as const, page: 1, pageSize: 2 };
    const first = catalogPage(graph, query, () => true);
    expect(first.rows.map((r) => r.name)).toEqual(['b', 'c']);
    expect(first.pages).toBe(2);
    expect(catalogPage(graph, { ...query, page: 2 }, () => true).rows.map((r) => r.name)).toEqual(['a']);
    expect(catalogPage(graph, { ...query, page: 9 }, () => true).page).toBe(2);
  });

  it('when a user has a display name, then pages call them by it', () => {
    const graph = graphOf(group('team-a'), user('jane', { memberOf: ['team-a'], profile: { displayName: 'Jane Doe' } }));
    const page = entityPage(graph, graph.get('group:default/team-a')!, 1);
    expect(page.relations.find((r) => r.type === 'hasMember')?.items.map((i) => i.title)).toEqual(['Jane Doe']);
    expect(page.graph.nodes.find((n) => n.ref === 'user:default/jane')?.label).toBe('Jane Doe');
    expect(page.graph.edges.map((e) => e.type)).toEqual(['memberOf']);
  });

  it('when a link is not http(s), then it is shown as text, never as a link', () => {
    const graph = graphOf(
      component('c', {
        links: [
          { url: 'javascript:alert(1)', title: 'bad' },
          { url: 'https://example.com', title: 'good' },
        ],
      }),
    );
    expect(entityHeader(graph, graph.get('component:default/c'))?.links).toEqual([
      { url: undefined, text: 'bad' },
      { url: 'https://example.com', text: 'good' },
    ]);
  });

  it('when a CatalogSource keeps the entity, then the header says which, from which file and line, and links an https edit page only', () => {
    const kept = {
      ...component('c'),
      labels: { 'greenroom.dev/catalog-source': 'backstage' },
      annotations: {
        'greenroom.dev/source-location': 'services/c/catalog-info.yaml',
        'greenroom.dev/source-line': '4',
        'greenroom.dev/source-edit-url': 'https://github.com/org/repo/blob/main/services/c/catalog-info.yaml',
      },
    };
    const graph = graphOf(
      kept,
      {
        ...component('d'),
        labels: kept.labels,
        annotations: { ...kept.annotations, 'greenroom.dev/source-edit-url': 'javascript:alert(1)' },
      },
      component('e'),
    );
    expect(entityHeader(graph, graph.get('component:default/c'))?.origin).toEqual({
      source: 'backstage',
      location: 'services/c/catalog-info.yaml',
      line: 4,
      editUrl: 'https://github.com/org/repo/blob/main/services/c/catalog-info.yaml',
    });
    expect(entityHeader(graph, graph.get('component:default/d'))?.origin?.editUrl).toBeUndefined();
    expect(entityHeader(graph, graph.get('component:default/e'))?.origin).toBeUndefined();
  });

  it('when an entity ref is turned into a URL, then each part is encoded', () => {
    expect(entityHref('component:default/a.b')).toBe('/catalog/component/default/a.b');
  });
});

const scored = (e: Entity, failing: number): Entity => ({
  ...e,
  status: {
    ...e.status,
    scorecards: [
      {
        scorecard: 'default/readiness',
        level: 'bronze',
        score: 50,
        evaluatedAt: '2026-11-24T10:00:00Z',
        failing: Array.from({ length: failing }, (_, i) => ({ rule: `rule-${i}`, level: 'silver', message: `rule ${i} fails` })),
      },
    ],
  },
});
const NO_SCORECARDS: ScorecardStore = { scorecards: () => [], initiatives: () => [] };
const docSource = (name: string, extra: Partial<DocSourceSummary> = {}): DocSourceSummary => ({
  namespace: 'default',
  name,
  siteName: '',
  served: false,
  generation: 1,
  source: { configMapRef: { name } },
  ...extra,
});
const docsOf = (sources: Record<string, DocSourceSummary[]>): DocsStore => ({
  site: () => undefined,
  sourcesFor: (ref) => sources[ref] ?? [],
});
const failedBuild = {
  observedGeneration: 1,
  phase: 'Failed' as const,
  conditions: [
    {
      type: 'BuildSucceeded',
      status: 'False' as const,
      reason: 'BuildFailed',
      message: 'no Markdown page found',
      observedGeneration: 1,
      lastTransitionTime: '2026-11-24T10:00:00Z',
    },
  ],
};
const template = (name: string, owner: string, title?: string): TemplateObject => ({
  metadata: { name, namespace: 'default', uid: `t-${name}` },
  spec: {
    type: 'service',
    owner,
    ...(title ? { title } : {}),
    skeleton: { inline: { 'README.md': 'x' } },
    steps: [{ name: 'render', action: 'render' }],
  },
});
const templatesOf = (...templates: TemplateObject[]): TemplateStore => ({ templates: () => templates, runs: () => [] });

describe('the tabs of an entity page (pure view models)', () => {
  it('when an entity has doc sites and failing rules, then its tabs count them and flag the failing ones', () => {
    const ref = 'component:default/orders';
    const orders = scored(component('orders'), 2);
    const docs = entityDocSources(docsOf({ [ref]: [docSource('a'), docSource('b', { status: failedBuild })] }), ref);
    const tabs = entityTabs({ ref, kind: 'Component' }, 'docs', { docs, scorecards: entityScorecards(NO_SCORECARDS, orders) });
    expect(tabs).toEqual([
      { id: 'overview', title: 'Overview', href: '/catalog/component/default/orders', current: false },
      { id: 'runtime', title: 'Runtime', href: '/catalog/component/default/orders/runtime', current: false },
      {
        id: 'docs',
        title: 'Docs',
        href: '/catalog/component/default/orders/docs',
        current: true,
        count: 2,
        alert: '1 failing',
        label: '2 doc sites, 1 failing',
      },
      {
        id: 'scorecards',
        title: 'Scorecards',
        href: '/catalog/component/default/orders/scorecards',
        current: false,
        count: 1,
        alert: '2 failing',
        label: '1 scorecard, 2 failing rules',
      },
    ]);
  });

  it('when nothing is documented or scored, then the tabs show no counts or alerts', () => {
    const tabs = entityTabs({ ref: 'component:default/quiet', kind: 'Component' }, 'overview', { docs: [], scorecards: [] });
    expect(tabs.map((t) => [t.id, t.current, t.count || undefined, t.alert])).toEqual([
      ['overview', true, undefined, undefined],
      ['runtime', false, undefined, undefined],
      ['docs', false, undefined, undefined],
      ['scorecards', false, undefined, undefined],
    ]);
    expect(entityTabHref('api:shop/a.b', 'scorecards')).toBe('/catalog/api/shop/a.b/scorecards');
  });

  it('when entities of each kind are shown, then only APIs have the API tab and only Components and Resources the Runtime tab', () => {
    const ids = (kind: string) =>
      entityTabs({ ref: `${kind.toLowerCase()}:shop/x`, kind }, 'overview', { docs: [], scorecards: [] }).map((t) => t.id);
    expect(ids('API')).toEqual(['overview', 'definition', 'docs', 'scorecards']);
    expect(ids('Component')).toEqual(['overview', 'runtime', 'docs', 'scorecards']);
    expect(ids('Resource')).toEqual(['overview', 'runtime', 'docs', 'scorecards']);
    for (const kind of ['System', 'Domain', 'Group', 'User']) expect(ids(kind)).toEqual(['overview', 'docs', 'scorecards']);
  });

  it('when a group or user owns templates, then its page lists exactly those, by title, with their pages', () => {
    const graph = graphOf(group('team-a'), user('jane'));
    const store = templatesOf(
      template('svc', 'team-a', 'Service'),
      template('lib', 'group:default/team-a', 'Library'),
      template('site', 'user:jane'),
      template('other', 'team-b'),
    );
    expect(ownedTemplates(store, graph, 'group:default/team-a').map((t) => [t.title, t.href])).toEqual([
      ['Library', '/templates/default/lib'],
      ['Service', '/templates/default/svc'],
    ]);
    expect(ownedTemplates(store, graph, 'user:default/jane').map((t) => t.name)).toEqual(['site']);
  });

  it('when an entity is asked for, then the header every tab shows is its card, links and profile; an unknown one has none', () => {
    const graph = graphOf(user('jane', { profile: { displayName: 'Jane Doe', email: 'jane@example.com' } }));
    expect(entityHeader(graph, graph.get('user:default/jane'))).toMatchObject({
      entity: { title: 'Jane Doe' },
      profile: { email: 'jane@example.com' },
      links: [],
    });
    expect(entityHeader(graph, graph.get('user:default/nobody'))).toBeUndefined();
  });
});

describe('the tabs of an entity page over HTTP (server-rendered, no script needed)', () => {
  const serve = serving();
  const start = () => {
    const graph = graphOf(group('team-a', { title: 'Team A' }), scored(component('orders', { title: 'Orders' }), 1), component('quiet'));
    const docs = docsOf({
      'component:default/orders': [
        docSource('orders-docs', {
          served: true,
          siteName: 'Orders handbook',
          status: {
            observedGeneration: 1,
            phase: 'Ready',
            pageCount: 3,
            lastBuildTime: '2026-11-24T09:00:00Z',
            commit: 'abc',
            site: { id: 's', chunks: 1, bytes: 1, generation: 1 },
          },
        }),
        docSource('broken-docs', { status: failedBuild }),
      ],
    });
    const app = express();
    app.use(
      createUiRouter({ graph, docs, templates: templatesOf(template('svc', 'team-a', 'Service starter')), scorecards: NO_SCORECARDS }),
    );
    return serve(app);
  };
  const get = async (base: string, path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, html: await res.text() };
  };

  it('when each tab is opened, then it is its own page with the tab marked current and only its content', async () => {
    const base = await start();
    const overview = await get(base, '/catalog/component/default/orders');
    expect(overview.status).toBe(200);
    expect(overview.html).toMatch(/<a href="\/catalog\/component\/default\/orders" data-tab="overview" aria-current="page">Overview/);
    expect(overview.html).toContain('id="rel-h"');
    expect(overview.html).not.toContain('id="docs-h"');

    const docs = await get(base, '/catalog/component/default/orders/docs');
    expect(docs.status).toBe(200);
    expect(docs.html).toMatch(/<title>Orders · Docs · Greenroom<\/title>/);
    expect(docs.html).toMatch(
      /data-tab="docs" aria-current="page">Docs <span class="count" aria-hidden="true">2<\/span> <span class="badge bad" aria-hidden="true">1 failing<\/span><span class="visually-hidden">: 2 doc sites, 1 failing<\/span>/,
    );
    expect(docs.html).not.toContain('id="rel-h"');
    expect(docs.html).toContain('<a href="/docs/default/orders-docs">Orders handbook</a> <span class="badge ok">Ready</span>');
    expect(docs.html).toMatch(/3 pages · built <time datetime="2026-11-24T09:00:00Z">/);
    expect(docs.html).toContain('broken-docs <span class="badge bad">Failed</span>');
    expect(docs.html).toContain('no Markdown page found');

    const scorecards = await get(base, '/catalog/component/default/orders/scorecards');
    expect(scorecards.html).toContain('class="entity-scorecards"');
    expect(scorecards.html).toContain('rule 0 fails');
    expect(scorecards.html).toMatch(/data-tab="scorecards" aria-current="page">/);
  });

  it('when an entity has no docs or scorecards, then its tabs say so and how to add one', async () => {
    const base = await start();
    const docs = await get(base, '/catalog/component/default/quiet/docs');
    expect(docs.html).toContain('No DocSource documents quiet yet.');
    expect(docs.html).toContain('entityRef: component:quiet');
    expect((await get(base, '/catalog/component/default/quiet/scorecards')).html).toContain('No scorecard applies to quiet.');
  });

  it('when a tab does not exist, then the entity’s page answers 404 naming the tabs it has; an unknown entity is 404 too', async () => {
    const base = await start();
    const unknown = await get(base, '/catalog/component/default/orders/relations');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('No “relations” tab');
    expect(unknown.html).not.toContain('aria-current="page">Overview');
    expect((await get(base, '/catalog/component/default/nobody/docs')).status).toBe(404);
  });

  it('when a group owns templates, then its Overview lists them', async () => {
    const base = await start();
    const html = (await get(base, '/catalog/group/default/team-a')).html;
    expect(html).toMatch(/<h2 id="templates-h">Templates <span class="muted">1<\/span><\/h2>/);
    expect(html).toContain('<a href="/templates/default/svc">Service starter</a>');
    expect((await get(base, '/catalog/component/default/orders')).html).not.toContain('templates-h');
  });
});
