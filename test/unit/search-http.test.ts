import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { createSearchApiRouter } from '../../src/http/search-api.ts';
import { createSearchUiRouter } from '../../src/http/ui/search-router.ts';
import { SearchIndex } from '../../src/search/index.ts';
import { api, component, group } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

const serve = serving();

function shop(): SearchIndex {
  const index = new SearchIndex();
  for (const e of [
    component('checkout', { description: 'Takes the money', owner: 'payments' }, 'shop'),
    component('checkout-worker', { description: 'Retries checkout payments' }, 'shop'),
    api('checkout-api', { description: 'Orders over REST' }, 'shop'),
    group('payments', { title: 'Payments team' }, 'shop'),
    component('probe', { title: '<b>Probe</b>', description: 'Scans <script>alert("pwned")</script> the probe target' }, 'shop'),
  ]) {
    index.upsertEntity(e);
  }
  index.upsertDocs({ namespace: 'shop', name: 'handbook', siteName: 'Shop handbook', entityRef: 'component:shop/checkout' }, [
    {
      path: 'runbook.md',
      slug: 'runbook',
      title: 'Checkout runbook',
      html: '',
      headings: [{ level: 2, id: 'refunds', text: 'Refunds' }],
      text: 'How checkout refunds a card payment.',
    },
  ]);
  index.upsertTemplate({
    metadata: { name: 'checkout-extension', namespace: 'shop', uid: 't1' },
    spec: {
      title: 'Checkout extension',
      type: 'library',
      owner: 'payments',
      skeleton: { inline: { 'README.md': 'x' } },
      steps: [{ name: 'render', action: 'render' }],
    },
  });
  return index;
}

/** The two routers on a bare app, mounted the way the app mounts them. */
async function start(): Promise<string> {
  const search = shop();
  const app = express();
  app.use('/api/v1', createSearchApiRouter({ search }));
  app.use(createSearchUiRouter({ search }));
  return serve(app);
}

async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json() };
}

describe('the search API', () => {
  it('when searching, then ranked results come back with the query, total and counts per kind', async () => {
    const base = await start();
    const { status, body } = await getJson(base, '/api/v1/search?q=checkout');
    expect(status).toBe(200);
    expect(body).toMatchObject({ query: 'checkout', total: 5, counts: { Component: 2, API: 1, Docs: 1, Template: 1 } });
    expect(body.results[0]).toMatchObject({
      type: 'entity',
      ref: 'component:shop/checkout',
      kind: 'Component',
      href: '/catalog/component/shop/checkout',
      owner: 'payments',
    });
    expect(body.results.find((r: { type: string }) => r.type === 'doc')).toMatchObject({
      kind: 'Docs',
      href: '/docs/shop/handbook/runbook',
    });
  });

  it('when a kind and a limit are given, then results are filtered and capped', async () => {
    const base = await start();
    const { body } = await getJson(base, '/api/v1/search?q=checkout&kind=Component&limit=1');
    expect(body.results.map((r: { ref: string }) => r.ref)).toEqual(['component:shop/checkout']);
    expect(body.total).toBe(2);
    expect((await getJson(base, '/api/v1/search?q=refunds&kind=docs')).body.results[0].title).toBe('Checkout runbook');
  });

  it('when q is missing or blank, then the API answers 400 naming q', async () => {
    const base = await start();
    for (const path of ['/api/v1/search', '/api/v1/search?q=%20%20']) {
      const { status, body } = await getJson(base, path);
      expect(status).toBe(400);
      expect(body.error).toMatch(/\bq is required/);
    }
  });

  it('when the kind is unknown or the limit out of range, then the API answers 400 naming each', async () => {
    const base = await start();
    const { status, body } = await getJson(base, '/api/v1/search?q=checkout&kind=spaceship&limit=101');
    expect(status).toBe(400);
    expect(body.error).toMatch(/kind is not a catalog kind, template or docs/);
    expect(body.problems.some((p: string) => p.startsWith('limit'))).toBe(true);
  });
});

describe('the search page', () => {
  it('when searching, then results are grouped by kind with filter links counting each kind', async () => {
    const base = await start();
    const res = await fetch(`${base}/search?q=checkout`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/<h2 id="group-component">Components <span class="muted">2<\/span><\/h2>/);
    expect(html).toMatch(/<h2 id="group-api">APIs <span class="muted">1<\/span><\/h2>/);
    expect(html).toMatch(/<h2 id="group-docs">Docs <span class="muted">1<\/span><\/h2>/);
    expect(html).toMatch(/<h2 id="group-template">Templates <span class="muted">1<\/span><\/h2>/);
    expect(html).toContain('<a class="search-title" href="/templates/shop/checkout-extension"><mark>Checkout</mark> extension</a>');
    expect(html).toContain('href="/search?q=checkout&amp;kind=template"');
    expect(html.indexOf('group-component')).toBeLessThan(html.indexOf('group-docs'));
    expect(html).toContain('href="/search?q=checkout&amp;kind=component"');
    expect(html).toContain('href="/search?q=checkout&amp;kind=docs"');
    expect(html).toContain('<a class="search-title" href="/docs/shop/handbook/runbook"><mark>Checkout</mark> runbook</a>');
    expect(html).toContain('<a class="search-title" href="/catalog/component/shop/checkout"><mark>checkout</mark></a>');
    expect(html).toContain('owned by <a href="/catalog/group/shop/payments">payments</a>');
    // The query stays in the header's box, which submits here.
    expect(html).toMatch(/<form class="search" action="\/search"/);
    expect(html).toMatch(/<input id="search" name="q"[^>]* value="checkout"/);
  });

  it('when filtering by kind, then only that group shows and its filter is current', async () => {
    const base = await start();
    const html = await (await fetch(`${base}/search?q=checkout&kind=docs`)).text();
    expect(html).not.toContain('id="group-component"');
    expect(html).toMatch(/<a href="\/search\?q=checkout&amp;kind=docs" aria-current="page">Docs/);
    expect(html).toContain('<input type="hidden" name="kind" value="docs">');
  });

  it('when nothing matches, then the page says so and offers tips', async () => {
    const base = await start();
    const html = await (await fetch(`${base}/search?q=zzzyzzy`)).text();
    expect(html).toMatch(/Nothing matches “zzzyzzy”/);
    expect(html).toMatch(/one typo per word is forgiven/);
    const blank = await (await fetch(`${base}/search`)).text();
    expect(blank).toMatch(/Search the catalog, templates and docs/);
  });

  it('when an entity holds markup, then only the highlight marks are HTML: everything else is escaped', async () => {
    const base = await start();
    const html = await (await fetch(`${base}/search?q=probe%20%3Cscript%3E`)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>Probe</b>');
    expect(html).toContain('&lt;b&gt;<mark>Probe</mark>&lt;/b&gt;');
    expect(html).toContain('Scans &lt;<mark>script</mark>&gt;alert(&quot;pwned&quot;)&lt;/<mark>script</mark>&gt;');
    // The query itself, echoed in the heading and the box, is escaped too.
    expect(html).toContain('for “probe &lt;script&gt;”');
  });
});
