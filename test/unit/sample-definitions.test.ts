// The sample catalog's APIs carry real definitions, so the demo's API tab has something to
// show for each format. Each definition is checked by the well-kept parser of its own format
// (the ones the operator describes definitions with), not by a hand-written reading of it.
import { describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { DiagnosticSeverity, Parser as AsyncApiParser } from '@asyncapi/parser';
import { buildSchema, isObjectType, validateSchema, type GraphQLNamedType } from 'graphql';
import protobuf from 'protobufjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const dir = fileURLToPath(new URL('../../examples/catalog/', import.meta.url));

interface SampleApi {
  name: string;
  type: string;
  definition: string;
}

interface Entity {
  kind: string;
  metadata: { name: string };
  spec: { type?: string; definition?: string; providesApis?: string[] };
}

const entities = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Entity));

const apis: SampleApi[] = entities
  .filter((entity) => entity.kind === 'API')
  .map((entity) => ({
    name: entity.metadata.name,
    type: entity.spec.type ?? '',
    definition: entity.spec.definition ?? '',
  }));

const ofType = (type: string): [string, SampleApi][] => apis.filter((api) => api.type === type).map((api) => [api.name, api]);
const api = (name: string): SampleApi => {
  const found = apis.find((a) => a.name === name);
  if (found === undefined) throw new Error(`no API ${name} in examples/catalog`);
  return found;
};

type OpenApiInput = Parameters<typeof SwaggerParser.validate>[0];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Validates with swagger-parser (which dereferences what it is given, so it gets a copy) and returns the dereferenced document. */
async function validOpenApi(definition: string): Promise<Record<string, unknown>> {
  const parsed = parseYaml(definition) as OpenApiInput;
  return (await SwaggerParser.validate(structuredClone(parsed), { resolve: { external: false } })) as unknown as Record<string, unknown>;
}

interface Operation {
  method: string;
  path: string;
  operationId?: string;
  tags?: string[];
  deprecated?: boolean;
  /** The path item's parameters, then the operation's own. */
  parameters: { in: string }[];
}

/** Every operation of a dereferenced OpenAPI document. */
function operations(document: Record<string, unknown>): Operation[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) => {
    const shared = (item.parameters ?? []) as Operation['parameters'];
    return Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, raw]) => {
        const operation = raw as Omit<Operation, 'method' | 'path' | 'parameters'> & { parameters?: Operation['parameters'] };
        return { ...operation, method, path, parameters: [...shared, ...(operation.parameters ?? [])] };
      });
  });
}

/** Parses a .proto with protobufjs and resolves every type, the google/protobuf/*.proto files it imports from the copies protobufjs ships. */
function resolvedProto(definition: string, options: protobuf.IParseOptions = {}): { root: protobuf.Root; imports: string[] } {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(definition, root, { keepCase: true, ...options });
  const imports = parsed.imports ?? [];
  for (const file of imports) {
    const shipped = protobuf.common.get(file);
    if (shipped === null) throw new Error(`${file} is imported but protobufjs does not ship it`);
    root.addJSON(shipped.nested ?? {});
  }
  root.resolveAll();
  return { root, imports };
}

