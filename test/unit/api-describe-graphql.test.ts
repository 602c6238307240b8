import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeGraphQl, GRAPHQL_PARSE_LIMITS } from '../../src/api-definitions/describe-graphql.ts';
import { DESCRIPTION_LIMITS, type DescribeResult, type GraphQlDescription } from '../../src/api-definitions/model.ts';

const GITHUB_SCHEMA = join(import.meta.dirname, '../../node_modules/@octokit/graphql-schema/schema.graphql');

function described(result: DescribeResult): GraphQlDescription {
  if ('problems' in result) throw new Error(`expected a description, got ${JSON.stringify(result.problems)}`);
  if (result.description.format !== 'graphql') throw new Error(`expected graphql, got ${result.description.format}`);
  return result.description;
}

const typeNamed = (d: GraphQlDescription, name: string) => {
  const type = d.types.find((t) => t.name === name);
  if (!type) throw new Error(`no type ${name} among ${d.types.map((t) => t.name).join(', ')}`);
  return type;
};

const SHOP = `
"""Anything with a global id."""
interface Node { id: ID! }

"""
A product.
Sold by the piece.
"""
type Product implements Node {
  id: ID!
  name: String!
  "Prices in every currency."
  prices(currencies: [Currency!] = [EUR], first: Int = 10): [Price!]!
  sku: String @deprecated(reason: "Use \`id\`.")
}

type Price { amount: Int! currency: Currency! }

type Shelf implements Node { id: ID! products: [Product] }

union SearchResult = Shelf | Product

enum Currency {
  EUR
  "Dollars."
  USD
  GBP @deprecated(reason: "Not sold in pounds any more.")
}

input ProductFilter { name: String, first: Int = 20, currency: Currency = EUR }

type Query {
  product(id: ID!): Product
  search(text: String!, filter: ProductFilter): [SearchResult!]!
}

type Mutation { renameProduct(id: ID!, name: String!): Product }

type Subscription { priceChanged(productId: ID!): Price }
`;

describe('describing a GraphQL schema', () => {
  it('when the SDL has no schema block, then Query, Mutation and Subscription are the roots', async () => {
    const d = described(await describeGraphQl(SHOP));
    expect(d.roots).toEqual({ query: 'Query', mutation: 'Mutation', subscription: 'Subscription' });
  });

  it('when a schema block names the roots, then those are the roots', async () => {
    const d = described(await describeGraphQl('schema { query: Root }\ntype Root { ping: Boolean }'));
    expect(d.roots).toEqual({ query: 'Root' });
  });

  it('when described, then the types are sorted by name and neither built-in scalars nor introspection types are listed', async () => {
    const names = described(await describeGraphQl(SHOP)).types.map((t) => t.name);
    expect(names).toEqual([
      'Currency',
      'Mutation',
      'Node',
      'Price',
      'Product',
      'ProductFilter',
      'Query',
      'SearchResult',
      'Shelf',
      'Subscription',
    ]);
  });

  it('when a field has arguments, then each comes with its type as SDL prints it, its named type and its default as written', async () => {
    const product = typeNamed(described(await describeGraphQl(SHOP)), 'Product');
    expect(product.kind).toBe('object');
    expect(product.description).toBe('A product.\nSold by the piece.');
    expect(product.fields.map((f) => f.name)).toEqual(['id', 'name', 'prices', 'sku']);
    const prices = product.fields.find((f) => f.name === 'prices');
    expect(prices).toMatchObject({ type: '[Price!]!', namedType: 'Price', description: 'Prices in every currency.' });
    expect(prices?.args).toEqual([
      { name: 'currencies', type: '[Currency!]', namedType: 'Currency', defaultValue: '[EUR]' },
      { name: 'first', type: 'Int', namedType: 'Int', defaultValue: '10' },
    ]);
    expect(product.fields.find((f) => f.name === 'sku')?.deprecationReason).toBe('Use `id`.');
    expect(product.interfaces).toEqual(['Node']);
  });

  it('when a type is a union or an interface, then its possible types are the members as written or the implementations', async () => {
    const d = described(await describeGraphQl(SHOP));
    expect(typeNamed(d, 'SearchResult')).toMatchObject({ kind: 'union', possibleTypes: ['Shelf', 'Product'] });
    expect(typeNamed(d, 'Node')).toMatchObject({ kind: 'interface', possibleTypes: ['Product', 'Shelf'] });
  });

  it('when a type is an enum or an input, then its values and its input fields with defaults are listed', async () => {
    const d = described(await describeGraphQl(SHOP));
    expect(typeNamed(d, 'Currency').enumValues).toEqual([
      { name: 'EUR' },
      { name: 'USD', description: 'Dollars.' },
      { name: 'GBP', deprecationReason: 'Not sold in pounds any more.' },
    ]);
    const filter = typeNamed(d, 'ProductFilter');
    expect(filter.kind).toBe('input');
    expect(filter.fields.map((f) => [f.name, f.type, f.defaultValue])).toEqual([
      ['name', 'String', undefined],
      ['first', 'Int', '20'],
      ['currency', 'Currency', 'EUR'],
    ]);
  });

  it('when a description is longer than the limit, then it is cut with an ellipsis', async () => {
    const long = 'x'.repeat(DESCRIPTION_LIMITS.maxDescriptionChars + 500);
    const d = described(await describeGraphQl(`"""${long}"""\ntype Query { a: Int }`));
    expect(typeNamed(d, 'Query').description).toBe(`${'x'.repeat(DESCRIPTION_LIMITS.maxDescriptionChars)}…`);
  });
});

