import { describe, expect, it } from '@jest/globals';
import { visibleCatalog } from '../../src/access/visible-catalog.ts';
import { Visibility } from '../../src/access/visibility.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { listEntities } from '../../src/catalog/queries.ts';
import { component } from '../fixtures/entities.ts';

// The catalog as one person sees it: entities of namespaces they may list, in ref order.
const teamA = new Visibility(new Map([['components', new Set(['team-a'])]]));
const refsListed = (graph: CatalogGraph) => listEntities(visibleCatalog(graph, teamA), {}, 100).items.map((e) => e.ref);

describe('the catalog as one person sees it', () => {
  it('when entities of another namespace exist, then a list shows only those the person may see, in ref order', () => {
    const graph = new CatalogGraph();
    for (const e of [component('b', {}, 'team-a'), component('a', {}, 'team-b'), component('a', {}, 'team-a')]) graph.upsert(e);
    expect(refsListed(graph)).toEqual(['component:team-a/a', 'component:team-a/b']);
  });

  it('when an entity changes between two requests, then the second request lists the changed entity', () => {
    const graph = new CatalogGraph();
    graph.upsert(component('a', {}, 'team-a'));
    expect(listEntities(visibleCatalog(graph, teamA), {}, 100).items[0]?.spec.lifecycle).toBe('production');
    graph.upsert(component('a', { lifecycle: 'deprecated' }, 'team-a'));
    graph.upsert(component('c', {}, 'team-a'));
    const page = listEntities(visibleCatalog(graph, teamA), {}, 100);
    expect(page.items.map((e) => [e.ref, e.spec.lifecycle])).toEqual([
      ['component:team-a/a', 'deprecated'],
      ['component:team-a/c', 'production'],
    ]);
  });

  it('when two people with different grants list the same graph, then each sees only their own namespaces', () => {
    const graph = new CatalogGraph();
    for (const e of [component('a', {}, 'team-a'), component('b', {}, 'team-b')]) graph.upsert(e);
    const teamB = new Visibility(new Map([['components', new Set(['team-b'])]]));
    expect(refsListed(graph)).toEqual(['component:team-a/a']);
    expect(listEntities(visibleCatalog(graph, teamB), {}, 100).items.map((e) => e.ref)).toEqual(['component:team-b/b']);
    expect(refsListed(graph)).toEqual(['component:team-a/a']);
  });
});
