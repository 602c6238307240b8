import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { catalogPage, entityHref, entityPage, homePage } from '../../src/http/ui/pages.ts';
import { component, group, user } from '../fixtures/entities.ts';

function graphOf(...entities: ReturnType<typeof component>[]): CatalogGraph {
  const graph = new CatalogGraph();
  for (const e of entities) graph.upsert(e);
  return graph;
}

const notReady = (e: ReturnType<typeof component>, reason: string) => ({
  ...e,
  status: { conditions: [{ type: 'Ready', status: 'False' as const, reason, message: 'spec.owner: group:default/ghosts does not exist', lastTransitionTime: '2026-11-24T10:00:00Z' }] },
});

describe('dashboard pages (pure view models)', () => {
  it('when entities are not Ready, then home lists them under their owner with the reason in words', () => {
    const graph = graphOf(group('team-a', { title: 'Team A' }), notReady(component('broken'), 'DanglingReference'), component('fine'));
    const home = homePage(graph);
    expect(home.counts.find((c) => c.kind === 'Component')?.count).toBe(2);
    expect(home.attention).toHaveLength(1);
    expect(home.attention[0]?.owner?.name).toBe('Team A');
    expect(home.attention[0]?.items.map((i) => [i.name, i.words])).toEqual([['broken', 'It refers to something that is not in the catalog (yet).']]);
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
    const page = entityPage(graph, 'group:default/team-a', 1)!;
    expect(page.relations.find((r) => r.type === 'hasMember')?.items.map((i) => i.title)).toEqual(['Jane Doe']);
    expect(page.graph.nodes.find((n) => n.ref === 'user:default/jane')?.label).toBe('Jane Doe');
    expect(page.graph.edges.map((e) => e.type)).toEqual(['memberOf']);
  });

  it('when a link is not http(s), then it is shown as text, never as a link', () => {
    const graph = graphOf(component('c', { links: [{ url: 'javascript:alert(1)', title: 'bad' }, { url: 'https://example.com', title: 'good' }] }));
    expect(entityPage(graph, 'component:default/c', 1)?.links).toEqual([
      { url: undefined, text: 'bad' },
      { url: 'https://example.com', text: 'good' },
    ]);
  });

  it('when an entity ref is turned into a URL, then each part is encoded', () => {
    expect(entityHref('component:default/a.b')).toBe('/catalog/component/default/a.b');
  });
});
