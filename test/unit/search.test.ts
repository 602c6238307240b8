import { describe, expect, it } from '@jest/globals';
import type { DocPage } from '../../src/docs/site.ts';
import { highlightFragments } from '../../src/search/highlight.ts';
import { SearchIndex, isSearchKind } from '../../src/search/index.ts';
import type { TemplateObject } from '../../src/api/objects.ts';
import { api, component, group, resource } from '../fixtures/entities.ts';

const template = (name: string, spec: Partial<TemplateObject['spec']>, namespace = 'shop'): TemplateObject => ({
  metadata: { name, namespace, uid: `uid-${name}` },
  spec: {
    type: 'service',
    owner: 'payments-team',
    skeleton: { inline: { 'README.md': '# ${{ values.name }}' } },
    steps: [{ name: 'render', action: 'render' }],
    ...spec,
  },
});

function page(slug: string, title: string, text: string, headings: string[] = []): DocPage {
  return {
    path: `${slug || 'index'}.md`,
    slug,
    title,
    html: '',
    headings: headings.map((h, i) => ({ level: 2, id: `h${i}`, text: h })),
    text,
  };
}

const shopDocs = { namespace: 'shop', name: 'checkout-docs', siteName: 'Checkout handbook', entityRef: 'component:shop/checkout' };

function shop(): SearchIndex {
  const index = new SearchIndex();
  for (const e of [
    component(
      'checkout-service',
      { title: 'Checkout Service', description: 'Takes the money for every order', tags: ['payments', 'typescript'] },
      'shop',
    ),
    component('checkout', { description: 'The checkout page and its backend' }, 'shop'),
    component('checkout-worker', { description: 'Retries failed checkout payments' }, 'shop'),
    api('checkout-api', { description: 'Orders and payments over REST' }, 'shop'),
    component('inventory-sync', { description: 'Keeps stock levels in step with the warehouse' }, 'shop'),
    resource('inventory-db', { description: 'PostgreSQL for stock' }, 'shop'),
    group('payments-team', { title: 'Payments' }, 'shop'),
  ]) {
    index.upsertEntity(e);
  }
  index.upsertDocs(shopDocs, [
    page('', 'Checkout handbook', 'Start here to learn how checkout takes orders.', ['Overview']),
    page(
      'runbooks/keys',
      'Rotating keys',
      'When a signing key leaks, rotate the signing keys and then replay the dead letter queue from the console.',
      ['Before you start', 'Rotation'],
    ),
  ]);
  return index;
}

const refs = (index: SearchIndex, q: string, options = {}) => index.search(q, options).results.map((r) => r.ref ?? r.href);

