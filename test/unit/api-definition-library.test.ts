import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import type { Entity } from '../../src/catalog/entity.ts';
import { decideDefinition } from '../../src/controllers/api-definition/decide.ts';
import { DefinitionLibrary, type DefinitionLibraryOptions } from '../../src/controllers/api-definition/library.ts';
import type { TextOutcome } from '../../src/controllers/api-definition/read-text.ts';
import { definitionSource, originOf, type DefinitionSource } from '../../src/controllers/api-definition/source.ts';
import type { ApiDescription, DefinitionFormat, DescribeResult, GraphQlDescription } from '../../src/api-definitions/model.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { until } from '../support/fake-context.ts';

const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

function api(name: string, spec: Record<string, unknown>): Entity {
  return {
    ref: `api:shop/${name}`,
    kind: 'API',
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    generation: 1,
    resourceVersion: '1',
    creationTimestamp: undefined,
    labels: {},
    annotations: {},
    spec: { lifecycle: 'production', owner: 'team-a', ...spec },
    status: undefined,
  };
}

/** A GraphQL description with one type per word of the SDL-ish text, so each text describes differently. */
function described(text: string): GraphQlDescription {
  return {
    format: 'graphql',
    roots: { query: 'Query' },
    types: text
      .split(/\s+/)
      .map((name) => ({ name, kind: 'object' as const, fields: [], interfaces: [], possibleTypes: [], enumValues: [] })),
  };
}

/** A library over a fake text store and describer that count their calls. */
function library(texts: Map<string, TextOutcome>, options: Partial<DefinitionLibraryOptions> = {}) {
  const calls = { reads: 0, describes: 0 };
  const changed: string[] = [];
  const descriptions: (ApiDescription | undefined)[] = [];
  const shelf = new DefinitionLibrary({
    readText: async (source: DefinitionSource) => {
      calls.reads += 1;
      if (source.from === 'inline') return { text: source.text };
      const key = source.from === 'url' ? source.url : `${source.name}/${source.key}`;
      return texts.get(key) ?? { failure: { reason: 'FetchFailed', message: `${key} answered 404` } };
    },
    describe: async (_format: DefinitionFormat, text: string): Promise<DescribeResult> => {
      calls.describes += 1;
      if (text.includes('broken')) return { problems: [{ message: 'Syntax Error: Unexpected Name "broken".', line: 3, column: 5 }] };
      return { description: described(text), warnings: [] };
    },
    logger: silent,
    now: () => new Date('2026-12-04T10:00:00Z'),
    refreshMs: 30,
    configMapRefreshMs: 30,
    onChange: (ref) => changed.push(ref),
    onDescription: (_ref, _ns, d) => descriptions.push(d),
    ...options,
  });
  return { shelf, calls, changed, descriptions };
}

describe('where an API keeps its definition', () => {
  it('when spec.definition is one https line, then it is a URL to fetch; when it is text, then it is the definition', () => {
    expect(definitionSource({ definition: 'https://example.com/openapi.yaml\n' })).toEqual({
      from: 'url',
      url: 'https://example.com/openapi.yaml',
    });
    expect(definitionSource({ definition: 'openapi: 3.0.3\ninfo: {}' })).toEqual({ from: 'inline', text: 'openapi: 3.0.3\ninfo: {}' });
    expect(definitionSource({ definition: '   ' })).toBeUndefined();
    expect(definitionSource({ definitionFrom: { configMapKeyRef: { name: 'petstore', key: 'openapi.yaml' } } })).toEqual({
      from: 'configMap',
      name: 'petstore',
      key: 'openapi.yaml',
    });
    expect(originOf({ from: 'configMap', name: 'petstore', key: 'openapi.yaml' }, 'shop')).toBe(
      'ConfigMap shop/petstore, key openapi.yaml',
    );
  });
});

