import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOpenApi } from '../../src/api-definitions/describe-openapi.ts';
import {
  DESCRIPTION_LIMITS,
  type DefinitionProblem,
  type DescribeResult,
  type OpenApiDescription,
  type OpenApiOperation,
} from '../../src/api-definitions/model.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { countingServer, type CountingServer } from '../support/counting-server.ts';

const EXAMPLES = join(projectRoot(), 'node_modules', '@readme', 'oas-examples');
const GITHUB = join(projectRoot(), 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');

function described(result: DescribeResult): { description: OpenApiDescription; warnings: DefinitionProblem[] } {
  if (!('description' in result)) throw new Error(`expected a description, got problems: ${JSON.stringify(result.problems)}`);
  if (result.description.format !== 'openapi') throw new Error(`expected OpenAPI, got ${result.description.format}`);
  return { description: result.description, warnings: result.warnings };
}

function operations(description: OpenApiDescription): OpenApiOperation[] {
  return [...new Map(description.tags.flatMap((t) => t.operations).map((op) => [op.id, op])).values()];
}

function operation(description: OpenApiDescription, id: string): OpenApiOperation {
  const found = operations(description).find((op) => op.id === id || op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}

const examples = ['2.0', '3.0', '3.1'].flatMap((version) =>
  readdirSync(join(EXAMPLES, version), { recursive: true })
    .map(String)
    .filter((file) => /\.(json|ya?ml)$/.test(file))
    .map((file) => [`${version}/${file}`]),
);

describe("every example of ReadMe's OpenAPI collection", () => {
  it('when the collection is read, then it holds documents of all three versions', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  it.each(examples)('when %s is described, then it gives a description or problems with lines, never an exception', async (file) => {
    const result = await describeOpenApi(readFileSync(join(EXAMPLES, file), 'utf8'));
    const findings = 'problems' in result ? result.problems : result.warnings;
    for (const finding of findings) if (finding.path !== undefined) expect(finding.line).toBeGreaterThanOrEqual(1);
    if ('description' in result) {
      const { description } = described(result);
      const ids = operations(description).map((op) => op.id);
      expect(new Set(ids).size).toBe(description.operationCount);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._~-]+$/);
    }
  });
});

describe('the petstore (OpenAPI 3.0)', () => {
  let petstore: OpenApiDescription;
  beforeAll(async () => {
    petstore = described(await describeOpenApi(readFileSync(join(EXAMPLES, '3.0', 'yaml', 'petstore.yaml'), 'utf8'))).description;
  });

  it('when described, then its title, servers and tags come in the order written', () => {
    expect(petstore).toMatchObject({
      specVersion: '3.0.0',
      title: 'Swagger Petstore',
      version: '1.0.0',
      servers: [{ url: 'http://petstore.swagger.io/v2' }],
    });
    expect(petstore.tags.map((t) => t.name)).toEqual(['pet', 'store', 'user']);
    expect(petstore.tags[0]?.description).toBe('Everything about your Pets');
    expect(petstore.operationCount).toBe(operations(petstore).length);
  });

  it('when an operation has a path parameter, then it is required, with its schema', () => {
    const getPet = operation(petstore, 'getPetById');
    expect(getPet).toMatchObject({ method: 'get', path: '/pet/{petId}', summary: 'Find pet by ID' });
    expect(getPet.parameters).toEqual([
      { name: 'petId', in: 'path', required: true, description: 'ID of pet to return', schema: { type: 'integer', format: 'int64' } },
    ]);
    expect(getPet.security).toEqual(['api_key']);
  });

  it('when a response returns named schemas, then its content refers to them by name', () => {
    const byStatus = operation(petstore, 'findPetsByStatus');
    const ok = byStatus.responses.find((r) => r.status === '200');
    expect(ok?.content.map((m) => m.mediaType)).toEqual(['application/xml', 'application/json']);
    expect(ok?.content[1]?.schema).toEqual({ type: 'array', items: { ref: 'Pet' } });
    expect(byStatus.parameters[0]?.schema?.items?.enum).toEqual(['"available"', '"pending"', '"sold"']);
    expect(operation(petstore, 'findPetsByTags').deprecated).toBe(true);
  });

  it('when a request body is a named request body, then its content and description come through', () => {
    const addPet = operation(petstore, 'addPet');
    expect(addPet.requestBody).toMatchObject({ required: true, description: 'Pet object that needs to be added to the store' });
    expect(addPet.requestBody?.content[0]).toEqual({ mediaType: 'application/json', schema: { ref: 'Pet' }, examples: [] });
  });

  it('when schemas are named, then the table has each with its properties and required marks', () => {
    const pet = petstore.schemas.Pet;
    expect(pet?.properties?.map((p) => [p.name, p.required])).toEqual([
      ['id', false],
      ['category', false],
      ['name', true],
      ['photoUrls', true],
      ['tags', false],
      ['status', false],
    ]);
    expect(pet?.properties?.find((p) => p.name === 'category')?.schema).toEqual({ ref: 'Category' });
    expect(pet?.properties?.find((p) => p.name === 'status')?.schema.enum).toEqual(['"available"', '"pending"', '"sold"']);
  });

  it('when security schemes are declared, then each says what it needs', () => {
    expect(petstore.securitySchemes).toEqual([
      { name: 'petstore_auth', type: 'oauth2', detail: 'flows: implicit' },
      { name: 'api_key', type: 'apiKey', detail: 'header api_key' },
    ]);
  });
});

describe('the petstore (Swagger 2.0)', () => {
  let petstore: OpenApiDescription;
  beforeAll(async () => {
    petstore = described(await describeOpenApi(readFileSync(join(EXAMPLES, '2.0', 'yaml', 'petstore.yaml'), 'utf8'))).description;
  });

  it('when described, then host, basePath and schemes are its server and definitions its schemas', () => {
    expect(petstore.specVersion).toBe('2.0');
    expect(petstore.servers).toEqual([{ url: 'http://petstore.swagger.io/v2' }]);
    expect(Object.keys(petstore.schemas)).toEqual(expect.arrayContaining(['Pet', 'Category', 'Tag', 'Order', 'User']));
  });

  it('when an operation takes a body parameter, then it is the request body under each media type it consumes', () => {
    const addPet = operation(petstore, 'addPet');
    expect(addPet.parameters).toEqual([]);
    expect(addPet.requestBody?.content).toEqual([
      { mediaType: 'application/json', schema: { ref: 'Pet' }, examples: [] },
      { mediaType: 'application/xml', schema: { ref: 'Pet' }, examples: [] },
    ]);
  });

  it('when an operation takes form data, then the form fields are one object schema', () => {
    const form = operation(petstore, 'updatePetWithForm');
    expect(form.parameters.map((p) => p.name)).toEqual(['petId']);
    expect(form.requestBody?.content[0]?.mediaType).toBe('application/x-www-form-urlencoded');
    expect(form.requestBody?.content[0]?.schema?.properties?.map((p) => p.name)).toEqual(['name', 'status']);
    expect(operation(petstore, 'uploadFile').requestBody?.content[0]?.mediaType).toBe('multipart/form-data');
  });
});

describe("GitHub's REST API (13 MB, over a thousand operations)", () => {
  it('when described, then every operation is there with its path parameters', async () => {
    const { description } = described(await describeOpenApi(readFileSync(GITHUB, 'utf8')));
    expect(description.operationCount).toBeGreaterThan(1000);
    const getRepo = operation(description, 'repos/get');
    expect(getRepo).toMatchObject({ method: 'get', path: '/repos/{owner}/{repo}', id: 'get-repos-owner-repo' });
    expect(getRepo.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.required, p.schema?.type])).toEqual([
      ['owner', true, 'string'],
      ['repo', true, 'string'],
    ]);
    expect(getRepo.responses.find((r) => r.status === '200')?.content[0]?.schema).toEqual({ ref: 'full-repository' });
    expect(description.schemas['full-repository']?.properties?.length).toBeGreaterThan(50);
  }, 120_000);
});

