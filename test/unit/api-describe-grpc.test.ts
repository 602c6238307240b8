import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeGrpc } from '../../src/api-definitions/describe-grpc.ts';
import { DESCRIPTION_LIMITS, type DescribeResult, type GrpcDescription } from '../../src/api-definitions/model.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/api-definitions', name), 'utf8');

function described(result: DescribeResult): GrpcDescription {
  if ('problems' in result) throw new Error(`expected a description, got ${JSON.stringify(result.problems)}`);
  if (result.description.format !== 'grpc') throw new Error(`expected grpc, got ${result.description.format}`);
  return result.description;
}

const messageNamed = (d: GrpcDescription, name: string) => {
  const message = d.messages.find((m) => m.name === name);
  if (!message) throw new Error(`no message ${name} among ${d.messages.map((m) => m.name).join(', ')}`);
  return message;
};

const fieldOf = (d: GrpcDescription, message: string, field: string) => messageNamed(d, message).fields.find((f) => f.name === field);

describe('describing a gRPC service definition', () => {
  let result: DescribeResult;
  let shop: GrpcDescription;
  beforeAll(async () => {
    result = await describeGrpc(fixture('shop.proto'));
    shop = described(result);
  });

  it('when the file says proto3 and a package, then the description says so', () => {
    expect(shop.syntax).toBe('proto3');
    expect(shop.packages).toEqual(['acme.shop.v1']);
  });

  it('when it has two services, then each lists its methods with full message names, streaming and comments', () => {
    expect(shop.services.map((s) => [s.name, s.description])).toEqual([
      ['acme.shop.v1.CatalogService', 'Browse the catalogue.'],
      ['acme.shop.v1.OrderService', 'Place and follow orders.'],
    ]);
    const methods = shop.services[0]?.methods.map((m) => [m.name, m.requestType, m.requestStream, m.responseType, m.responseStream]);
    expect(methods).toEqual([
      ['GetProduct', 'acme.shop.v1.GetProductRequest', false, 'acme.shop.v1.Product', false],
      ['ListProducts', 'acme.shop.v1.ListProductsRequest', false, 'acme.shop.v1.Product', true],
      ['WatchPrices', 'acme.shop.v1.WatchPricesRequest', true, 'acme.shop.v1.Product.Price', true],
    ]);
    expect(shop.services[1]?.methods.find((m) => m.name === 'UploadReceipts')).toMatchObject({
      requestStream: true,
      responseStream: false,
    });
    expect(shop.services[0]?.methods[1]?.description).toBe('Every product of a category, streamed as they are read.');
  });

  it('when messages are nested, then each is listed on its own under its full name, after its parent', () => {
    const names = shop.messages.map((m) => m.name);
    expect(names.slice(0, 3)).toEqual(['acme.shop.v1.Product', 'acme.shop.v1.Product.Price', 'acme.shop.v1.Product.Price.Discount']);
    expect(messageNamed(shop, 'acme.shop.v1.Product.Price').description).toBe('A price in one currency.');
  });

  it('when a field names a message or enum of this file, then its type is resolved to the full name and links to it', () => {
    expect(fieldOf(shop, 'acme.shop.v1.Product', 'prices')).toEqual({
      name: 'prices',
      id: 3,
      type: 'acme.shop.v1.Product.Price',
      typeRef: 'acme.shop.v1.Product.Price',
      label: 'repeated',
      description: 'Prices in every currency the shop sells in.',
    });
    expect(fieldOf(shop, 'acme.shop.v1.Order', 'status')).toMatchObject({
      type: 'acme.shop.v1.Order.Status',
      typeRef: 'acme.shop.v1.Order.Status',
    });
  });

  it('when a field is a map, a oneof member or proto3 optional, then its label and oneof say so', () => {
    expect(fieldOf(shop, 'acme.shop.v1.Order', 'quantities')).toMatchObject({ label: 'map<string, int32>', type: 'int32' });
    const payment = messageNamed(shop, 'acme.shop.v1.Order').fields.filter((f) => f.oneof === 'payment');
    expect(payment.map((f) => f.name)).toEqual(['card_token', 'voucher_code', 'bank_transfer']);
    const optional = fieldOf(shop, 'acme.shop.v1.Product', 'description');
    expect(optional).toMatchObject({ label: 'optional' });
    expect(optional?.oneof).toBeUndefined();
  });

  it('when a field is a well-known type from an import, then it shows by full name, unlinked, and the import is a warning', () => {
    const createdAt = fieldOf(shop, 'acme.shop.v1.Product', 'created_at');
    expect(createdAt).toMatchObject({ type: 'google.protobuf.Timestamp' });
    expect(createdAt?.typeRef).toBeUndefined();
    expect('warnings' in result && result.warnings).toEqual([
      { message: expect.stringContaining('Import "google/protobuf/timestamp.proto" is not read') },
    ]);
  });

  it('when enums are top-level or nested, then both are listed with their values, numbers and comments', () => {
    expect(shop.enums.map((e) => e.name)).toEqual(['acme.shop.v1.Availability', 'acme.shop.v1.Order.Status']);
    expect(shop.enums[0]?.values[1]).toEqual({ name: 'IN_STOCK', number: 1, description: 'In stock, ships today.' });
    expect(shop.enums[1]?.description).toBe('Where an order is in its life.');
  });
});