describe('the definition library', () => {
  it('when an API with an inline definition appears, then it is described once and its condition says what it holds', async () => {
    const { shelf, calls, descriptions } = library(new Map());
    shelf.entityChanged(api('catalog', { type: 'graphql', definition: 'Query Book Author' }));
    await until('described', () => shelf.definitionOf('api:shop/catalog')?.description !== undefined);
    expect(calls.describes).toBe(1);
    expect(descriptions).toHaveLength(1);
    expect(decideDefinition(shelf.definitionOf('api:shop/catalog'))).toMatchObject({
      status: 'True',
      reason: 'Described',
      message: 'GraphQL, 3 types, read from spec.definition',
    });
    // A status-only change of the API (same spec) reads nothing again.
    shelf.entityChanged({ ...api('catalog', { type: 'graphql', definition: 'Query Book Author' }), resourceVersion: '2' });
    expect(calls.reads).toBe(1);
  });

  it('when the parser refuses the definition, then the condition is False with reason DefinitionInvalid and the line', async () => {
    const { shelf } = library(new Map());
    shelf.entityChanged(api('bad', { type: 'graphql', definition: 'type Query {\n  a: Int\n  broken' }));
    await until('read', () => shelf.definitionOf('api:shop/bad')?.reading === false);
    expect(decideDefinition(shelf.definitionOf('api:shop/bad'))).toMatchObject({
      status: 'False',
      reason: 'DefinitionInvalid',
      message: 'spec.definition: line 3, column 5: Syntax Error: Unexpected Name "broken".',
    });
  });

  it('when a URL definition is read again unchanged, then it is not described again; when its server fails, then the last description stays shown', async () => {
    const texts = new Map<string, TextOutcome>([['https://defs.example/catalog.graphql', { text: 'Query Book' }]]);
    const { shelf, calls } = library(texts);
    shelf.entityChanged(api('remote', { type: 'graphql', definition: 'https://defs.example/catalog.graphql' }));
    await until('read three times', () => calls.reads >= 3);
    expect(calls.describes).toBe(1);
    texts.set('https://defs.example/catalog.graphql', { failure: { reason: 'FetchFailed', message: 'defs.example answered 503' } });
    await until('failed', () => shelf.definitionOf('api:shop/remote')?.failure !== undefined);
    const shown = shelf.definitionOf('api:shop/remote')!;
    expect(shown.description?.format).toBe('graphql');
    expect(decideDefinition(shown)).toMatchObject({
      status: 'False',
      reason: 'FetchFailed',
      message: 'https://defs.example/catalog.graphql: defs.example answered 503. The last definition read is still shown.',
    });
    texts.set('https://defs.example/catalog.graphql', { text: 'Query Book Author' });
    await until('read again', () => shelf.definitionOf('api:shop/remote')?.failure === undefined);
    expect(shelf.definitionOf('api:shop/remote')?.description).toMatchObject({
      types: [{ name: 'Query' }, { name: 'Book' }, { name: 'Author' }],
    });
    shelf.stop();
  });

  it('when a type Greenroom does not render has a definition, then it is kept as text and the condition says NotRendered', async () => {
    const { shelf, calls } = library(new Map());
    shelf.entityChanged(api('trpc', { type: 'trpc', definition: 'router({ hello: procedure })' }));
    await until('read', () => shelf.definitionOf('api:shop/trpc')?.reading === false);
    expect(calls.describes).toBe(0);
    expect(shelf.definitionOf('api:shop/trpc')?.text).toBe('router({ hello: procedure })');
    expect(decideDefinition(shelf.definitionOf('api:shop/trpc'))).toMatchObject({ status: 'True', reason: 'NotRendered' });
  });

  it('when the API changes while its old definition is still being read, then only the new one is shown', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { shelf } = library(new Map(), {
      describe: async (_f, text) => {
        if (text === 'Old') await gate;
        return { description: described(text), warnings: [] };
      },
    });
    shelf.entityChanged(api('moving', { type: 'graphql', definition: 'Old' }));
    shelf.entityChanged(api('moving', { type: 'graphql', definition: 'New Types' }));
    await until('new described', () => shelf.definitionOf('api:shop/moving')?.description !== undefined);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shelf.definitionOf('api:shop/moving')?.description).toMatchObject({ types: [{ name: 'New' }, { name: 'Types' }] });
  });

  it('when an API loses its definition or is deleted, then it is forgotten and search is told its description is gone', async () => {
    const { shelf, descriptions } = library(new Map());
    shelf.entityChanged(api('gone', { type: 'graphql', definition: 'Query' }));
    await until('described', () => shelf.definitionOf('api:shop/gone')?.description !== undefined);
    shelf.entityChanged(api('gone', { type: 'graphql' }));
    expect(shelf.definitionOf('api:shop/gone')).toBeUndefined();
    expect(descriptions.at(-1)).toBeUndefined();
    expect(descriptions).toHaveLength(2);
    expect(decideDefinition(undefined)).toBeUndefined();
  });
});
