import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeGraphQl } from '../../src/api-definitions/describe-graphql.ts';
import type { GraphQlDescription } from '../../src/api-definitions/model.ts';
import { definitionHref, type DefinitionPath } from '../../src/http/ui/definition-view.ts';
import { graphQlView, USED_BY_LISTED } from '../../src/http/ui/graphql-pages.ts';
import { viewsEnvironment } from '../../src/http/views.ts';

const BASE = '/catalog/api/team-a/shop/definition';
const env = viewsEnvironment();

async function describedSdl(sdl: string): Promise<GraphQlDescription> {
  const result = await describeGraphQl(sdl);
  if ('problems' in result || result.description.format !== 'graphql') throw new Error(`not described: ${JSON.stringify(result)}`);
  // What the pages get went through JSON: the operator stores it, every replica reads it back.
  return JSON.parse(JSON.stringify(result.description)) as GraphQlDescription;
}

function render(description: GraphQlDescription, path: DefinitionPath = {}): string {
  const view = graphQlView(description, path, BASE);
  if (!view) throw new Error(`no page at ${JSON.stringify(path)}`);
  return env.renderString(`{% include "${view.template}" %}`, { definition: view.definition });
}

const typeHref = (name: string) => definitionHref(BASE, 'types', name);

const SHOP = `
"""Anything with a global id."""
interface Node { id: ID! }

"""
A product.
Sold by the piece.
"""
type Product implements Node {
  id: ID!
  "Prices in every currency."
  prices(currencies: [Currency!] = [EUR], first: Int = 10): [Price!]!
  sku: String @deprecated(reason: "Use id.")
}
type Price { amount: Int! currency: Currency! }
type Shelf implements Node { id: ID! products: [Product] }
union SearchResult = Shelf | Product
enum Currency { EUR "Dollars." USD GBP @deprecated(reason: "Not sold in pounds.") }
input ProductFilter { name: String, first: Int = 20 }
type Query {
  """
  One product by its id.
  Looked up by global id, never by SKU.
  """
  product(id: ID!): Product
  search(text: String!, filter: ProductFilter): [SearchResult!]!
  oldSearch(text: String!): [SearchResult!]! @deprecated(reason: "Use search.")
}
type Mutation { renameProduct(id: ID!, name: String!): Product }
type Subscription { priceChanged(productId: ID!): Price }
`;

describe('the API tab of a GraphQL schema', () => {
  let shop: GraphQlDescription;
  let html: string;
  beforeAll(async () => {
    shop = await describedSdl(SHOP);
    html = render(shop);
  });

  it('when opened, then queries, mutations and subscriptions are listed with their one-line signatures', () => {
    expect(html).toMatch(/<h2 id="gql-query-h">Queries <span class="muted">3 on <a href="[^"]+\/types\/Query">Query<\/a>/);
    expect(html).toContain('Mutations');
    expect(html).toContain('Subscriptions');
    expect(html).toContain(
      `<a href="${typeHref('Query')}#field-product">product</a>(id: ID!): <a href="${typeHref('Product')}">Product</a>`,
    );
    expect(html).toContain(
      `search</a>(text: String!, filter: <a href="${typeHref('ProductFilter')}">ProductFilter</a>): [<a href="${typeHref('SearchResult')}">SearchResult</a>!]!`,
    );
  });

  it('when a root field has a description, then its first line shows as an excerpt; a deprecated one says so', () => {
    expect(html).toContain('<span class="gql-excerpt">One product by its id.</span>');
    expect(html).not.toContain('never by SKU');
    expect(render(shop, { section: 'types', item: 'Query' })).toContain(
      '<p class="api-text">One product by its id.\nLooked up by global id, never by SKU.</p>',
    );
    expect(html).toMatch(
      /<li class="deprecated"><code class="gql-signature"><a [^>]+>oldSearch<\/a>.*<span class="badge wait">deprecated<\/span>/,
    );
  });

  it('when opened, then every type is in the index under its kind, linked to its page, and built-in scalars are not', () => {
    for (const [heading, names] of [
      ['Objects', ['Mutation', 'Price', 'Product', 'Query', 'Shelf', 'Subscription']],
      ['Interfaces', ['Node']],
      ['Unions', ['SearchResult']],
      ['Enums', ['Currency']],
      ['Input objects', ['ProductFilter']],
    ] as const) {
      const group = new RegExp(`<h3>${heading} <span class="muted">${names.length}</span></h3>\\s*<ul class="gql-index">(.*?)</ul>`).exec(
        html,
      )?.[1];
      expect(group).toBe(names.map((n) => `<li><a href="${typeHref(n)}">${n}</a></li>`).join(''));
    }
    expect(html).not.toContain(typeHref('String'));
  });

  it('when the path names a section or type the schema does not have, then there is no page', () => {
    expect(graphQlView(shop, { section: 'types', item: 'Nope' }, BASE)).toBeUndefined();
    expect(graphQlView(shop, { section: 'types', item: 'String' }, BASE)).toBeUndefined();
    expect(graphQlView(shop, { section: 'operations', item: 'Query' }, BASE)).toBeUndefined();
  });
});

