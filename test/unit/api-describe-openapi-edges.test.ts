import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeOpenApi } from '../../src/api-definitions/describe-openapi.ts';
import { DESCRIPTION_LIMITS } from '../../src/api-definitions/model.ts';
import { countingServer, type CountingServer } from '../support/counting-server.ts';
import { described, lines, operation, operations } from '../support/openapi-descriptions.ts';

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
