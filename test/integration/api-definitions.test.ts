import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubectl } from '../support/kubectl.ts';
import { apply, condition, eventually, operators, statusOf } from '../support/operator.ts';

// API definitions on the real apiserver: the operator reads each API's definition from where
// it is kept (the API itself, a ConfigMap, a URL on an allowed host), describes it in a child
// process, says how that went in DefinitionResolved, and the dashboard renders it.
const namespace = 'api-definitions';
const start = operators(namespace);
const modules = (path: string) => readFileSync(new URL(`../../node_modules/${path}`, import.meta.url), 'utf8');
const githubSchema = modules('@octokit/graphql-schema/schema.graphql');
const petstore = modules('@readme/oas-examples/3.0/json/petstore.json');
const shopProto = readFileSync(new URL('../fixtures/api-definitions/shop.proto', import.meta.url), 'utf8');

const served: string[] = [];
let definitions: Server;
let port = 0;
let dashboard = '';

const definitionCondition = async (name: string) => condition(await statusOf(namespace, 'apis', name), 'DefinitionResolved');

/** Waits until an API's DefinitionResolved has `reason`, and returns it. */
const resolvedAs = (name: string, reason: string, timeoutMs = 60_000) =>
  eventually(
    `${name}'s DefinitionResolved to be ${reason}`,
    async () => {
      const c = await definitionCondition(name);
      return c?.reason === reason ? c : undefined;
    },
    timeoutMs,
  );

const page = async (path: string) => {
  const answer = await fetch(`${dashboard}${path}`);
  return { status: answer.status, html: await answer.text() };
};

const api = (name: string, spec: Record<string, unknown>) => ({
  kind: 'API',
  name,
  spec: { lifecycle: 'production', owner: 'team-shop', ...spec },
});

beforeAll(async () => {
  definitions = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/github.graphql') return res.writeHead(200).end(githubSchema);
    if (req.url === '/huge.yaml') return res.writeHead(200).end(`openapi: 3.0.3\n# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    res.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await once(definitions, 'listening');
  port = (definitions.address() as AddressInfo).port;
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['create', 'configmap', 'petstore', '-n', namespace, `--from-literal=openapi.json=${petstore}`]);
  await apply(
    namespace,
    { kind: 'Group', name: 'team-shop', spec: { type: 'team' } },
    api('shop-grpc', { type: 'grpc', definition: shopProto }),
    api('broken-graphql', { type: 'graphql', definition: 'type Query {\n  book(isbn: String!): Book\n  oops(: Int\n}\n' }),
    api('github-graphql', { type: 'graphql', definition: `http://127.0.0.1:${port}/github.graphql` }),
    api('elsewhere', { type: 'graphql', definition: `http://127.0.0.2:${port}/github.graphql` }),
    api('huge', { type: 'openapi', definition: `http://127.0.0.1:${port}/huge.yaml` }),
    api('petstore', { type: 'openapi', definitionFrom: { configMapKeyRef: { name: 'petstore', key: 'openapi.json' } } }),
    {
      kind: 'Component',
      name: 'shop',
      spec: { type: 'service', lifecycle: 'production', owner: 'team-shop', providesApis: ['shop-grpc'] },
    },
  );
  const operator = await start({
    definitionAllowedHosts: ['127.0.0.1'],
    definitionAllowPrivateAddresses: true,
    definitionMaxBytes: 2 * 1024 * 1024,
  });
  dashboard = operator.url;
}, 120_000);

afterAll(() => new Promise<void>((resolve) => definitions.close(() => resolve())));

