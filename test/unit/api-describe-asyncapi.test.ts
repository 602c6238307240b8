import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeAsyncApi } from '../../src/api-definitions/describe-asyncapi.ts';
import type { AsyncApiDescription, DefinitionProblem, DescribeResult } from '../../src/api-definitions/model.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { countingServer, type CountingServer } from '../support/counting-server.ts';

const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'api-definitions');

function described(result: DescribeResult): { description: AsyncApiDescription; warnings: DefinitionProblem[] } {
  if (!('description' in result)) throw new Error(`expected a description, got problems: ${JSON.stringify(result.problems)}`);
  if (result.description.format !== 'asyncapi') throw new Error(`expected AsyncAPI, got ${result.description.format}`);
  return { description: result.description, warnings: result.warnings };
}

function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}

/** What both fixtures say alike: the same order events in v2.6's and v3.0's words. */
function expectOrderEvents(d: AsyncApiDescription): void {
  expect(d.title).toBe('Order events');
  expect(d.description).toBe('Events of the order service.\nEvery event carries a correlation id in its headers.\n');
  expect(d.servers.map((s) => [s.id, s.protocol, s.description])).toEqual([
    ['production', 'kafka-secure', 'The production cluster (TLS).'],
    ['staging', 'kafka', 'Staging, reset every night.'],
  ]);
  expect(d.servers[0]?.protocolVersion).toBe('3.6');
  expect(d.channels.map((c) => c.address)).toEqual([
    'orders.{region}.created',
    'orders.{region}.status-changed',
    'payments.{region}.captured',
  ]);
  const created = d.channels[0];
  expect(created?.description).toBe('An order was placed in a region.');
  expect(created?.parameters.map((p) => [p.name, p.description, p.schema?.type, p.schema?.enum])).toEqual([
    ['region', 'Where the order was placed.', 'string', ['"eu"', '"us"', '"apac"']],
  ]);
  expect(created?.servers).toEqual(['production', 'staging']);
  expect(d.channels[2]?.servers).toEqual(['production']);
  expect(d.operations.map((o) => [o.id, o.action, d.channels.find((c) => c.id === o.channel)?.address, o.messages])).toEqual([
    ['publishOrderCreated', 'send', 'orders.{region}.created', ['orderCreated']],
    ['publishOrderStatusChanged', 'send', 'orders.{region}.status-changed', ['orderStatusChanged']],
    ['receivePaymentCaptured', 'receive', 'payments.{region}.captured', ['paymentCaptured']],
  ]);
  expect(d.operations[0]?.summary).toBe('The order service tells everyone an order was placed.');
  expect(d.channels.map((c) => c.messages)).toEqual([['orderCreated'], ['orderStatusChanged'], ['paymentCaptured']]);

  const [orderCreated, statusChanged, paymentCaptured] = d.messages;
  expect(orderCreated).toMatchObject({
    id: 'orderCreated',
    name: 'OrderCreated',
    title: 'Order created',
    summary: 'A customer placed an order.',
    contentType: 'application/json',
    payload: { ref: 'Order' },
    headers: { ref: 'EventHeaders' },
  });
  expect(orderCreated?.examples).toHaveLength(1);
  expect(orderCreated?.examples[0]).toMatchObject({ name: 'two-books', summary: 'Two books, shipped to Berlin' });
  expect(JSON.parse(orderCreated?.examples[0]?.value ?? '')).toMatchObject({
    headers: { correlationId: '4f1c9a7e-2b1d-4c55-9b1e-3f1a2c3d4e5f' },
    payload: { id: 'ord-1001', lines: [{ sku: 'BOOK-42', quantity: 2 }] },
  });
  expect(statusChanged?.payload?.properties?.map((p) => [p.name, p.required, p.schema])).toEqual([
    ['orderId', true, { type: 'string' }],
    ['from', true, { ref: 'OrderStatus' }],
    ['to', true, { ref: 'OrderStatus' }],
    ['reason', false, { type: 'string', constraints: ['maxLength 500'] }],
  ]);
  expect(paymentCaptured?.payload?.properties?.find((p) => p.name === 'amount')?.schema).toEqual({ ref: 'Money' });

  expect(Object.keys(d.schemas)).toEqual(['EventHeaders', 'Order', 'OrderLine', 'OrderStatus', 'Money', 'Address']);
  expect(d.schemas.Order?.properties?.map((p) => [p.name, p.required, p.schema])).toEqual([
    ['id', true, { type: 'string', constraints: ['pattern ^ord-[0-9]+$'] }],
    ['status', true, { ref: 'OrderStatus' }],
    ['lines', true, { type: 'array', items: { ref: 'OrderLine' }, constraints: ['minItems 1'] }],
    ['shipTo', false, { ref: 'Address' }],
  ]);
  expect(d.schemas.OrderStatus?.enum).toEqual(['"placed"', '"paid"', '"shipped"', '"delivered"', '"cancelled"']);
}

