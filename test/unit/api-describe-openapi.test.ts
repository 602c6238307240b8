import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOpenApi } from '../../src/api-definitions/describe-openapi.ts';
import { DESCRIPTION_LIMITS, type OpenApiDescription } from '../../src/api-definitions/model.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { described, lines, operation, operations } from '../support/openapi-descriptions.ts';

const EXAMPLES = join(projectRoot(), 'node_modules', '@readme', 'oas-examples');
const GITHUB = join(projectRoot(), 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');

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