describe('searching entities and doc pages', () => {
  it('when the query is an entity name, then that entity ranks first among similar names', () => {
    const index = shop();
    expect(refs(index, 'checkout')[0]).toBe('component:shop/checkout');
    expect(refs(index, 'checkout-worker')[0]).toBe('component:shop/checkout-worker');
    expect(refs(index, 'Checkout-Api')[0]).toBe('api:shop/checkout-api');
  });

  it('when a word has a one-letter typo, then the entity is still found', () => {
    const index = shop();
    expect(refs(index, 'chekout')).toContain('component:shop/checkout-service');
    expect(refs(index, 'invemtory')).toContain('component:shop/inventory-sync');
    expect(refs(index, 'warehousse')).toEqual(['component:shop/inventory-sync']);
  });

  it('when a phrase appears only in a doc page, then that page is found and links into the reader', () => {
    const index = shop();
    const { results } = index.search('replay the dead letter queue', {});
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      type: 'doc',
      kind: 'Docs',
      title: 'Rotating keys',
      href: '/docs/shop/checkout-docs/runbooks/keys',
      siteName: 'Checkout handbook',
      entityRef: 'component:shop/checkout',
    });
    expect(results[0]!.highlights.find((h) => h.field === 'text')?.fragments[0]).toMatch(
      /<mark>replay<\/mark> the <mark>dead<\/mark> <mark>letter<\/mark> <mark>queue<\/mark>/,
    );
  });

  it('when the query is the start of a word, then entities with words starting so are found', () => {
    const index = shop();
    expect(refs(index, 'inven').sort()).toEqual(['component:shop/inventory-sync', 'resource:shop/inventory-db']);
  });

  it('when not every word matches anything, then results matching any word are shown instead', () => {
    const index = shop();
    expect(refs(index, 'warehouse zebra')).toEqual(['component:shop/inventory-sync']);
  });

  it('when filtering by kind, then only that kind comes back while counts cover every kind', () => {
    const index = shop();
    const components = index.search('checkout', { kind: 'component' });
    expect(components.results.every((r) => r.kind === 'Component')).toBe(true);
    expect(components.total).toBe(3);
    expect(components.counts).toEqual({ Component: 3, API: 1, Docs: 1 });
    expect(index.search('checkout', { kind: 'DOCS' }).results.map((r) => r.title)).toEqual(['Checkout handbook']);
    expect(index.search('checkout', { kind: 'api' }).results.map((r) => r.ref)).toEqual(['api:shop/checkout-api']);
  });

  it('when a limit is given, then at most that many come back and total still counts all', () => {
    const answer = shop().search('checkout', { limit: 2 });
    expect(answer.results).toHaveLength(2);
    expect(answer.total).toBe(5);
  });

  it('when an entity is removed, then it is no longer found', () => {
    const index = shop();
    index.removeEntity('component:shop/inventory-sync');
    expect(refs(index, 'inventory')).toEqual(['resource:shop/inventory-db']);
    index.removeEntity('component:shop/never-there');
    expect(index.stats().entities).toBe(6);
  });

  it('when an entity is upserted again, then the new version replaces the old without a duplicate', () => {
    const index = shop();
    index.upsertEntity(component('inventory-sync', { description: 'Mirrors stock to the marketplace' }, 'shop'));
    expect(refs(index, 'inventory-sync').filter((r) => r === 'component:shop/inventory-sync')).toHaveLength(1);
    expect(refs(index, 'warehouse')).toEqual([]);
    expect(refs(index, 'marketplace')).toEqual(['component:shop/inventory-sync']);
    expect(index.stats().entities).toBe(7);
  });

  it('when a DocSource is rebuilt, then its pages are replaced: dropped pages go, kept pages update', () => {
    const index = shop();
    index.upsertDocs(shopDocs, [page('', 'Checkout handbook', 'Start here: checkout now takes gift cards.')]);
    expect(refs(index, 'replay dead letter')).toEqual([]);
    expect(index.hasPage('shop', 'checkout-docs', 'runbooks/keys')).toBe(false);
    expect(refs(index, 'gift cards')).toEqual(['/docs/shop/checkout-docs/']);
    expect(index.search('checkout', { kind: 'docs' }).total).toBe(1);
    expect(index.stats()).toMatchObject({ docPages: 1, docSources: 1 });
  });

  it("when a site leaves a page out of search, then it is not found while the site's other pages are", () => {
    const index = new SearchIndex();
    index.upsertDocs(shopDocs, [
      page('', 'Checkout handbook', 'Start here: refunds are quarterly.'),
      { ...page('drafts/refunds', 'Refund draft', 'Refunds are quarterly, says the draft.'), searchExcluded: true },
    ]);
    expect(refs(index, 'quarterly')).toEqual(['/docs/shop/checkout-docs/']);
  });

  it('when a DocSource is removed, then none of its pages is found', () => {
    const index = shop();
    index.removeDocs('shop', 'checkout-docs');
    expect(index.search('checkout', { kind: 'docs' }).total).toBe(0);
    expect(refs(index, 'signing keys')).toEqual([]);
    expect(index.stats()).toMatchObject({ entities: 7, docPages: 0, docSources: 0 });
  });

  it('when a heading matches, then the page is found with the heading highlighted', () => {
    const hit = shop().search('rotation', {}).results[0];
    expect(hit?.title).toBe('Rotating keys');
    expect(hit?.highlights).toContainEqual({ field: 'headings', fragments: ['Before you start · <mark>Rotation</mark>'] });
  });

  it('when the owner or a tag is searched, then the entities they describe are found', () => {
    const index = shop();
    expect(refs(index, 'typescript')).toEqual(['component:shop/checkout-service']);
    expect(index.search('team-a', { kind: 'resource' }).results.map((r) => r.ref)).toEqual(['resource:shop/inventory-db']);
  });

  it('when a description holds markup, then highlights escape it and only the marks are HTML', () => {
    const index = new SearchIndex();
    index.upsertEntity(
      component('probe', { description: 'Payments <script>alert("pwned")</script> & <img src=x onerror=alert(1)> helper' }),
    );
    const { results } = index.search('payments', {});
    const fragments = results[0]!.highlights.flatMap((h) => h.fragments);
    expect(fragments).toEqual([
      '<mark>Payments</mark> &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; helper',
    ]);
    const searchedForMarkup = index
      .search('script', {})
      .results[0]!.highlights.flatMap((h) => h.fragments)
      .join('');
    expect(searchedForMarkup.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"]/);
  });

  it('when the query is blank, then nothing is found', () => {
    expect(shop().search('   ', {})).toEqual({ total: 0, counts: {}, results: [] });
  });

  it('when asked which kinds can filter, then catalog kinds in any case, templates and docs can', () => {
    expect(['component', 'API', 'Docs', 'user', 'template', 'Template'].every(isSearchKind)).toBe(true);
    expect(isSearchKind('spaceship')).toBe(false);
  });
});

