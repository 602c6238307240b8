import { describe, expect, it } from '@jest/globals';
import { visibleCatalog } from '../../src/access/visible-catalog.ts';
import { Visibility } from '../../src/access/visibility.ts';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { listEntities, type EntityFilter } from '../../src/catalog/queries.ts';
import { api, component, group, resource, system, user } from '../fixtures/entities.ts';

/** A catalog over three namespaces and every kind, with owners in and across namespaces. */
function catalog(): CatalogGraph {
  const graph = new CatalogGraph();
  const owners = ['team-a', 'team-b', 'ops/sre', 'user:jane'];
  let n = 0;
  for (const namespace of ['apps', 'data', 'ops']) {
    for (const g of ['team-a', 'team-b', 'sre']) graph.upsert(group(g, {}, namespace));
    graph.upsert(user('jane', {}, namespace));
    for (let i = 0; i < 12; i++) {
      const owner = owners[n++ % owners.length];
      const type = i % 3 === 0 ? 'website' : 'service';
      graph.upsert(component(`c${i}`, { owner, type, ...(i % 4 === 0 ? { lifecycle: 'experimental' } : {}) }, namespace));
      if (i % 2 === 0) graph.upsert(resource(`r${i}`, { owner }, namespace));
      if (i % 3 === 0) graph.upsert(api(`a${i}`, { owner }, namespace));
      if (i % 5 === 0) graph.upsert(system(`s${i}`, { owner }, namespace));
    }
  }
  graph.upsert(component('orphan', { owner: 'team-gone' }, 'apps'));
  return graph;
}

/** Every page of a filter, following continue tokens; the totals each page gave. */
function walk(view: Parameters<typeof listEntities>[0], filter: EntityFilter, limit: number): { refs: string[]; totals: number[] } {
  const refs: string[] = [];
  const totals: number[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = listEntities(view, filter, limit, after);
    refs.push(...result.items.map((e) => e.ref));
    totals.push(result.total);
    if (!result.continue) return { refs, totals };
    after = Buffer.from(result.continue, 'base64url').toString('utf8');
  }
  throw new Error('more than 100 pages');
}

/** The answer by brute force: every entity, tested one by one against what the filter says. */
function expected(entities: Iterable<Entity>, filter: EntityFilter): string[] {
  const ownerOf = (e: Entity): string => {
    const raw = String(e.spec.owner ?? '');
    const [kind, rest] = raw.includes(':') ? raw.split(':') : ['group', raw];
    return `${kind}:${rest!.includes('/') ? rest : `${e.namespace}/${rest}`}`;
  };
  const wantOwner = (e: Entity): string => {
    const raw = filter.owner!;
    const [kind, rest] = raw.includes(':') ? raw.split(':') : ['group', raw];
    return `${kind}:${rest!.includes('/') ? rest : `${filter.namespace ?? e.namespace}/${rest}`}`;
  };
  return [...entities]
    .filter(
      (e) =>
        (!filter.kind || e.kind.toLowerCase() === filter.kind.toLowerCase()) &&
        (!filter.namespace || e.namespace === filter.namespace) &&
        (!filter.type || e.spec.type === filter.type) &&
        (!filter.lifecycle || e.spec.lifecycle === filter.lifecycle) &&
        (!filter.owner || ownerOf(e) === wantOwner(e)),
    )
    .map((e) => e.ref)
    .sort();
}

const FILTERS: EntityFilter[] = [
  {},
  { kind: 'Component' },
  { kind: 'resource', namespace: 'data' },
  { namespace: 'ops' },
  { namespace: 'nowhere' },
  { kind: 'API' },
  { kind: 'Component', type: 'website' },
  { namespace: 'apps', lifecycle: 'experimental' },
  { owner: 'team-a' },
  { owner: 'team-a', namespace: 'apps' },
  { owner: 'ops/sre' },
  { owner: 'user:jane', namespace: 'data', kind: 'component' },
  { owner: 'team-gone', namespace: 'apps' },
  { owner: 'group:apps/team-b', type: 'service' },
];

describe('listing entities a page at a time', () => {
  it('when any filter is walked page by page, then the pages hold exactly the matching entities in ref order, and every page gives their total', () => {
    const graph = catalog();
    for (const filter of FILTERS) {
      for (const limit of [1, 3, 7, 100]) {
        const want = expected(graph.all(), filter);
        const { refs, totals } = walk(graph, filter, limit);
        expect({ filter, limit, refs }).toEqual({ filter, limit, refs: want });
        expect({ filter, limit, totals: [...new Set(totals)] }).toEqual({ filter, limit, totals: [want.length] });
      }
    }
  });

  it('when a person sees only some namespaces, then filtered pages hold only what they see, owners they cannot see included', () => {
    const graph = catalog();
    const apps = new Set(['apps']);
    const view = visibleCatalog(
      graph,
      new Visibility(new Map(['components', 'resources', 'apis', 'systems', 'groups', 'users'].map((p) => [p, apps]))),
    );
    for (const filter of [{ owner: 'ops/sre' }, { namespace: 'data' }, { kind: 'component' }, { owner: 'team-a', namespace: 'apps' }]) {
      const want = expected(
        [...graph.all()].filter((e) => e.namespace === 'apps'),
        filter,
      );
      expect({ filter, refs: walk(view, filter, 4).refs }).toEqual({ filter, refs: want });
    }
  });

  it('when an entity changes owner, then owner pages follow at once', () => {
    const graph = catalog();
    expect(listEntities(graph, { owner: 'team-b', namespace: 'apps', kind: 'component' }, 100).items.map((e) => e.name)).not.toContain(
      'c0',
    );
    graph.upsert(component('c0', { owner: 'team-b' }, 'apps'));
    expect(listEntities(graph, { owner: 'team-b', namespace: 'apps', kind: 'component' }, 100).items.map((e) => e.name)).toContain('c0');
    graph.remove('component:apps/c0');
    expect(listEntities(graph, { owner: 'team-b', namespace: 'apps' }, 100).items.map((e) => e.name)).not.toContain('c0');
  });
});