describe('documents that cannot be read', () => {
  it('when the YAML repeats a key, then the problem is on that line', async () => {
    const text = lines('openapi: 3.0.3', 'info:', '  title: Broken', "  version: '1'", 'paths:', '  /pets:', '    get: {}', '    get: {}');
    expect(await describeOpenApi(text)).toEqual({ problems: [{ message: 'Map keys must be unique', line: 8, column: 5 }] });
  });

  it('when the JSON has a stray comma, then the problem is on that line', async () => {
    const text = lines(
      '{',
      '  "openapi": "3.0.3",',
      '  "info": {"title": "x", "version": "1"},',
      '  "paths": {',
      '    "/a": {"get": {}},,',
      '  }',
      '}',
    );
    const result = await describeOpenApi(text);
    expect('problems' in result && result.problems[0]?.line).toBe(5);
  });

  it.each([
    ['an array', '[1, 2]', /not an object/],
    ['no version field', lines('info: {title: x}', 'paths: {}'), /neither an `openapi` nor a `swagger`/],
    ['Swagger 1.2', lines("swagger: '1.2'", 'paths: {}'), /Swagger 1.2 is not supported/],
    ['OpenAPI 4', lines("openapi: '4.0.0'", 'paths: {}'), /OpenAPI 4.0.0 is not supported/],
    ['no paths', lines('openapi: 3.0.3', 'info: {title: x, version: "1"}'), /no `paths`/],
  ])('when the document is %s, then it is a problem, not a description', async (_what, text, message) => {
    const result = await describeOpenApi(text);
    expect('problems' in result && result.problems[0]?.message).toMatch(message);
    expect('problems' in result && result.problems[0]?.line).toBeGreaterThanOrEqual(1);
  });
});