describe('API definitions', () => {
  it('when an API carries its definition, then DefinitionResolved says what it holds and the API tab renders it', async () => {
    const resolved = await resolvedAs('shop-grpc', 'Described');
    expect(resolved.status).toBe('True');
    expect(resolved.message).toMatch(/^gRPC \(proto3\), 2 services, \d+ messages, read from spec\.definition/);
    const tab = await page(`/catalog/api/${namespace}/shop-grpc/definition`);
    expect(tab.status).toBe(200);
    expect(tab.html).toContain('grpc-message-');
  });

  it('when the definition does not parse, then DefinitionResolved is False with reason DefinitionInvalid and the line', async () => {
    const failed = await resolvedAs('broken-graphql', 'DefinitionInvalid');
    expect(failed.status).toBe('False');
    expect(failed.message).toMatch(/^spec\.definition: line 3, column \d+: Syntax Error/);
    const tab = await page(`/catalog/api/${namespace}/broken-graphql/definition`);
    expect(tab.html).toContain('The definition could not be read');
    expect(tab.html).toContain('line 3');
  });

  it("when the definition is at a URL on an allowed host, then it is fetched and GitHub's GraphQL schema renders with its types on their own pages", async () => {
    const resolved = await resolvedAs('github-graphql', 'Described');
    expect(resolved.message).toMatch(/^GraphQL, \d{4} types, read from http:\/\/127\.0\.0\.1:\d+\/github\.graphql/);
    const tab = await page(`/catalog/api/${namespace}/github-graphql/definition`);
    expect(tab.html).toContain(`/catalog/api/${namespace}/github-graphql/definition/types/Repository`);
    const repository = await page(`/catalog/api/${namespace}/github-graphql/definition/types/Repository`);
    expect(repository.status).toBe(200);
    expect(repository.html).toContain('issues');
    expect((await page(`/catalog/api/${namespace}/github-graphql/definition/types/NoSuchType`)).status).toBe(404);
  });

  it('when the URL names a host that is not allowed, then nothing is fetched and the reason is HostNotAllowed', async () => {
    const refused = await resolvedAs('elsewhere', 'HostNotAllowed');
    expect(refused.message).toContain('host 127.0.0.2 is not in the API definition allow-list (--definition-allowed-hosts)');
    expect(served.filter((url) => url === '/github.graphql')).toHaveLength(1);
  });

  it('when the definition is larger than --definition-max-bytes, then it is not read and the tab says so', async () => {
    const refused = await resolvedAs('huge', 'TooLarge');
    expect(refused.message).toContain(`is larger than ${2 * 1024 * 1024} bytes (--definition-max-bytes)`);
    const tab = await page(`/catalog/api/${namespace}/huge/definition`);
    expect(tab.html).toContain('--definition-max-bytes');
  });

  it('when the definition is in a ConfigMap key, then it is read from there, and a change of the key is picked up', async () => {
    const resolved = await resolvedAs('petstore', 'Described');
    expect(resolved.message).toContain(`read from ConfigMap ${namespace}/petstore, key openapi.json`);
    await kubectl([
      'patch',
      'configmap',
      'petstore',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { 'openapi.json': '{"openapi": ' } }),
    ]);
    const failed = await resolvedAs('petstore', 'DefinitionInvalid', 120_000);
    expect(failed.message).toContain('The last definition read is still shown.');
  }, 150_000);

  it("when a Component provides an API, then its page lists the API's methods, and search finds them", async () => {
    await resolvedAs('shop-grpc', 'Described');
    const component = await page(`/catalog/component/${namespace}/shop`);
    expect(component.html).toContain(`/catalog/api/${namespace}/shop-grpc/definition`);
    const hits = (await (await fetch(`${dashboard}/api/v1/search?q=repository&kind=operation`)).json()) as {
      results: { title: string; href: string }[];
    };
    expect(hits.results.map((r) => r.title)).toContain('Query.repository');
  });

  it('when the definition is fixed, then DefinitionResolved turns True; when it is removed, then the condition goes', async () => {
    await apply(namespace, api('broken-graphql', { type: 'graphql', definition: 'type Query {\n  book(isbn: String!): String\n}\n' }));
    await resolvedAs('broken-graphql', 'Described');
    await apply(namespace, api('broken-graphql', { type: 'graphql' }));
    await eventually('the condition to go', async () => ((await definitionCondition('broken-graphql')) === undefined ? true : undefined));
    // The catalog's own conditions stay.
    expect(condition(await statusOf(namespace, 'apis', 'broken-graphql'), 'Ready')?.status).toBe('True');
  });
});