describe('the API definitions of the sample catalog', () => {
  it('when the catalog is read, then it has an API of each of the four types, each with an inline definition that fits the 256 KiB limit', () => {
    expect(new Set(apis.map((a) => a.type))).toEqual(new Set(['openapi', 'asyncapi', 'graphql', 'grpc']));
    for (const { name, definition } of apis) {
      expect(`${name}: ${definition.length > 1000}`).toBe(`${name}: true`);
      expect(definition.length).toBeLessThanOrEqual(262144);
    }
  });

  it('when the components are read, then every sample API is provided by one of them and every provided API exists', () => {
    const provided = entities.flatMap((entity) => (entity.kind === 'Component' ? (entity.spec.providesApis ?? []) : []));
    expect(apis.filter((a) => !provided.includes(a.name)).map((a) => a.name)).toEqual([]);
    expect(provided.filter((name) => !apis.some((a) => a.name === name))).toEqual([]);
  });

  it.each(ofType('openapi'))(
    'when the OpenAPI API %s is validated by swagger-parser, then it is valid and its operationIds are unique',
    async (_, sample) => {
      const document = await validOpenApi(sample.definition);
      const ids = operations(document).map((op) => op.operationId);
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it('when the OpenAPI APIs are read, then the demo shows both major versions: Swagger 2.0 and OpenAPI 3.0', async () => {
    const versions = await Promise.all(
      ofType('openapi').map(async ([, sample]) => {
        const document = await validOpenApi(sample.definition);
        return String(document.swagger ?? document.openapi);
      }),
    );
    expect(versions).toEqual(expect.arrayContaining(['2.0', '3.0.3']));
  });

  it('when the checkout API is read, then it has 5 to 8 tagged operations with ids, a bearer JWT scheme, RFC 7807 errors and one deprecated operation', async () => {
    const document = await validOpenApi(api('checkout-api').definition);
    const ops = operations(document);
    expect(ops.length).toBeGreaterThanOrEqual(5);
    expect(ops.length).toBeLessThanOrEqual(8);
    expect(new Set(ops.flatMap((op) => op.tags ?? []))).toEqual(new Set(['checkouts', 'payments']));
    expect(ops.filter((op) => op.deprecated === true).map((op) => `${op.method} ${op.path}`)).toEqual([
      'get /checkouts/{checkoutId}/status',
    ]);
    expect(new Set(ops.flatMap((op) => op.parameters.map((p) => p.in)))).toEqual(new Set(['path', 'query', 'header']));
    const components = document.components as { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    expect(Object.values(components.securitySchemes)).toEqual([
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    ]);
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(['Checkout', 'Basket', 'BasketLine', 'Money', 'Problem']));
    expect((document.servers as unknown[]).length).toBe(2);
    expect(api('checkout-api').definition).toContain('application/problem+json');
  });

  it('when the inventory API is read, then it is Swagger 2.0 with a host, body and query parameters and 4 to 6 tagged operations', async () => {
    const document = await validOpenApi(api('inventory-api').definition);
    expect(document).toMatchObject({ swagger: '2.0', host: 'inventory.pageturner.example', basePath: '/v1', schemes: ['https'] });
    const ops = operations(document);
    expect(ops.length).toBeGreaterThanOrEqual(4);
    expect(ops.length).toBeLessThanOrEqual(6);
    expect(ops.filter((op) => (op.tags ?? []).length === 0)).toEqual([]);
    expect(new Set(ops.flatMap((op) => op.parameters.map((p) => p.in)))).toEqual(new Set(['path', 'query', 'body']));
  });

  it.each(ofType('asyncapi'))(
    'when the AsyncAPI API %s is parsed by @asyncapi/parser, then it has no error diagnostics',
    async (_, sample) => {
      const { document, diagnostics } = await new AsyncApiParser().parse(sample.definition);
      expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual(
        [],
      );
      expect(document).toBeDefined();
    },
  );

  it('when order events is parsed, then it is AsyncAPI 3.0 with two Kafka servers, send and receive operations and three messages with payloads and examples', async () => {
    const { document } = await new AsyncApiParser().parse(api('order-events').definition);
    if (document === undefined) throw new Error('order-events did not parse');
    expect(document.version()).toBe('3.0.0');
    expect(
      document
        .servers()
        .all()
        .map((s) => s.protocol()),
    ).toEqual(['kafka-secure', 'kafka-secure']);
    expect(
      document
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['orders.v1', 'orders.v1.dlq.{consumer}']);
    expect(
      new Set(
        document
          .operations()
          .all()
          .map((o) => o.action()),
      ),
    ).toEqual(new Set(['send', 'receive']));
    const messages = document.components().messages().all();
    expect(messages.map((m) => m.name())).toEqual(['OrderPlaced', 'OrderPaid', 'OrderCancelled']);
    for (const message of messages) {
      expect(`${message.name()}: ${message.hasPayload()} ${message.hasHeaders()} ${message.examples().length}`).toBe(
        `${message.name()}: true true 1`,
      );
    }
  });

  it.each(ofType('graphql'))('when the GraphQL API %s is built with graphql-js, then the schema is valid', (_, sample) => {
    expect(validateSchema(buildSchema(sample.definition)).map((e) => e.message)).toEqual([]);
  });

  it('when the storefront SDL is built, then readers can query books, search and the basket, change the basket and follow it', () => {
    const schema = buildSchema(api('storefront-graphql').definition);
    const fields = (type: GraphQLNamedType | null | undefined) => (isObjectType(type) ? Object.keys(type.getFields()) : []);
    expect(fields(schema.getQueryType())).toEqual(expect.arrayContaining(['book', 'books', 'search', 'basket']));
    expect(fields(schema.getMutationType())).toEqual(expect.arrayContaining(['addToBasket', 'removeFromBasket', 'checkout']));
    expect(fields(schema.getSubscriptionType())).toEqual(['basketChanged']);
    const own = Object.values(schema.getTypeMap()).filter(
      (t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name),
    );
    expect(own.filter((t) => !t.description).map((t) => t.name)).toEqual([]);
    const deprecated = own.flatMap((t) => (isObjectType(t) ? Object.values(t.getFields()).filter((f) => f.deprecationReason) : []));
    expect(deprecated.map((f) => f.name)).toEqual(['isbn10']);
  });

  it.each(ofType('grpc'))(
    'when the gRPC API %s is parsed by protobufjs, then every type resolves, imports being ones protobufjs ships',
    (_, sample) => {
      const { imports } = resolvedProto(sample.definition);
      expect(imports).toEqual(['google/protobuf/timestamp.proto']);
    },
  );

  it('when the payments proto is read, then Payments has Charge, Refund, GetCharge and a server-streaming WatchCharge, and every element has a comment', () => {
    const { root } = resolvedProto(api('payments-api').definition, { alternateCommentMode: true });
    const service = root.lookupService('pageturner.payments.v1.Payments');
    expect(Object.values(service.methods).map((m) => `${m.name}${m.responseStream === true ? ' (stream)' : ''}`)).toEqual([
      'Charge',
      'Refund',
      'GetCharge',
      'WatchCharge (stream)',
    ]);
    const request = root.lookupType('pageturner.payments.v1.ChargeRequest');
    expect(request.oneofs?.payment_method?.fieldsArray.map((f) => f.name)).toEqual(['card', 'wallet']);
    expect(request.fields.metadata).toBeInstanceOf(protobuf.MapField);
    expect(root.lookupEnum('pageturner.payments.v1.ChargeStatus').values).toHaveProperty('CHARGE_STATUS_SUCCEEDED');
    const own = (root.lookup('pageturner.payments.v1') as protobuf.Namespace).nestedArray;
    const elements = (ns: protobuf.ReflectionObject[]): protobuf.ReflectionObject[] =>
      ns.flatMap((o) => [
        o,
        ...(o instanceof protobuf.Type ? [...o.fieldsArray, ...elements(o.nestedArray)] : []),
        ...(o instanceof protobuf.Service ? o.methodsArray : []),
      ]);
    expect(
      elements(own)
        .filter((o) => !o.comment)
        .map((o) => o.fullName),
    ).toEqual([]);
    const enums = elements(own).filter((o): o is protobuf.Enum => o instanceof protobuf.Enum);
    expect(
      enums.flatMap((e) =>
        Object.keys(e.values)
          .filter((value) => !e.comments[value])
          .map((value) => `${e.fullName}.${value}`),
      ),
    ).toEqual([]);
  });
});