describe('documents that are wrong but can be shown', () => {
  it('when an operation has no responses, then the validator says so as a warning on its line', async () => {
    const text = lines(
      'openapi: 3.0.3',
      'info:',
      '  title: Invalid',
      "  version: '1'",
      'paths:',
      '  /pets:',
      '    get:',
      '      responses: {}',
    );
    const { description, warnings } = described(await describeOpenApi(text));
    expect(operations(description).map((op) => op.id)).toEqual(['get-pets']);
    expect(warnings).toEqual([
      { message: '/paths/~1pets/get/responses must NOT have fewer than 1 properties', line: 8, path: '/paths/~1pets/get/responses' },
    ]);
  });

  it('when a JSON document has an operation without responses, then the warning is on its line too', async () => {
    const text = JSON.stringify(
      { openapi: '3.0.3', info: { title: 'Invalid', version: '1' }, paths: { '/pets': { get: { responses: {} } } } },
      null,
      2,
    );
    const { warnings } = described(await describeOpenApi(text));
    expect(warnings).toEqual([expect.objectContaining({ path: '/paths/~1pets/get/responses', line: 10 })]);
  });

  it('when a $ref names a schema that is not there, then the warning is on its line and the page says not found', async () => {
    const text = lines(
      'openapi: 3.0.3',
      'info: {title: Missing, version: "1"}',
      'paths:',
      '  /pets:',
      '    get:',
      '      responses:',
      "        '200':",
      '          description: ok',
      '          content:',
      '            application/json:',
      '              schema:',
      "                $ref: '#/components/schemas/Nope'",
    );
    const { description, warnings } = described(await describeOpenApi(text));
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('#/components/schemas/Nope'), line: 11 })]);
    expect(operation(description, 'get-pets').responses[0]?.content[0]?.schema).toEqual({
      constraints: ['$ref #/components/schemas/Nope not found'],
    });
  });

  it('when the version is a later 3.x, then it is shown and the warning says it was not validated', async () => {
    const text = lines(
      "openapi: '3.2.0'",
      'info: {title: Later, version: "1"}',
      'paths:',
      '  /a:',
      '    get: {responses: {"204": {description: none}}}',
    );
    const { description, warnings } = described(await describeOpenApi(text));
    expect(description.operationCount).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('not validated'), line: 1 })]);
  });

  it('when descriptions are longer than the limit, then they are cut with an ellipsis', async () => {
    const text = JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1', description: 'x'.repeat(50_000) }, paths: {} });
    const { description } = described(await describeOpenApi(text));
    expect(description.description).toHaveLength(DESCRIPTION_LIMITS.maxDescriptionChars);
    expect(description.description?.endsWith('…')).toBe(true);
  });
});

