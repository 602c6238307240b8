import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeGrpc } from '../../src/api-definitions/describe-grpc.ts';
import type { GrpcDescription } from '../../src/api-definitions/model.ts';
import type { DefinitionPath } from '../../src/http/ui/definition-view.ts';
import { grpcView } from '../../src/http/ui/grpc-pages.ts';
import { viewsEnvironment } from '../../src/http/views.ts';

const BASE = '/catalog/api/team-a/shop/definition';
const env = viewsEnvironment();

async function describedProto(text: string): Promise<GrpcDescription> {
  const result = await describeGrpc(text);
  if ('problems' in result || result.description.format !== 'grpc') throw new Error(`not described: ${JSON.stringify(result)}`);
  return JSON.parse(JSON.stringify(result.description)) as GrpcDescription;
}

function render(description: GrpcDescription, path: DefinitionPath = {}): string {
  const view = grpcView(description, path, BASE);
  if (!view) throw new Error(`no page at ${JSON.stringify(path)}`);
  return env.renderString(`{% include "${view.template}" %}`, { definition: view.definition });
}

/** The table row of a method or field, by the name in its first cell. */
const row = (html: string, name: string) => new RegExp(`<tr><th scope="row"><code>${name}</code>.*?</tr>`, 's').exec(html)?.[0] ?? '';

describe('the API tab of a gRPC definition', () => {
  let shop: GrpcDescription;
  let html: string;
  beforeAll(async () => {
    shop = await describedProto(readFileSync(join(import.meta.dirname, '../fixtures/api-definitions/shop.proto'), 'utf8'));
    html = render(shop);
  });

  it('when opened, then it says the syntax and package, and lists both services with their comments', () => {
    expect(html).toContain('gRPC · proto3 · package <code>acme.shop.v1</code>');
    expect(html).toContain('<article class="grpc-service" id="grpc-service-acme.shop.v1.CatalogService">');
    expect(html).toContain('<h3><code>acme.shop.v1.OrderService</code></h3>\n    <p class="api-text">Place and follow orders.</p>');
  });

  it('when a method streams, then "stream" marks the side that streams, and its types link to the messages below', () => {
    const watch = row(html, 'WatchPrices');
    expect(watch).toContain(
      '<td><span class="grpc-stream">stream</span> <code><a href="#grpc-message-acme.shop.v1.WatchPricesRequest">acme.shop.v1.WatchPricesRequest</a></code></td>',
    );
    expect(watch).toContain('<td><span class="grpc-stream">stream</span> <code><a href="#grpc-message-acme.shop.v1.Product.Price">');
    const list = row(html, 'ListProducts');
    expect(list.match(/grpc-stream/g)).toHaveLength(1);
    expect(list).toMatch(/<\/td>\s*<td><span class="grpc-stream">stream<\/span> <code><a href="#grpc-message-acme.shop.v1.Product">/);
    expect(row(html, 'GetProduct')).not.toContain('grpc-stream');
  });

  it('when opened, then every link on the page leads to an entry on it', () => {
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(10);
    for (const target of targets) expect(html).toContain(`id="${target}"`);
  });

  it('when a message has labels, a map, a oneof and a well-known type, then its field table shows each', () => {
    expect(row(html, 'prices')).toContain(
      '<span class="grpc-label">repeated</span> <code><a href="#grpc-message-acme.shop.v1.Product.Price">acme.shop.v1.Product.Price</a></code>',
    );
    expect(row(html, 'labels')).toContain('<code>map&lt;string, string&gt;</code>');
    expect(row(html, 'bank_transfer')).toContain('<span class="tag">oneof payment</span>');
    expect(row(html, 'placed_at')).toContain('<code>google.protobuf.Timestamp</code>');
    expect(row(html, 'status')).toContain('<a href="#grpc-enum-acme.shop.v1.Order.Status">');
    expect(row(html, 'description')).toContain('<span class="grpc-label">optional</span>');
  });

  it('when opened, then nested messages and enums have their own entries, with values and numbers', () => {
    expect(html).toContain('id="grpc-message-acme.shop.v1.Product.Price.Discount"');
    expect(row(html, 'IN_STOCK')).toContain('<td class="grpc-number">1</td><td><span class="api-text">In stock, ships today.</span></td>');
  });

  it('when a path names a section, then there is no such page', () => {
    expect(grpcView(shop, { section: 'messages', item: 'acme.shop.v1.Product' }, BASE)).toBeUndefined();
  });
});

describe('gRPC pages and hostile text', () => {
  it('when comments hold markup, then it comes out escaped, never as markup', async () => {
    const script = '<script>alert(1)</script>';
    const proto = `syntax = "proto3";\n// ${script}\nservice S {\n  // ${script}\n  rpc M(A) returns (A);\n}\n// ${script}\nmessage A {\n  // ${script}\n  string a = 1;\n}\n// ${script}\nenum E { E_UNSPECIFIED = 0; }`;
    const html = render(await describedProto(proto));
    expect(html).not.toContain('<script>');
    expect(html.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)).toHaveLength(5);
  });

  it('when a type is unresolved, then it shows as written, unlinked', async () => {
    const html = render(await describedProto('syntax = "proto3";\nmessage Cart { acme.Money total = 1; }'));
    expect(row(html, 'total')).toContain('<code>acme.Money</code>');
  });
});