describe("describing GitHub's published schema", () => {
  let result: DescribeResult;
  beforeAll(async () => {
    result = await describeGraphQl(readFileSync(GITHUB_SCHEMA, 'utf8'));
  });

  it('when described, then its roots are Query and Mutation and it has well over a thousand types', () => {
    const d = described(result);
    expect(d.roots).toEqual({ query: 'Query', mutation: 'Mutation' });
    expect(d.types.length).toBeGreaterThan(1000);
    expect(d.types.some((t) => t.name === 'String' || t.name.startsWith('__'))).toBe(false);
  });

  it("when Repository is read, then its issues field has the connection's arguments", () => {
    const issues = typeNamed(described(result), 'Repository').fields.find((f) => f.name === 'issues');
    expect(issues).toMatchObject({ type: 'IssueConnection!', namedType: 'IssueConnection' });
    expect(issues?.args.map((a) => a.name)).toEqual(expect.arrayContaining(['first', 'after', 'states', 'orderBy', 'labels']));
    expect(issues?.args.find((a) => a.name === 'states')).toMatchObject({ type: '[IssueState!]', namedType: 'IssueState' });
  });

  it('when the schema defines a field twice, then a warning says so at its line and the types are still listed', () => {
    if ('problems' in result) throw new Error('expected a description');
    const text = readFileSync(GITHUB_SCHEMA, 'utf8').split('\n');
    const twice = result.warnings.find((w) => /can only be defined once/.test(w.message));
    expect(twice?.message).toContain('EnterpriseOwnerInfo.repositoryDeployKeySetting');
    expect(text[(twice?.line ?? 0) - 1]).toMatch(/^\s*repositoryDeployKeySetting\b/);
  });
});

describe('a GraphQL schema with mistakes', () => {
  it('when the SDL is not valid syntax, then a problem names the line and column', async () => {
    const result = await describeGraphQl('type Query {\n  a: Int\n  b: [String\n}\n');
    expect(result).toEqual({ problems: [{ message: expect.stringContaining('Syntax Error'), line: 4, column: 1 }] });
  });

  it('when a field names a type defined nowhere, then a warning names it and its line, and the field shows it unlinked', async () => {
    const result = await describeGraphQl('type Query {\n  me: User\n  money: Money!\n}\n');
    const d = described(result);
    expect('warnings' in result && result.warnings).toEqual([
      { message: 'Unknown type "User".', line: 2, column: 7 },
      { message: 'Unknown type "Money".', line: 3, column: 10 },
    ]);
    expect(typeNamed(d, 'Query').fields.map((f) => f.type)).toEqual(['User', 'Money!']);
    expect(d.types.map((t) => t.name)).toEqual(['Query']);
  });

  it('when a type is only extended, as a federated subgraph does, then the extension stands as its definition with a warning', async () => {
    const result = await describeGraphQl('type Query { me: User }\nextend type User @key(fields: "id") { id: ID! }');
    expect(typeNamed(described(result), 'User').fields.map((f) => f.name)).toEqual(['id']);
    expect('warnings' in result && result.warnings).toContainEqual({
      message: 'Cannot extend type "User" because it is not defined.',
      line: 2,
      column: 13,
    });
  });

  it('when the document is a query rather than a schema, then it is a problem', async () => {
    const result = await describeGraphQl('query { viewer { login } }');
    expect(result).toEqual({ problems: [{ message: expect.stringContaining('no GraphQL type') }] });
  });

  it('when the schema lacks a query type, then a warning says so and its types are listed', async () => {
    const result = await describeGraphQl('type Thing { a: Int }');
    expect(described(result).types.map((t) => t.name)).toEqual(['Thing']);
    expect('warnings' in result && result.warnings).toEqual([{ message: 'Query root type must be provided.' }]);
  });
});

describe('a hostile GraphQL schema', () => {
  it('when a type is nested far deeper than any schema needs, then it is a problem, not a crash', async () => {
    const deep = 100_000;
    const result = await describeGraphQl(`type Query { a: ${'['.repeat(deep)}Int${']'.repeat(deep)} }`);
    expect(result).toEqual({ problems: [{ message: expect.stringContaining('nested too deeply') }] });
  });

  it('when the document has more tokens than the bound, then parsing stops with a problem', async () => {
    const fields = Math.ceil(GRAPHQL_PARSE_LIMITS.maxLexicalTokens / 3) + 1;
    const result = await describeGraphQl(`type Query { ${'a: Int '.repeat(fields)}}`);
    expect(result).toEqual({ problems: [expect.objectContaining({ message: expect.stringContaining('token') })] });
  });

  describe('when the schema points at files and URLs', () => {
    let server: Server;
    let requests = 0;
    let url = '';
    beforeAll(async () => {
      server = createServer((_, res) => {
        requests += 1;
        res.end('type Stolen { secret: String }');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('then nothing is read or fetched: imports and links stay text', async () => {
      const sdl = [
        '# import * from "file:///etc/passwd"',
        `# import * from "${url}"`,
        `extend schema @link(url: "${url}", import: ["@key"])`,
        'directive @link(url: String!, import: [String!]) repeatable on SCHEMA',
        `type Query { "See ${url}" me: Stolen }`,
      ].join('\n');
      const result = await describeGraphQl(sdl);
      expect(requests).toBe(0);
      expect(JSON.stringify(result)).not.toMatch(/root:|secret/);
      expect('warnings' in result && result.warnings).toContainEqual(
        expect.objectContaining({ message: expect.stringContaining('Unknown type "Stolen"'), line: 5 }),
      );
    });
  });
});