describe('proto2 and editions', () => {
  it('when the file is proto2, then required and optional labels show and a group is a message', async () => {
    const d = described(await describeGrpc(fixture('legacy.proto')));
    expect(d.syntax).toBe('proto2');
    expect(messageNamed(d, 'acme.legacy.Account').fields.map((f) => [f.name, f.label])).toEqual([
      ['id', 'required'],
      ['nickname', 'optional'],
      ['emails', 'repeated'],
      ['address', 'optional'],
    ]);
    expect(fieldOf(d, 'acme.legacy.Account', 'address')?.typeRef).toBe('acme.legacy.Account.Address');
    expect(d.services[0]?.methods[0]).toMatchObject({ requestType: 'acme.legacy.Account', responseType: 'acme.legacy.Account' });
  });

  it('when the file names an edition, then the syntax is that edition and block comments describe', async () => {
    const d = described(await describeGrpc(fixture('edition.proto')));
    expect(d.syntax).toBe('edition 2023');
    expect(messageNamed(d, 'acme.edition.Note').description).toBe('A note written as a block comment.');
  });

  it('when the file says no syntax, then it is proto2, as protoc reads it', async () => {
    expect(described(await describeGrpc('message A { optional int32 a = 1; }')).syntax).toBe('proto2');
  });
});

describe('a gRPC definition with mistakes', () => {
  it('when the file has a syntax error, then a problem names its line', async () => {
    const result = await describeGrpc(fixture('broken.proto'));
    expect(result).toEqual({ problems: [{ message: expect.stringContaining("illegal token 'int32'"), line: 11 }] });
  });

  it('when a type is named but defined nowhere, then a warning names it once and the field shows it as written', async () => {
    const result = await describeGrpc(
      'syntax = "proto3";\nimport "acme/money.proto";\nmessage Cart { acme.Money total = 1; acme.Money tax = 2; }\nservice Carts { rpc Get(Missing) returns (Cart); }',
    );
    const d = described(result);
    expect(fieldOf(d, 'Cart', 'total')).toEqual({ name: 'total', id: 1, type: 'acme.Money' });
    expect(d.services[0]?.methods[0]?.requestType).toBe('Missing');
    expect('warnings' in result && result.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('Import "acme/money.proto" is not read'),
      expect.stringContaining('Type "acme.Money" (field Cart.total)'),
      expect.stringContaining('Type "Missing" (method Carts.Get)'),
    ]);
  });

  it('when a comment is longer than the limit, then it is cut with an ellipsis', async () => {
    const d = described(await describeGrpc(`// ${'y'.repeat(DESCRIPTION_LIMITS.maxDescriptionChars + 10)}\nmessage A {}`));
    expect(d.messages[0]?.description).toBe(`${'y'.repeat(DESCRIPTION_LIMITS.maxDescriptionChars)}…`);
  });

  it('when packages or messages are nested beyond reason, then it is a problem, not a crash', async () => {
    const deepPackage = `package ${Array.from({ length: 20_000 }, (_, i) => `p${i}`).join('.')};\nmessage M {}`;
    expect(await describeGrpc(deepPackage)).toEqual({ problems: [{ message: expect.stringContaining('nested too deeply') }] });
    const deepMessages = `${'message M { '.repeat(100)}${'}'.repeat(100)}`;
    expect(await describeGrpc(deepMessages)).toEqual({ problems: [{ message: expect.stringContaining('nested too deeply') }] });
  });
});

describe('imports that point at files and URLs', () => {
  let server: Server;
  let requests = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_, res) => {
      requests += 1;
      res.end('syntax = "proto3"; message Stolen { string secret = 1; }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x.proto`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when a definition imports /etc/passwd, a file URL and an http URL, then none is read: each is a warning and its types stay as written', async () => {
    const text = [
      'syntax = "proto3";',
      'import "file:///etc/passwd";',
      'import "/etc/passwd";',
      `import public "${url}";`,
      'message A { Stolen s = 1; }',
    ].join('\n');
    const result = await describeGrpc(text);
    expect(requests).toBe(0);
    expect(JSON.stringify(result)).not.toMatch(/root:|secret/);
    expect('warnings' in result && result.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('Import "file:///etc/passwd" is not read'),
      expect.stringContaining('Import "/etc/passwd" is not read'),
      expect.stringContaining(`Import "${url}" is not read`),
      expect.stringContaining('Type "Stolen" (field A.s)'),
    ]);
  });
});