describe('documents built to hurt', () => {
  it('when YAML aliases make a schema and an example contain themselves, then the description ends and says so', async () => {
    const text = lines(
      'openapi: 3.0.3',
      'info: {title: Loops, version: "1"}',
      'paths:',
      '  /a:',
      '    get:',
      '      responses:',
      "        '200':",
      '          description: ok',
      '          content:',
      '            application/json:',
      '              schema: &node',
      '                type: object',
      '                properties:',
      '                  next: *node',
      '              example: &list [1, *list]',
    );
    const media = operation(described(await describeOpenApi(text)).description, 'get-a').responses[0]?.content[0];
    expect(media?.schema?.properties?.[0]?.schema).toEqual({ constraints: ['refers to itself'], truncated: true });
    expect(media?.examples[0]?.value).toBe('[\n  1,\n  "[Circular]"\n]');
  });

  it('when a YAML document nests deeper than any stack, then it is a problem, not an exception', async () => {
    const text = lines(
      'openapi: 3.0.3',
      'info: {title: Deep, version: "1"}',
      'paths: {}',
      `x-deep: ${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    );
    const result = await describeOpenApi(text);
    expect('problems' in result && result.problems[0]?.line).toBe(4);
  });

  it('when a JSON example nests two hundred thousand deep, then the description keeps a capped piece of it', async () => {
    const example = '['.repeat(200_000) + ']'.repeat(200_000);
    const text = `{"openapi":"3.0.3","info":{"title":"d","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"example":${example}}}}}}}}}`;
    const value = operation(described(await describeOpenApi(text)).description, 'get-a').responses[0]?.content[0]?.examples[0]?.value;
    expect(value).toHaveLength(DESCRIPTION_LIMITS.maxExampleChars);
    expect(value?.endsWith('…')).toBe(true);
  });
});

describe('operation ids', () => {
  it('when operationIds are not URL-safe, repeat, or are dot segments, then ids are made from method and path and made unique', async () => {
    const op = (operationId?: string) => ({
      ...(operationId === undefined ? {} : { operationId }),
      responses: { 204: { description: 'none' } },
    });
    const text = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'ids', version: '1' },
      paths: {
        '/repos/{owner}/{repo}': { get: op('repos/get'), put: op('..'), post: op('same'), delete: op('same') },
        '/pets': { get: op(), post: op('get-pets') },
      },
    });
    const { description } = described(await describeOpenApi(text));
    expect(operations(description).map((o) => o.id)).toEqual([
      'get-repos-owner-repo',
      'put-repos-owner-repo',
      'same',
      'same-2',
      'get-pets',
      'get-pets-2',
    ]);
  });
});

describe('references outside the document', () => {
  let server: CountingServer;
  beforeAll(async () => {
    server = await countingServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('when $refs point at a local file and at a URL, then nothing is fetched and warnings name both on their lines', async () => {
    const text = lines(
      'openapi: 3.1.0',
      'info: {title: Outside, version: "1"}',
      'paths:',
      '  /secrets:',
      '    get:',
      '      parameters:',
      `        - $ref: '${server.url}/parameters.yaml#/Secret'`,
      '      responses:',
      "        '200':",
      '          description: ok',
      '          content:',
      '            application/json:',
      "              schema: {$ref: 'file:///etc/passwd'}",
      "        '201':",
      '          description: ok',
      '          content:',
      '            application/json:',
      `              schema: {$ref: '${server.url}/x'}`,
    );
    const { description, warnings } = described(await describeOpenApi(text));
    expect(server.requests()).toBe(0);
    expect(warnings).toEqual([
      {
        message: `External $ref not followed: ${server.url}/parameters.yaml#/Secret`,
        line: 7,
        path: '/paths/~1secrets/get/parameters/0/$ref',
      },
      {
        message: 'External $ref not followed: file:///etc/passwd',
        line: 13,
        path: '/paths/~1secrets/get/responses/200/content/application~1json/schema/$ref',
      },
      {
        message: `External $ref not followed: ${server.url}/x`,
        line: 18,
        path: '/paths/~1secrets/get/responses/201/content/application~1json/schema/$ref',
      },
    ]);
    const responses = operation(description, 'get-secrets').responses;
    expect(responses[0]?.content[0]?.schema).toEqual({ constraints: ['external $ref file:///etc/passwd not followed'] });
    expect(responses[1]?.content[0]?.schema).toEqual({ constraints: [`external $ref ${server.url}/x not followed`] });
    expect(JSON.stringify(description)).not.toMatch(/root:|fetched from the network/);
  });
});
