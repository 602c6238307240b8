import { describe, expect, it } from '@jest/globals';
import { EXTERNAL_REF_MARK, MAX_NODES_PER_DOCUMENT, MAX_NODES_PER_SCHEMA, schemaReader } from '../../src/api-definitions/json-schema.ts';
import { DESCRIPTION_LIMITS, type SchemaView } from '../../src/api-definitions/model.ts';

/** A reader over an OpenAPI 3-shaped document whose named schemas are `schemas`. */
function reader(schemas: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  return schemaReader({ document: { components: { schemas }, ...rest }, namedAt: ['components', 'schemas'] });
}

/** Every SchemaView node in a view, to measure how big a description got. */
function nodes(view: SchemaView): number {
  let count = 1;
  for (const p of view.properties ?? []) count += nodes(p.schema);
  for (const list of [view.allOf, view.oneOf, view.anyOf]) for (const s of list ?? []) count += nodes(s);
  for (const one of [view.items, view.not, view.additionalProperties]) if (one && one !== true) count += nodes(one);
  return count;
}

describe('named schemas', () => {
  it('when a schema refers to a named one, then it is a link by name and the table expands the named one once', () => {
    const schemas = reader({
      Pet: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, owner: { $ref: '#/components/schemas/Person' } } },
      Person: { type: 'object', properties: { pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } },
    });
    expect(schemas.view({ $ref: '#/components/schemas/Pet' })).toEqual({ ref: 'Pet' });
    const table = schemas.namedSchemas();
    expect(Object.keys(table)).toEqual(['Pet', 'Person']);
    expect(table.Pet?.properties).toEqual([
      { name: 'name', required: true, schema: { type: 'string' } },
      { name: 'owner', required: false, schema: { ref: 'Person' } },
    ]);
    expect(table.Person?.properties?.[0]?.schema).toEqual({ type: 'array', items: { ref: 'Pet' } });
  });

  it('when Swagger 2 keeps its schemas under definitions, then #/definitions/X is the named link', () => {
    const schemas = schemaReader({ document: { definitions: { Tag: { type: 'string' } } }, namedAt: ['definitions'] });
    expect(schemas.view({ $ref: '#/definitions/Tag' })).toEqual({ ref: 'Tag' });
    expect(schemas.namedSchemas()).toEqual({ Tag: { type: 'string' } });
  });

  it('when a name needs escaping in a pointer, then the link carries the name as written', () => {
    const schemas = reader({ 'a/b~c d': { type: 'integer' } });
    expect(schemas.view({ $ref: '#/components/schemas/a~1b~0c%20d' })).toEqual({ ref: 'a/b~c d' });
  });

  it('when a schema is called __proto__ or a $ref names Object.prototype members, then the table keeps it and nothing else is found', () => {
    const document = JSON.parse('{"components":{"schemas":{"__proto__":{"type":"string","description":"kept"}}}}') as unknown;
    const schemas = schemaReader({ document, namedAt: ['components', 'schemas'] });
    const table = schemas.namedSchemas();
    expect(Object.keys(table)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(table))).toEqual(JSON.parse('{"__proto__":{"type":"string","description":"kept"}}'));
    expect(schemas.view({ $ref: '#/components/schemas/constructor' })).toEqual({
      constraints: ['$ref #/components/schemas/constructor not found'],
    });
    expect(schemas.view({ $ref: '#/components/schemas/toString/length' })).toEqual({
      constraints: ['$ref #/components/schemas/toString/length not found'],
    });
  });

  it('when a named schema is missing, then the view says its $ref was not found', () => {
    expect(reader({}).view({ $ref: '#/components/schemas/Nope' })).toEqual({ constraints: ['$ref #/components/schemas/Nope not found'] });
  });

  it('when a parser has already dereferenced the document, then named schemas are known by identity', () => {
    const light: Record<string, unknown> = { type: 'object', properties: {} };
    (light.properties as Record<string, unknown>).next = light;
    const document = { components: { schemas: { Light: light } } };
    const schemas = schemaReader({ document, namedAt: ['components', 'schemas'], namesByObject: new Map([[light, 'Light']]) });
    expect(schemas.view({ type: 'array', items: light })).toEqual({ type: 'array', items: { ref: 'Light' } });
    expect(schemas.namedSchemas().Light).toEqual({
      type: 'object',
      properties: [{ name: 'next', required: false, schema: { ref: 'Light' } }],
    });
  });
});

