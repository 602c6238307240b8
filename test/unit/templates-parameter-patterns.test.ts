import { describe, expect, it } from '@jest/globals';
import { compiledParameters, parametersCacheKey } from '../../src/templates/parameter-schema.ts';
import { checkValues, parametersError, valuesWithDefaults } from '../../src/templates/values.ts';

const exponential = { type: 'object', properties: { name: { type: 'string', pattern: '^(a|a)*$' } } };

describe('Template parameter patterns on RE2', () => {
  it('when a catastrophic-backtracking pattern checks a long non-matching value, then the check completes and reports the field', () => {
    const check = checkValues(exponential, { name: `${'a'.repeat(5_000)}!` });
    expect(check).toEqual({ ok: false, messages: ['values.name must match pattern "^(a|a)*$"'] });
    expect(checkValues(exponential, { name: 'a'.repeat(5_000) })).toEqual({ ok: true });
  });

  it('when patterns use ECMAScript syntax RE2 also has (named groups, \\d, \\u escapes), then they validate as before', () => {
    const parameters = {
      type: 'object',
      properties: { port: { type: 'string', pattern: '^(?<digits>\\d{2,5})$' }, accent: { type: 'string', pattern: '^caf\\u00e9$' } },
      patternProperties: { '^x-[a-z]+$': { type: 'string' } },
    };
    expect(checkValues(parameters, { port: '8080', accent: 'café', 'x-team': 'a' })).toEqual({ ok: true });
    expect(checkValues(parameters, { port: 'http', 'x-team': 1 })).toEqual({
      ok: false,
      messages: ['values.port must match pattern "^(?<digits>\\d{2,5})$"', 'values.x-team must be string'],
    });
  });

  it('when a parameter pattern uses a backreference or lookahead, then the parameters are invalid naming the parameter and pattern offset', () => {
    const parameters = {
      type: 'object',
      properties: { repeated: { type: 'string', pattern: '^(a)\\1$' }, ahead: { type: 'string', default: 'x', pattern: 'a(?=b)' } },
      patternProperties: { '(?<!x)y': {} },
    };
    const error = parametersError(parameters);
    expect(error).toContain(
      'parameters.properties.repeated.pattern: RE2 cannot compile pattern "^(a)\\\\1$": invalid escape sequence "\\\\1" at pattern offset 4',
    );
    expect(error).toContain('parameters.properties.ahead.pattern: RE2 cannot compile');
    expect(error).toContain('parameters.patternProperties["(?<!x)y"]: RE2 cannot compile');
    expect(checkValues(parameters, {})).toEqual({
      ok: false,
      messages: [expect.stringContaining("the template's parameters are not a valid JSON Schema: parameters.properties.repeated.pattern")],
    });
  });

  it('when a default or enum holds a "pattern" key, then it is data and not checked as a regex', () => {
    expect(
      parametersError({ type: 'object', default: { pattern: '(a)\\1' }, properties: { p: { enum: [{ pattern: '(?=a)' }] } } }),
    ).toBeUndefined();
  });

  it('when the same Template generation is checked twice, then its compiled schema is reused; new parameters compile afresh', () => {
    const first = { metadata: { uid: 'u-1', generation: 1 } };
    const compiled = compiledParameters(exponential, 'check', parametersCacheKey(first));
    expect(compiledParameters(exponential, 'check', parametersCacheKey(first))).toBe(compiled);
    const changed = { type: 'object', properties: { name: { type: 'string', maxLength: 1 } } };
    const next = compiledParameters(changed, 'check', parametersCacheKey({ metadata: { uid: 'u-1', generation: 2 } }));
    expect(next).not.toBe(compiled);
    expect(checkValues(changed, { name: 'ab' }, parametersCacheKey({ metadata: { uid: 'u-1', generation: 2 } }))).toEqual({
      ok: false,
      messages: ['values.name must NOT have more than 1 characters'],
    });
    // Other parameters under a key already used (a test fixture, a recreated object) are compiled, not mistaken.
    expect(checkValues(changed, { name: 'ab' }, parametersCacheKey(first))).toEqual({
      ok: false,
      messages: ['values.name must NOT have more than 1 characters'],
    });
    expect(parametersCacheKey({ metadata: {} })).toBeUndefined();
  });

  it('when defaults are filled in, then a schema with patterns still gives the declared defaults', () => {
    expect(
      valuesWithDefaults({ type: 'object', properties: { name: { type: 'string', pattern: '^[a-z]+$', default: 'svc' } } }, {}),
    ).toEqual({ name: 'svc' });
  });
});
