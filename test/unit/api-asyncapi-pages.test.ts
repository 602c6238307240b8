import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeAsyncApi } from '../../src/api-definitions/describe-asyncapi.ts';
import type { AsyncApiDescription, DescribeResult } from '../../src/api-definitions/model.ts';
import { asyncApiView } from '../../src/http/ui/asyncapi-pages.ts';
import type { DefinitionView } from '../../src/http/ui/definition-view.ts';
import { viewsEnvironment } from '../../src/http/views.ts';
import { projectRoot } from '../../src/shared/paths.ts';

const BASE = '/catalog/api/shop/order-events/definition';
const env = viewsEnvironment();

function render(view: DefinitionView | undefined): string {
  if (!view) throw new Error('expected a page, got a 404');
  return env.renderString('{% include view.template %}', { view, definition: view.definition });
}

function asyncApi(result: DescribeResult): AsyncApiDescription {
  if (!('description' in result) || result.description.format !== 'asyncapi') throw new Error(JSON.stringify(result));
  return result.description;
}

/** The HTML of the element with id `id`, up to its closing </article>. */
function article(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no element ${id}`);
  return html.slice(start, html.indexOf('</article>', start));
}

describe('the API tab of the order events (AsyncAPI 3.0)', () => {
  let events: AsyncApiDescription;
  let html: string;
  beforeAll(async () => {
    events = asyncApi(
      await describeAsyncApi(readFileSync(join(projectRoot(), 'test', 'fixtures', 'api-definitions', 'order-events-3.0.yaml'), 'utf8')),
    );
    html = render(asyncApiView(events, {}, BASE));
  }, 30_000);

  it('when opened, then it shows the title, versions, description and servers', () => {
    expect(html).toContain('<h2 id="api-h">Order events <span class="muted">2.0.0</span></h2>');
    expect(html).toContain('AsyncAPI 3.0.0 · 3 channels · 3 messages');
    expect(html).toContain(
      '<p class="definition-text">Events of the order service.\nEvery event carries a correlation id in its headers.\n</p>',
    );
    expect(html).toContain(
      '<th scope="row">production</th><td><code>kafka-secure://kafka.shop.example.com:9093/</code></td><td>kafka-secure 3.6</td>',
    );
  });

  it('when opened, then each channel shows its address, parameters, servers, operations and messages', () => {
    const created = article(html, 'channel-1');
    expect(created).toContain('<code class="api-path">orders.{region}.created</code> <span class="muted">orderCreated</span>');
    expect(created).toContain('<code>region</code>');
    expect(created).toContain('One of <code>&quot;eu&quot;</code>, <code>&quot;us&quot;</code>, <code>&quot;apac&quot;</code>');
    expect(created).toContain('On <code>production</code>, <code>staging</code>');
    expect(created).toContain('<span class="action action-send">send</span> <strong>publishOrderCreated</strong>');
    expect(created).toContain('<a href="#message-1">Order created</a>');
    expect(article(html, 'channel-3')).toContain(
      '<span class="action action-receive">receive</span> <strong>receivePaymentCaptured</strong>',
    );
  });

  it('when opened, then each message shows its payload and headers schemas, with links to named schemas, and its examples', () => {
    const created = article(html, 'message-1');
    expect(created).toContain('<h4>Order created <span class="muted">orderCreated</span></h4>');
    expect(created).toContain('<a href="#channel-1"><code>orders.{region}.created</code></a>');
    expect(created).toContain(
      `<h5>Payload</h5><div class="schema">\n  <p class="schema-head"><a class="schema-ref" href="${BASE}/schemas/Order">Order</a></p>`,
    );
    expect(created).toContain(`<a class="schema-ref" href="${BASE}/schemas/EventHeaders">EventHeaders</a>`);
    expect(created).toContain('Example <code>two-books</code> <span class="muted">Two books, shipped to Berlin</span>');
    expect(created).toContain('&quot;id&quot;: &quot;ord-1001&quot;');
    const changed = article(html, 'message-2');
    expect(changed).toContain('<code>reason</code>');
    expect(changed).toContain('<li>maxLength 500</li>');
  });

  it('when a named schema is opened, then it is expanded with what uses it', () => {
    const view = asyncApiView(events, { section: 'schemas', item: 'Order' }, BASE);
    expect(view?.title).toBe('Order');
    const page = render(view);
    expect(page).toContain('<code>lines</code>');
    expect(page).toContain(
      `<span class="schema-type">array of</span> <a class="schema-ref" href="${BASE}/schemas/OrderLine">OrderLine</a>`,
    );
    expect(page).toContain('<li>pattern ^ord-[0-9]+$</li>');
    expect(page).toContain(`<li><a href="${BASE}#message-1">Message Order created</a></li>`);
  });

  it.each([
    ['an unknown schema', { section: 'schemas', item: 'Nope' }],
    ['a schema named after an Object.prototype member', { section: 'schemas', item: 'toString' }],
    ['an operation (AsyncAPI has everything on the tab)', { section: 'operations', item: 'publishOrderCreated' }],
    ['an item without a section', { item: 'Order' }],
  ])('when %s is asked for, then there is no page (a 404)', (_what, path) => {
    expect(asyncApiView(events, path, BASE)).toBeUndefined();
  });
});

describe('what an AsyncAPI author writes is escaped', () => {
  it('when titles, addresses, descriptions and examples hold markup, then it comes out as text', async () => {
    const text = JSON.stringify({
      asyncapi: '3.0.0',
      info: { title: '<b>Evil</b>', version: '1', description: '<script>alert(1)</script>' },
      channels: {
        c: {
          address: 'a/<img src=x onerror=alert(2)>',
          messages: {
            m: {
              name: '<i>m</i>',
              payload: { type: 'string', description: '<script>alert(3)</script>' },
              examples: [{ payload: '<script>alert(4)</script>' }],
            },
          },
        },
      },
      operations: { o: { action: 'send', channel: { $ref: '#/channels/c' }, summary: '<script>alert(5)</script>' } },
    });
    const page = render(asyncApiView(asyncApi(await describeAsyncApi(text)), {}, BASE));
    expect(page).not.toMatch(/<script|<img|<b>|<i>/);
    for (const n of [1, 3, 4, 5]) expect(page).toContain(`&lt;script&gt;alert(${n})&lt;/script&gt;`);
    expect(page).toContain('a/&lt;img src=x onerror=alert(2)&gt;');
  }, 30_000);
});
