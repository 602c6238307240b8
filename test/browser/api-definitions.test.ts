import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { browsers, pageOpener, SCREENSHOTS, sidewaysOverflow } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { apply, condition, eventually, operators, statusOf } from '../support/operator.ts';

// Real-world definitions of each format on the API tab of a real operator, in Chromium:
// GitHub's REST description (13 MB, over a thousand operations) and GraphQL schema served
// from a definition server on an allowed host, ReadMe's Swagger 2.0 and OpenAPI 3.1 examples,
// an AsyncAPI 3 document, a .proto with services; and what a reader sees of a broken one and
// of one past the size limit.
const namespace = 'api-tab';
const start = operators(namespace);
const browser = browsers();
const newPage = pageOpener(browser);
const modules = (path: string) => readFileSync(new URL(`../../node_modules/${path}`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/api-definitions/${name}`, import.meta.url), 'utf8');
const MAX_BYTES = 16 * 1024 * 1024;

let server: Server;
let base = '';

const api = (name: string, type: string, spec: Record<string, unknown>) => ({
  kind: 'API',
  name,
  spec: { type, lifecycle: 'production', owner: 'team-apis', ...spec },
});

const tab = (name: string) => `${base}/catalog/api/${namespace}/${name}/definition`;

beforeAll(async () => {
  const files: Record<string, string> = {
    '/github.json': modules('@octokit/openapi/generated/api.github.com.json'),
    '/github.graphql': modules('@octokit/graphql-schema/schema.graphql'),
    '/too-big.yaml': `openapi: 3.0.3\n# ${'x'.repeat(MAX_BYTES)}\n`,
  };
  server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200).end(body);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await kubectl(['create', 'namespace', namespace]);
  await apply(
    namespace,
    { kind: 'Group', name: 'team-apis', spec: { type: 'team' } },
    api('github-rest', 'openapi', { definition: `${at}/github.json`, title: "GitHub's REST API" }),
    api('github-graphql', 'graphql', { definition: `${at}/github.graphql`, title: "GitHub's GraphQL API" }),
    api('petstore-swagger', 'openapi', { definition: modules('@readme/oas-examples/2.0/json/petstore.json') }),
    api('train-travel', 'openapi', { definition: modules('@readme/oas-examples/3.1/json/train-travel.json') }),
    api('order-events', 'asyncapi', { definition: fixture('order-events-3.0.yaml') }),
    api('shop-grpc', 'grpc', { definition: fixture('shop.proto') }),
    // The title written twice: YAML refuses a mapping with the same key twice, at the second one.
    api('broken', 'openapi', { definition: 'openapi: 3.0.3\ninfo:\n  title: Broken\n  title: Again\n  version: 1.0.0\npaths: {}\n' }),
    api('too-big', 'openapi', { definition: `${at}/too-big.yaml` }),
  );
  base = (
    await start({
      definitionAllowedHosts: ['127.0.0.1'],
      definitionAllowPrivateAddresses: true,
      definitionMaxBytes: MAX_BYTES,
      definitionMemoryMb: 1024,
    })
  ).url;
  for (const name of [
    'github-rest',
    'github-graphql',
    'petstore-swagger',
    'train-travel',
    'order-events',
    'shop-grpc',
    'broken',
    'too-big',
  ])
    await eventually(
      `${name}'s definition to be read`,
      async () => {
        const c = condition(await statusOf(namespace, 'apis', name), 'DefinitionResolved');
        return c && c.reason !== 'Reading' ? c : undefined;
      },
      180_000,
    );
}, 300_000);

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the API tab in Chromium', () => {
  it("when a reader opens GitHub's REST API, then its tags lead to their operations and one opens with its parameters and response schema", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/catalog/api/${namespace}/github-rest`);
    await page.click('nav.tabs >> text=API');
    await page.waitForURL(/\/definition$/);
    expect(await page.locator('.api-meta').textContent()).toMatch(/OpenAPI 3\.\d\.\d · \d{4} operations/);
    // Over a thousand operations: the tab lists tags, each with a page of its operations.
    await page.locator('.api-tag-link a', { hasText: /^repos$/ }).click();
    await page.waitForURL(/\/definition\/tags\/repos$/);
    await page.screenshot({ path: `${SCREENSHOTS}api-openapi-github.png` });
    await page
      .locator('.api-operations a', { hasText: /\/repos\/\{owner\}\/\{repo\}\s+Get a repository$/ })
      .first()
      .click();
    await page.waitForURL(/\/definition\/operations\//);
    const body = await page.locator('main').textContent();
    expect(body).toMatch(/owner/);
    expect(body).toMatch(/200/);
    await page.screenshot({ path: `${SCREENSHOTS}api-openapi-operation.png`, fullPage: true });
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("when a reader opens GitHub's GraphQL schema, then root fields link to their types and a type page shows its fields", async () => {
    const { page, errors } = await newPage();
    await page.goto(tab('github-graphql'));
    await page.locator('a[href$="/definition/types/Repository"]').first().click();
    await page.waitForURL(/\/definition\/types\/Repository$/);
    expect(await page.locator('main').textContent()).toMatch(/issues/);
    await page.screenshot({ path: `${SCREENSHOTS}api-graphql-type.png` });
    expect(errors).toEqual([]);
  });

  it('when a reader opens Swagger 2.0, OpenAPI 3.1, AsyncAPI and gRPC definitions, then each renders in its own terms', async () => {
    const { page } = await newPage();
    await page.goto(tab('petstore-swagger'));
    expect(await page.locator('.api-meta').textContent()).toMatch(/OpenAPI 2\.0/);
    await page.goto(tab('train-travel'));
    expect(await page.locator('.api-meta').textContent()).toMatch(/OpenAPI 3\.1/);
    await page.goto(tab('order-events'));
    expect(await page.locator('.api-definition.asyncapi').textContent()).toMatch(/orders/i);
    await page.screenshot({ path: `${SCREENSHOTS}api-asyncapi.png`, fullPage: true });
    await page.goto(tab('shop-grpc'));
    expect(await page.locator('.grpc-service').count()).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}api-grpc.png`, fullPage: true });
  });

  it('when a definition is broken or too big, then the tab says why, with the line or the limit, and renders nothing else', async () => {
    const { page } = await newPage();
    await page.goto(tab('broken'));
    const problem = page.locator('.definition-problem');
    expect(await problem.textContent()).toMatch(/DefinitionInvalid[\s\S]*line 4/);
    expect(await page.locator('.api-definition').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}api-broken.png` });
    await page.goto(tab('too-big'));
    expect(await page.locator('.definition-problem').textContent()).toMatch(/TooLarge[\s\S]*--definition-max-bytes/);
  });

  it('when a reader searches for an operation by its summary, then it is found and leads to its page', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/search?q=${encodeURIComponent('get a repository')}&kind=operation`);
    const hit = page.locator('.search-result a.search-title', { hasText: /^GET \/repos\/\{owner\}\/\{repo\}$/ }).first();
    await hit.click();
    await page.waitForURL(/\/catalog\/api\/api-tab\/github-rest\/definition\/operations\/[^/]+$/);
    expect(await page.locator('main').textContent()).toMatch(/Get a repository/);
  });
});