describe('searching software templates', () => {
  const nodeService = template('node-service', {
    title: 'Node.js service',
    description: 'A TypeScript HTTP service with CI and a catalog entry',
    tags: ['starter', 'typescript'],
    owner: 'group:shop/platform',
    type: 'service',
  });

  it('when a template is indexed, then its name ranks it first, listed as a Template that links to its page', () => {
    const index = shop();
    index.upsertTemplate(nodeService);
    const { results, counts } = index.search('node-service', {});
    expect(results[0]).toMatchObject({
      type: 'template',
      kind: 'Template',
      namespace: 'shop',
      name: 'node-service',
      title: 'Node.js service',
      href: '/templates/shop/node-service',
      specType: 'service',
      owner: 'group:shop/platform',
      tags: ['starter', 'typescript'],
    });
    expect(counts.Template).toBe(1);
    expect(index.stats()).toMatchObject({ templates: 1, entities: 7 });
  });

  it('when its title, description, tag, owner or type is searched, then the template is found, and a kind filter keeps only templates', () => {
    const index = shop();
    index.upsertTemplate(nodeService);
    index.upsertTemplate(template('static-site', { description: 'A website from Markdown', type: 'website' }));
    for (const q of ['Node.js', 'catalog entry', 'starter', 'platform'])
      expect(
        `${q}: ${index
          .search(q, {})
          .results.map((r) => r.href)
          .join(' ')}`,
      ).toMatch(new RegExp(`^${q}: .*/templates/shop/node-service`));
    expect(index.search('website', { kind: 'template' }).results.map((r) => r.name)).toEqual(['static-site']);
    expect(index.search('checkout', { kind: 'Template' }).results).toEqual([]);
    expect(index.search('checkout', { kind: 'Template' }).total).toBe(0);
  });

  it('when a template changes or is deleted, then the index follows it', () => {
    const index = shop();
    index.upsertTemplate(nodeService);
    index.upsertTemplate({ ...nodeService, spec: { ...nodeService.spec, description: 'Now with gRPC' } });
    expect(index.search('grpc', {}).results.map((r) => r.href)).toEqual(['/templates/shop/node-service']);
    expect(index.search('catalog entry', { kind: 'template' }).results).toEqual([]);
    expect(index.stats().templates).toBe(1);
    index.removeTemplate('shop', 'node-service');
    index.removeTemplate('shop', 'node-service');
    expect(index.search('node-service', { kind: 'template' }).results).toEqual([]);
    expect(index.stats().templates).toBe(0);
  });
});

describe('highlight fragments', () => {
  it('when a long text matches in several places, then short excerpts around distinct terms come back in order', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const text = `${filler}alpha here ${filler}beta there ${filler}alpha again`;
    const fragments = highlightFragments(text, new Set(['alpha', 'beta']), { maxFragments: 2, radius: 30 });
    expect(fragments).toHaveLength(2);
    expect(fragments[0]).toMatch(/^….*<mark>alpha<\/mark> here.*…$/);
    expect(fragments[1]).toMatch(/<mark>beta<\/mark> there/);
    expect(fragments.every((f) => f.length < 120)).toBe(true);
  });
});

describe('keeping the index small under status churn', () => {
  it('when an entity is upserted again with only its status changed, then nothing is replaced; when its description changes, it is', () => {
    const index = new SearchIndex();
    const orders = component('orders', { description: 'Takes orders' });
    index.upsertEntity(orders);
    index.upsertEntity({
      ...orders,
      resourceVersion: '999',
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'Resolved', message: '', lastTransitionTime: '2026-11-24T10:00:00Z' }],
      },
    });
    expect(index.stats()).toMatchObject({ entities: 1, discarded: 0 });
    index.upsertEntity(component('orders', { description: 'Takes and tracks orders' }));
    expect(index.stats()).toMatchObject({ entities: 1, discarded: 1 });
    expect(index.search('tracks', {}).results.map((r) => r.title)).toEqual(['orders']);
  });
});