describe('order events in AsyncAPI 2.6', () => {
  it('when described, then servers, channels, operations (publish is receive, subscribe is send), messages and schemas come through', async () => {
    const { description, warnings } = described(await describeAsyncApi(readFileSync(join(FIXTURES, 'order-events-2.6.yaml'), 'utf8')));
    expect(description.specVersion).toBe('2.6.0');
    expect(description.version).toBe('1.4.0');
    expect(description.servers[0]?.url).toBe('kafka.shop.example.com:9093');
    expect(description.channels[0]?.id).toBe('orders.{region}.created');
    expectOrderEvents(description);
    for (const warning of warnings) expect(warning.line).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('order events in AsyncAPI 3.0', () => {
  it('when described, then servers, channels, operations, messages (a wrapped draft-07 payload too) and schemas come through', async () => {
    const { description, warnings } = described(await describeAsyncApi(readFileSync(join(FIXTURES, 'order-events-3.0.yaml'), 'utf8')));
    expect(description.specVersion).toBe('3.0.0');
    expect(description.version).toBe('2.0.0');
    expect(description.servers[0]?.url).toBe('kafka-secure://kafka.shop.example.com:9093/');
    expect(description.channels[0]?.id).toBe('orderCreated');
    expect(description.channels[0]?.parameters[0]?.schema?.default).toBe('"eu"');
    expectOrderEvents(description);
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('latest version'), line: 4, path: '/asyncapi' })]);
  }, 30_000);
});

describe('documents that cannot be shown', () => {
  it('when the YAML does not parse, then the problem is on its line', async () => {
    const result = await describeAsyncApi(lines('asyncapi: 3.0.0', 'info:', '  title: Broken', '  title: Twice', "  version: '1'"));
    expect(result).toEqual({ problems: [{ message: 'Map keys must be unique', line: 4, column: 3 }] });
  });

  it('when the document breaks a rule of the specification, then the error is a problem on its line', async () => {
    const text = lines(
      'asyncapi: 3.0.0',
      'info:',
      '  title: Bad',
      "  version: '1'",
      'channels:',
      '  a:',
      '    address: a',
      'operations:',
      '  shout:',
      '    action: shout',
      '    channel:',
      "      $ref: '#/channels/a'",
    );
    const result = await describeAsyncApi(text);
    expect(result).toEqual({
      problems: [expect.objectContaining({ message: expect.stringContaining('"action"'), line: 10, path: '/operations/shout/action' })],
    });
  });

  it.each([
    ['OpenAPI', lines('openapi: 3.0.3', 'paths: {}')],
    ['AsyncAPI 1', lines("asyncapi: '1.2.0'", 'topics: {}')],
    ['a list', '[]'],
  ])('when the document is %s, then it is a problem', async (_what, text) => {
    const result = await describeAsyncApi(text);
    expect('problems' in result && result.problems[0]?.message).toMatch(/not an AsyncAPI 2 or 3 document/);
  });

  it('when YAML aliases make the document contain itself, then it is a problem that names the loop', async () => {
    const result = await describeAsyncApi(
      lines('asyncapi: 3.0.0', 'info: {title: Loop, version: "1"}', 'channels:', '  c: &c', '    address: c', '    x-self: *c'),
    );
    expect('problems' in result && result.problems[0]?.message).toMatch(/circular/);
    expect(JSON.stringify(result)).not.toContain('node_modules');
  });

  it('when the parser has many style remarks, then warnings stop at a cap', async () => {
    const channels = Array.from({ length: 60 }, (_, i) => [
      `  c${i}:`,
      '    subscribe:',
      '      message:',
      '        payload: {type: string}',
    ]).flat();
    const { warnings } = described(
      await describeAsyncApi(lines('asyncapi: 2.6.0', 'info:', '  title: Many', "  version: '1'", 'channels:', ...channels)),
    );
    expect(warnings).toHaveLength(50);
  }, 30_000);
});

describe('references outside the document', () => {
  let server: CountingServer;
  beforeAll(async () => {
    server = await countingServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('when $refs point at a local file, a URL and another document, then nothing is read and warnings name each on its line', async () => {
    const text = lines(
      'asyncapi: 2.6.0',
      'info:',
      '  title: Outside',
      "  version: '1'",
      'channels:',
      '  secrets:',
      '    publish:',
      '      message:',
      '        payload:',
      "          $ref: 'file:///etc/passwd'",
      '  remote:',
      '    publish:',
      '      message:',
      '        payload:',
      `          $ref: '${server.url}/x'`,
      '  shared:',
      '    subscribe:',
      '      message:',
      "        $ref: './common.yaml#/components/messages/Shared'",
    );
    const { description, warnings } = described(await describeAsyncApi(text));
    expect(server.requests()).toBe(0);
    expect(warnings.slice(0, 3)).toEqual([
      { message: 'External $ref not followed: file:///etc/passwd', line: 10, path: '/channels/secrets/publish/message/payload/$ref' },
      { message: `External $ref not followed: ${server.url}/x`, line: 15, path: '/channels/remote/publish/message/payload/$ref' },
      {
        message: 'External $ref not followed: ./common.yaml#/components/messages/Shared',
        line: 19,
        path: '/channels/shared/subscribe/message/$ref',
      },
    ]);
    expect(description.messages.map((m) => m.payload ?? m.description)).toEqual([
      { constraints: ['external $ref file:///etc/passwd not followed'] },
      { constraints: [`external $ref ${server.url}/x not followed`] },
      'Not shown: external $ref ./common.yaml#/components/messages/Shared not followed.',
    ]);
    expect(JSON.stringify(description)).not.toMatch(/root:|fetched from the network/);
  }, 30_000);
});