describe('the page of one GraphQL type', () => {
  let shop: GraphQlDescription;
  beforeAll(async () => {
    shop = await describedSdl(SHOP);
  });

  it('when an object type is opened, then its page is titled by it, with its description, interfaces, fields, arguments and defaults', () => {
    expect(graphQlView(shop, { section: 'types', item: 'Product' }, BASE)?.title).toBe('Product');
    const html = render(shop, { section: 'types', item: 'Product' });
    expect(html).toContain(`<a href="${BASE}">Schema</a> › Object`);
    expect(html).toContain('<p class="api-text">A product.\nSold by the piece.</p>');
    expect(html).toContain(`Implements <code><a href="${typeHref('Node')}">Node</a></code>`);
    expect(html).toContain(`<li id="field-prices">`);
    expect(html).toContain(`<strong>prices</strong>: [<a href="${typeHref('Price')}">Price</a>!]!`);
    expect(html).toContain(`<code>currencies: [<a href="${typeHref('Currency')}">Currency</a>!] = [EUR]</code>`);
    expect(html).toContain('<code>first: Int = 10</code>');
    expect(html).toMatch(
      /<li id="field-sku" class="deprecated">.*<span class="badge wait">deprecated<\/span><p class="gql-deprecation">Use id.<\/p>/s,
    );
  });

  it('when a type is used by fields and arguments, then "used by" links each to its entry on its type', () => {
    const product = render(shop, { section: 'types', item: 'Product' });
    expect(product).toContain(`<a href="${typeHref('Query')}#field-product">Query.product</a>`);
    expect(product).toContain(`<a href="${typeHref('Shelf')}#field-products">Shelf.products</a>`);
    const filter = render(shop, { section: 'types', item: 'ProductFilter' });
    expect(filter).toContain(`<a href="${typeHref('Query')}#field-search">Query.search</a>(filter)`);
    expect(filter).toContain('Input fields');
    expect(filter).toContain('<code class="gql-signature"><strong>first</strong>: Int = 20</code>');
  });

  it('when a union, an interface or an enum is opened, then its members, implementations or values are listed', () => {
    const union = render(shop, { section: 'types', item: 'SearchResult' });
    expect(union).toContain(
      `Members <span class="muted">2</span>: <code><a href="${typeHref('Shelf')}">Shelf</a></code>, <code><a href="${typeHref('Product')}">Product</a></code>`,
    );
    expect(render(shop, { section: 'types', item: 'Node' })).toContain(
      `Implemented by <span class="muted">2</span>: <code><a href="${typeHref('Product')}">Product</a></code>`,
    );
    const currency = render(shop, { section: 'types', item: 'Currency' });
    expect(currency).toContain('<code><strong>USD</strong></code><p class="api-text">Dollars.</p>');
    expect(currency).toMatch(
      /<li class="deprecated"><code><strong>GBP<\/strong><\/code> <span class="badge wait">deprecated<\/span><p class="gql-deprecation">Not sold in pounds.<\/p>/,
    );
  });

  it('when a root type is opened, then the page says which root it is', () => {
    expect(render(shop, { section: 'types', item: 'Mutation' })).toContain('<span class="badge ok">mutation root</span>');
  });

  it('when a type is used by more fields than are listed, then the rest are counted', async () => {
    const many = USED_BY_LISTED + 25;
    const fields = Array.from({ length: many }, (_, i) => `f${i}: Thing`).join('\n');
    const html = render(await describedSdl(`type Thing { a: Int }\ntype Query {\n${fields}\n}`), { section: 'types', item: 'Thing' });
    expect(html).toContain(`Used by <span class="muted">${many}</span>`);
    expect(html.match(/<li><code><a href="[^"]+#field-f\d+">/g)).toHaveLength(USED_BY_LISTED);
    expect(html).toContain('and 25 more');
  });

  it('when a field names a type defined nowhere, then it shows as text, not as a link to a missing page', async () => {
    const html = render(await describedSdl('type Query { me: User }'), { section: 'types', item: 'Query' });
    expect(html).toContain('<strong>me</strong>: User</code>');
  });
});

describe('GraphQL pages and hostile text', () => {
  it('when descriptions, deprecation reasons and defaults hold markup, then it comes out escaped, never as markup', async () => {
    const script = '<script>alert(1)</script>';
    const sdl = `"""${script}"""\ntype Query {\n  "${script}"\n  a(x: String = "${script}"): Int @deprecated(reason: "${script}")\n}`;
    const description = await describedSdl(sdl);
    for (const html of [render(description), render(description, { section: 'types', item: 'Query' })]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe("GitHub's schema on the API tab", () => {
  let github: GraphQlDescription;
  beforeAll(async () => {
    github = await describedSdl(
      readFileSync(join(import.meta.dirname, '../../node_modules/@octokit/graphql-schema/schema.graphql'), 'utf8'),
    );
  });

  it('when the tab is opened, then the mutations are all there and the index of types is a page of its own linking every type once', () => {
    const html = render(github);
    expect(html).toContain(`<a href="${BASE}/types">All ${github.types.length} types, by kind →</a>`);
    const index = render(github, { section: 'types' });
    expect(index.match(/<li><a href="[^"]+">/g)).toHaveLength(github.types.length);
    const mutations = github.types.find((t) => t.name === 'Mutation')?.fields.length;
    expect(html).toContain(`Mutations <span class="muted">${mutations} on`);
  });

  it('when Repository is opened, then issues shows its arguments and "used by" is capped', () => {
    const html = render(github, { section: 'types', item: 'Repository' });
    expect(html).toContain(`<strong>issues</strong>: <a href="${typeHref('IssueConnection')}">IssueConnection</a>!`);
    expect(html).toContain(`<code>states: [<a href="${typeHref('IssueState')}">IssueState</a>!]</code>`);
    expect(html.match(/<ul class="gql-used-by">.*?<\/ul>/s)?.[0].match(/<li>/g)).toHaveLength(USED_BY_LISTED);
    expect(html).toMatch(/and \d+ more/);
  });
});