describe('references within and outside the document', () => {
  it('when a $ref points elsewhere in the document, then it is followed inline', () => {
    const schemas = reader({}, { 'x-shared': { id: { type: 'string', format: 'uuid' } } });
    expect(schemas.view({ $ref: '#/x-shared/id' })).toEqual({ type: 'string', format: 'uuid' });
  });

  it('when inline references loop, then the loop is named and the view ends', () => {
    const schemas = reader({}, { 'x-node': { type: 'object', properties: { next: { $ref: '#/x-node' } } } });
    const view = schemas.view({ $ref: '#/x-node' });
    expect(view.properties?.[0]?.schema).toEqual({ constraints: ['refers to itself through #/x-node'], truncated: true });
  });

  it('when objects loop without $refs (a YAML alias), then the loop is named and the view ends', () => {
    const node: Record<string, unknown> = { type: 'object' };
    node.properties = { self: node };
    expect(reader({}).view(node).properties?.[0]?.schema).toEqual({ constraints: ['refers to itself'], truncated: true });
  });

  it('when a $ref points at a file or a URL, then it is named as not followed', () => {
    const schemas = reader({});
    expect(schemas.view({ $ref: 'file:///etc/passwd' })).toEqual({ constraints: ['external $ref file:///etc/passwd not followed'] });
    expect(schemas.view({ $ref: 'http://127.0.0.1:1/x#/Pet' })).toEqual({
      constraints: ['external $ref http://127.0.0.1:1/x#/Pet not followed'],
    });
    expect(schemas.view({ [EXTERNAL_REF_MARK]: 'common.yaml#/Money' })).toEqual({
      constraints: ['external $ref common.yaml#/Money not followed'],
    });
  });

  it('when keywords sit beside a $ref, then they wrap it so its description still shows', () => {
    const schemas = reader({ User: { type: 'object' } });
    expect(schemas.view({ $ref: '#/components/schemas/User', description: 'Who owns it' })).toEqual({
      description: 'Who owns it',
      allOf: [{ ref: 'User' }],
    });
  });
});

describe('what a schema says', () => {
  it('when types are a list or nullable, then the type reads as words', () => {
    const schemas = reader({});
    expect(schemas.view({ type: ['string', 'null'] })).toEqual({ type: 'string | null' });
    expect(schemas.view({ type: 'string', nullable: true })).toEqual({ type: 'string', nullable: true });
    expect(schemas.view({ type: 'integer', 'x-nullable': true })).toEqual({ type: 'integer', nullable: true });
    expect(schemas.view({ properties: { a: {} } }).type).toBe('object');
    expect(schemas.view({ items: { type: 'string' } }).type).toBe('array');
  });

  it('when a schema bounds its values, then each bound is a word', () => {
    const view = reader({}).view({
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[a-z]+$',
      minimum: 0,
      exclusiveMinimum: true,
      exclusiveMaximum: 100,
      multipleOf: 5,
      uniqueItems: true,
      prefixItems: [{ type: 'string' }, { type: 'integer' }],
    });
    expect(view.constraints).toEqual(
      expect.arrayContaining([
        'minLength 1',
        'maxLength 64',
        'pattern ^[a-z]+$',
        'exclusiveMinimum 0',
        'exclusiveMaximum 100',
        'multipleOf 5',
        'uniqueItems',
        'prefixItems: 2 items in order',
      ]),
    );
  });

  it('when a schema has values, defaults, constants and examples, then they are JSON text', () => {
    const view = reader({}).view({ enum: ['open', 3, null], default: 'open', const: { a: 1 }, examples: ['first', 'second'] });
    expect(view.enum).toEqual(['"open"', '3', 'null']);
    expect(view.default).toBe('"open"');
    expect(view.const).toBe('{\n  "a": 1\n}');
    expect(view.example).toBe('"first"');
  });

  it('when a schema combines others, then each combination and extra member is kept', () => {
    const view = reader({ A: {}, B: {} }).view({
      oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }],
      anyOf: [{ type: 'string' }],
      allOf: [{ type: 'object' }],
      not: { type: 'null' },
      additionalProperties: { type: 'integer' },
    });
    expect(view.oneOf).toEqual([{ ref: 'A' }, { ref: 'B' }]);
    expect(view.anyOf).toEqual([{ type: 'string' }]);
    expect(view.allOf).toEqual([{ type: 'object' }]);
    expect(view.not).toEqual({ type: 'null' });
    expect(view.additionalProperties).toEqual({ type: 'integer' });
    expect(reader({}).view({ additionalProperties: true }).additionalProperties).toBe(true);
    expect(reader({}).view({ type: 'object', additionalProperties: false }).constraints).toEqual(['no other properties']);
  });

  it('when flags are set, then the view carries them', () => {
    expect(reader({}).view({ type: 'string', deprecated: true, readOnly: true, writeOnly: true })).toEqual({
      type: 'string',
      deprecated: true,
      readOnly: true,
      writeOnly: true,
    });
  });
});

