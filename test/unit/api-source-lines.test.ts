import { describe, expect, it } from '@jest/globals';
import { readSource, type SourceDocument } from '../../src/api-definitions/source-lines.ts';

function source(text: string): SourceDocument {
  const reading = readSource(text);
  if (!('source' in reading)) throw new Error(JSON.stringify(reading.problems));
  return reading.source;
}

const JSON_TEXT = [
  '{',
  '  "paths": {',
  '    "/pets/{id}": {',
  '      "get": {"summary": "a \\"quoted\\" ] } , string",',
  '        "parameters": [',
  '          {"name": "id"},',
  '          {"name": "q",',
  '           "in": "query"}',
  '        ]',
  '      }',
  '    },',
  '    "escaped\\u002fkey~": 1',
  '  }',
  '}',
].join('\n');

const YAML_TEXT = [
  'paths:',
  '  /pets/{id}:',
  '    get:',
  '      summary: a "quoted" ] } , string',
  '      parameters:',
  '        - name: id',
  '        - name: q',
  '          in: query',
  '  escaped/key~: 1',
].join('\n');

describe('the lines of JSON pointers', () => {
  it.each([
    ['', 1, 1],
    ['/paths', 2, 1],
    ['/paths/~1pets~1{id}/get', 4, 3],
    ['/paths/~1pets~1{id}/get/parameters', 5, 5],
    ['/paths/~1pets~1{id}/get/parameters/1', 7, 7],
    ['/paths/~1pets~1{id}/get/parameters/1/in', 8, 8],
    ['/paths/escaped~1key~0', 12, 9],
  ])('when %s is asked for, then JSON gives line %i and YAML line %i', (pointer, jsonLine, yamlLine) => {
    expect(source(JSON_TEXT).lineOf(pointer)).toBe(jsonLine);
    expect(source(YAML_TEXT).lineOf(pointer)).toBe(yamlLine);
  });

  it('when a pointer goes further than the document, then the line is that of the deepest part that exists', () => {
    expect(source(JSON_TEXT).lineOf('/paths/~1pets~1{id}/get/responses/200')).toBe(4);
    expect(source(YAML_TEXT).lineOf('/paths/~1pets~1{id}/get/responses/200')).toBe(3);
    expect(source(JSON_TEXT).lineOf('/paths/~1pets~1{id}/get/parameters/7')).toBe(5);
  });

  it('when JSON and YAML say the same, then they read as the same data', () => {
    expect(source(JSON_TEXT).value).toEqual(source(YAML_TEXT).value);
  });
});

describe('text that does not parse', () => {
  it.each([
    ['a value starts with a reserved character', 'a: 1\nb: @x\n', 2, 4],
    ['a line is indented with a tab', 'a: 1\n\tb: 2\n', 2, 1],
    ['a mapping is nested on one line', 'a: 1\nb: c: d\ne: 2\n', 2, 4],
  ])('when YAML is broken (%s), then the problem has its line and column', (_what, text, line, column) => {
    expect(readSource(text)).toEqual({ problems: [expect.objectContaining({ line, column })] });
  });

  it('when JSON has a trailing comma, then YAML reads it all the same', () => {
    expect(source('{"a": [1, 2,],}').value).toEqual({ a: [1, 2] });
  });

  it('when aliases expand past the limit (a billion laughs), then it is a problem, not a huge value', () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const reading = readSource(laughs.join('\n'));
    expect('problems' in reading && reading.problems[0]?.message).toMatch(/alias/i);
  });
});
