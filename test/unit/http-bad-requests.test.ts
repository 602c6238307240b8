import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import type { EntityRef } from '../../src/catalog/refs.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { SearchIndex } from '../../src/search/index.ts';
import { component, group } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

const serve = serving();

/** A graph that fails on one entity, as a bug in a query would: the server must not show how. */
class FailingGraph extends CatalogGraph {
  override get(ref: EntityRef) {
    if (ref.endsWith('/broken')) throw new Error('internal detail: graph index corrupt');
    return super.get(ref);
  }
}

function start(): { base: Promise<string>; logs: string[] } {
  const graph = new FailingGraph();
  const search = new SearchIndex();
  for (const e of [
    group('payments', {}, 'shop'),
    component('checkout', { owner: 'payments' }, 'shop'),
    component('broken', { owner: 'payments' }, 'shop'),
  ]) {
    graph.upsert(e);
    search.upsertEntity(e);
  }
  const logs: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
  return { base: serve(createApp({ isReady: () => true, graph, search, logger })), logs };
}

/** Signs that an answer shows the server's inside: a stack frame, a file path, an error class. */
const INSIDE = /\n\s+at |node_modules|\.ts:\d+|ZodError|TypeError|internal detail/;

const long = 'x'.repeat(2000);

describe('bad parameters', () => {
  it('when /catalog gets a kind twice, then it answers a 400 page naming kind, not a 500 with a stack trace', async () => {
    const base = await start().base;
    const res = await fetch(`${base}/catalog?kind=a&kind=b`);
    const body = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(body).toContain('kind must be given once');
    expect(body).not.toMatch(INSIDE);
  });

  it('when any route gets a repeated, over-long or badly numbered parameter, then it answers 400 naming it: JSON under /api/v1, a page elsewhere', async () => {
    const base = await start().base;
    const cases: [string, string][] = [
      ['/api/v1/entities?kind=component&kind=api', 'kind'],
      ['/api/v1/entities?limit=ten', 'limit'],
      ['/api/v1/entities/component/shop/checkout?x=1&x=2', 'x'],
      ['/api/v1/graph?root=component:shop/checkout&root=component:shop/broken', 'root'],
      ['/api/v1/search?q=checkout&kind=a&kind=b', 'kind'],
      [`/api/v1/search?q=${long}`, 'q'],
      ['/?utm=a&utm=b', 'utm'],
      ['/catalog?page=two', 'page'],
      ['/catalog?page=-1', 'page'],
      [`/catalog?q=${long}`, 'q'],
      ['/catalog/component/shop/checkout?depth=9', 'depth'],
      ['/catalog/component/shop/checkout?depth=1&depth=2', 'depth'],
      ['/search?q=a&q=b', 'q'],
      [`/search?q=${'y'.repeat(300)}`, 'q'],
      ['/templates?page=1&page=2', 'page'],
      ['/scorecards/shop/none?sort=a&sort=b', 'sort'],
      [`/docs/shop/none?${long}=1`, 'xxxx'],
    ];
    for (const [query, field] of cases) {
      const res = await fetch(base + query);
      const body = await res.text();
      const api = query.startsWith('/api/');
      expect({ path: query.slice(0, 80), status: res.status, json: /json/.test(res.headers.get('content-type') ?? '') }).toEqual({
        path: query.slice(0, 80),
        status: 400,
        json: api,
      });
      expect({ path: query.slice(0, 80), names: body.includes(field), inside: INSIDE.test(body) }).toEqual({
        path: query.slice(0, 80),
        names: true,
        inside: false,
      });
    }
  });

  it('when a query has more parameters than any form has fields, then it answers 400', async () => {
    const base = await start().base;
    const many = Array.from({ length: 100 }, (_, i) => `p${i}=1`).join('&');
    const res = await fetch(`${base}/api/v1/entities?${many}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/100 parameters/);
  });

  it("when a path is not valid percent-encoding, then it answers 400 without the decoder's error", async () => {
    const base = await start().base;
    const res = await fetch(`${base}/catalog/component/shop/%E0%A4%A`);
    const body = await res.text();
    expect(res.status).toBe(400);
    expect(body).not.toMatch(INSIDE);
    expect(body).not.toMatch(/URIError|Failed to decode/);
  });
});

describe('failures inside a route', () => {
  it('when the dashboard fails on an entity, then it answers a plain 500 page and the error and its stack go to the log only', async () => {
    const { base, logs } = start();
    const res = await fetch(`${await base}/catalog/component/shop/broken`);
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(body).toMatch(/Something went wrong/);
    expect(body).not.toMatch(INSIDE);
    const logged = logs
      .map((line) => JSON.parse(line) as { msg: string; path?: string; err?: { message: string; stack: string } })
      .find((l) => l.msg === 'request failed');
    expect(logged?.path).toBe('/catalog/component/shop/broken');
    expect(logged?.err?.message).toBe('internal detail: graph index corrupt');
    expect(logged?.err?.stack).toMatch(/\n\s+at /);
  });

  it('when the read API fails on an entity, then it answers 500 as JSON with no detail of the failure', async () => {
    const base = await start().base;
    const res = await fetch(`${base}/api/v1/entities/component/shop/broken`);
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/failed/), problems: [expect.any(String)] });
    expect(body).not.toMatch(INSIDE);
  });
});
