import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { createApp } from '../../src/http/app.ts';
import { api, component, group, resource, system, user } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

const serve = serving();

function shop(): CatalogGraph {
  const graph = new CatalogGraph();
  for (const e of [
    group('engineering', { children: ['team-a', 'team-b'] }),
    group('team-a', { parent: 'engineering' }),
    group('team-b', { parent: 'engineering' }),
    user('jane', { memberOf: ['team-b'] }),
    system('storefront'),
    api('orders-api', { system: 'storefront' }),
    component('checkout', {
      system: 'storefront',
      providesApis: ['orders-api'],
      dependsOn: ['resource:orders-db'],
      tags: ['typescript'],
      title: 'Checkout Service',
      description: 'Takes the money',
    }),
    component('web', { owner: 'team-b', lifecycle: 'experimental', consumesApis: ['orders-api'], dependsOn: ['component:checkout'] }),
    component('scratch', { owner: 'user:jane', type: 'library' }),
    resource('orders-db'),
    component('dangling', { owner: 'ghosts' }),
  ]) {
    graph.upsert(e);
  }
  return graph;
}

async function get(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json() };
}

const start = () => serve(createApp({ isReady: () => true, graph: shop() }));

describe('the read API', () => {
  it('when listing by kind and owner, then only matching entities come back in ref order', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/entities?kind=component&owner=team-a');
    expect(body.items.map((i: { ref: string }) => i.ref)).toEqual(['component:default/checkout']);
    expect(body.total).toBe(1);
  });

  it('when filtering by text, tag, type and lifecycle, then each narrows the list', async () => {
    const base = await start();
    expect((await get(base, '/api/v1/entities?q=money')).body.items.map((i: { name: string }) => i.name)).toEqual(['checkout']);
    expect((await get(base, '/api/v1/entities?tag=typescript')).body.total).toBe(1);
    expect((await get(base, '/api/v1/entities?type=library')).body.items[0].name).toBe('scratch');
    expect((await get(base, '/api/v1/entities?lifecycle=experimental')).body.items[0].name).toBe('web');
  });

  it('when paging with limit and continue, then every entity is seen exactly once in a stable order', async () => {
    const base = await start();
    const seen: string[] = [];
    let path = '/api/v1/entities?limit=3';
    for (let i = 0; i < 10; i++) {
      const { body } = await get(base, path);
      seen.push(...body.items.map((item: { ref: string }) => item.ref));
      if (!body.continue) break;
      path = `/api/v1/entities?limit=3&continue=${body.continue}`;
    }
    expect(seen).toHaveLength(11);
    expect([...seen].sort()).toEqual(seen);
  });

  it('when getting one entity, then all its relations and dangling references come back', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/entities/component/default/checkout');
    expect(body.relations).toEqual(
      expect.arrayContaining([
        { type: 'dependsOn', target: 'resource:default/orders-db' },
        { type: 'dependencyOf', target: 'component:default/web' },
        { type: 'providesApi', target: 'api:default/orders-api' },
        { type: 'partOf', target: 'system:default/storefront' },
      ]),
    );
    const dangling = await get(base, '/api/v1/entities/component/default/dangling');
    expect(dangling.body.dangling).toEqual([{ path: 'spec.owner', target: 'group:default/ghosts' }]);
  });

  it('when an entity does not exist, then the API answers 404 naming it', async () => {
    const base = await start();
    expect(await get(base, '/api/v1/entities/component/default/nope')).toEqual({
      status: 404,
      body: { error: 'no entity component:default/nope' },
    });
  });

  it('when a query is malformed, then the API answers 400 naming the parameter', async () => {
    const base = await start();
    const bad = await get(base, '/api/v1/entities?limit=0&kind=spaceship');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/kind is not a catalog kind/);
    expect(bad.body.error).toMatch(/limit/);
    expect((await get(base, '/api/v1/entities?continue=garbage')).status).toBe(400);
    expect((await get(base, '/api/v1/graph?root=component:default/checkout&relations=likes')).body.error).toMatch(/relations must be/);
  });

  it('when asking for the graph around an entity, then nodes and edges within the depth come back', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/graph?root=component:default/web&depth=1&relations=dependsOn,consumesApi');
    expect(body.nodes.map((n: { ref: string }) => n.ref).sort()).toEqual([
      'api:default/orders-api',
      'component:default/checkout',
      'component:default/web',
    ]);
    expect(body.edges).toHaveLength(2);
    const deeper = await get(base, '/api/v1/graph?root=component:default/web&depth=2&relations=dependsOn');
    expect(deeper.body.nodes.map((n: { ref: string }) => n.ref)).toContain('resource:default/orders-db');
  });

  it('when asking what a group owns, then child groups and their members count, each with how', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/entities/group/default/engineering/ownership');
    const via = Object.fromEntries(body.items.map((i: { name: string; via: string }) => [i.name, i.via]));
    expect(via).toMatchObject({ checkout: 'group:default/team-a', web: 'group:default/team-b', scratch: 'user:default/jane' });
  });

  it('when what a group owns is read a page at a time, then the pages join into the whole list in ref order, each with the total', async () => {
    const base = await start();
    const whole = (await get(base, '/api/v1/entities/group/default/engineering/ownership')).body;
    expect(whole.items.length).toBeGreaterThan(2);
    const refs: string[] = [];
    let token: string | undefined;
    do {
      const { body } = await get(base, `/api/v1/entities/group/default/engineering/ownership?limit=2${token ? `&continue=${token}` : ''}`);
      expect(body.total).toBe(whole.items.length);
      expect(body.items.length).toBeLessThanOrEqual(2);
      refs.push(...body.items.map((i: { ref: string }) => i.ref));
      token = body.continue;
    } while (token);
    expect(refs).toEqual(whole.items.map((i: { ref: string }) => i.ref));
    expect(refs).toEqual([...refs].sort());
    expect((await get(base, '/api/v1/entities/group/default/engineering/ownership?limit=0')).status).toBe(400);
  });

  it('when asking what a user owns, then what its groups own is included', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/entities/user/default/jane/ownership');
    expect(body.items.map((i: { name: string; via: string }) => [i.name, i.via])).toEqual([
      ['scratch', 'direct'],
      ['web', 'group:default/team-b'],
    ]);
  });

  it('when asking what a Component owns, then the API explains only Groups and Users own', async () => {
    const base = await start();
    const res = await get(base, '/api/v1/entities/component/default/web/ownership');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/only Groups and Users own/);
  });
});

describe('the graph query limit', () => {
  it('when more nodes are reachable than the limit, then the walk stops there and says it was truncated', async () => {
    const base = await start();
    const { body } = await get(base, '/api/v1/graph?root=group:default/engineering&depth=5&limit=3');
    expect(body.nodes).toHaveLength(3);
    expect(body.truncated).toBe(true);
    const refs = new Set(body.nodes.map((n: { ref: string }) => n.ref));
    expect(body.edges.every((e: { source: string; target: string }) => refs.has(e.source) && refs.has(e.target))).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  it('when read, then it describes every read API route', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parse } = await import('yaml');
    const doc = parse(await readFile(new URL('../../docs/api/openapi.yaml', import.meta.url), 'utf8')) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/entities',
        '/api/v1/entities/{kind}/{namespace}/{name}',
        '/api/v1/entities/{kind}/{namespace}/{name}/ownership',
        '/api/v1/graph',
      ]),
    );
  });
});