describe('limits', () => {
  it('when an enum is longer than the limit, then the rest is counted', () => {
    const values = Array.from({ length: DESCRIPTION_LIMITS.maxListed + 7 }, (_, i) => `v${i}`);
    const view = reader({}).view({ enum: values });
    expect(view.enum).toHaveLength(DESCRIPTION_LIMITS.maxListed);
    expect(view.enumMore).toBe(7);
  });

  it('when an object has more properties than the limit, then the rest are counted in words', () => {
    const properties = Object.fromEntries(
      Array.from({ length: DESCRIPTION_LIMITS.maxListed + 3 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    const view = reader({}).view({ type: 'object', properties });
    expect(view.properties).toHaveLength(DESCRIPTION_LIMITS.maxListed);
    expect(view.constraints).toContain('3 more members not listed');
  });

  it('when texts and examples are huge, then they are cut with an ellipsis', () => {
    const view = reader({}).view({ description: 'd'.repeat(100_000), example: { text: 'e'.repeat(100_000) } });
    expect(view.description).toHaveLength(DESCRIPTION_LIMITS.maxDescriptionChars);
    expect(view.description?.endsWith('…')).toBe(true);
    expect(view.example).toHaveLength(DESCRIPTION_LIMITS.maxExampleChars);
    expect(view.example?.endsWith('…')).toBe(true);
  });

  it('when inline schemas nest deeper than the limit, then the view is cut and says so', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { inner: deep } };
    let view: SchemaView | undefined = reader({}).view(deep);
    let depth = 0;
    while (view?.properties) {
      view = view.properties[0]?.schema;
      depth++;
    }
    expect(depth).toBe(DESCRIPTION_LIMITS.maxSchemaDepth + 1);
    expect(view).toEqual({ truncated: true });
  });

  it('when references fan out (each level forty times the one below), then one schema stays bounded', () => {
    const levels: Record<string, unknown> = { l0: { type: 'object', properties: { a: { type: 'string' } } } };
    for (let i = 1; i <= 11; i++) {
      const props = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${k}`, { $ref: `#/x-levels/l${i - 1}` }]));
      levels[`l${i}`] = { type: 'object', properties: props };
    }
    const view = reader({}, { 'x-levels': levels }).view({ $ref: '#/x-levels/l11' });
    expect(nodes(view)).toBeLessThanOrEqual(MAX_NODES_PER_SCHEMA + DESCRIPTION_LIMITS.maxListed);
    expect(JSON.stringify(view)).toContain('"truncated":true');
  });

  it('when many schemas of one document each fan out, then the whole description stays bounded', () => {
    const levels: Record<string, unknown> = { l0: { type: 'string' } };
    for (let i = 1; i <= 11; i++) {
      levels[`l${i}`] = {
        type: 'object',
        properties: Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${k}`, { $ref: `#/x-levels/l${i - 1}` }])),
      };
    }
    const schemas = reader({}, { 'x-levels': levels });
    const views = Array.from({ length: 100 }, () => schemas.view({ $ref: '#/x-levels/l11' }));
    const total = views.reduce((sum, view) => sum + nodes(view), 0);
    expect(total).toBeLessThanOrEqual(MAX_NODES_PER_DOCUMENT + 100 * DESCRIPTION_LIMITS.maxListed);
    expect(views.at(-1)).toEqual({ truncated: true });
  });
});
