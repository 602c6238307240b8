/**
 * Template parameters compiled as JSON Schema by ajv, with two limits a Template author
 * cannot get around:
 * - `pattern` and `patternProperties` run on RE2 (re2js) instead of JavaScript's
 *   backtracking RegExp: `^(a|a)*$` against a long value held the operator's (and the
 *   dashboard's) event loop for seconds. RE2 runs in linear time; re2js is a pure-JS port,
 *   synchronous as ajv's validators are, with no native build. A pattern RE2 cannot compile
 *   (backreference, lookaround) makes the parameters invalid, naming where it is.
 * - compiled validators are kept per Template uid and generation (a bounded cache), so a
 *   dashboard form check or a run does not compile the schema again each time.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import { compiledPattern, describeRe2Error } from '../shared/re2.ts';

/** How many compiled schemas are kept (Templates × generations × the two ajv modes). */
const CACHE_SIZE = 256;
const cache = new Map<string, { text: string; compiled: ValidateFunction | Error }>();

/**
 * ajv's regex engine: a JSON Schema pattern is ECMA-262 syntax, translated to RE2's
 * (named groups, `\u` escapes) by re2js, then compiled by RE2. ajv keys compiled patterns by
 * their string form, hence `toString`.
 */
export const re2RegExp = Object.assign(
  (pattern: string, flags: string) => {
    const re = compiledPattern(RE2JS.translateRegExp(pattern));
    return { test: (s: string) => re.test(s), toString: () => `/${pattern}/${flags}` };
  },
  { code: 're2js' },
);

// Values under these keywords are data, not schemas: a `pattern` key there is not a regex.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/**
 * Every `pattern` and `patternProperties` key RE2 cannot compile, as
 * `parameters.properties.name.pattern: why`; empty when all compile.
 */
export function patternProblems(schema: unknown, at = 'parameters'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => patternProblems(s, `${at}[${i}]`));
  if (!schema || typeof schema !== 'object') return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const path = `${at}.${key}`;
    if (key === 'pattern' && typeof value === 'string') problems.push(...re2Problem(value, path));
    if (key === 'patternProperties' && value && typeof value === 'object') {
      for (const p of Object.keys(value)) problems.push(...re2Problem(p, `${path}[${JSON.stringify(p)}]`));
    }
    problems.push(...patternProblems(value, path));
  }
  return problems;
}

function re2Problem(pattern: string, path: string): string[] {
  try {
    compiledPattern(RE2JS.translateRegExp(pattern));
    return [];
  } catch (error) {
    return [`${path}: ${describeRe2Error(error, pattern)}`];
  }
}

/**
 * The parameters compiled by ajv (all errors reported, or defaults filled in), from the cache
 * when `cacheKey` (the Template's uid and generation) was compiled before; an Error when they
 * are not a usable schema. A cached entry is used only for the very parameters it was
 * compiled from: a key is a promise of the caller's, the text is checked.
 */
export function compiledParameters(
  parameters: Record<string, unknown>,
  mode: 'check' | 'defaults',
  cacheKey?: string,
): ValidateFunction | Error {
  if (cacheKey === undefined) return compile(parameters, mode);
  const key = `${mode}|${cacheKey}`;
  const text = JSON.stringify(parameters);
  const known = cache.get(key);
  // Most recently used last, so the least recently used is dropped first.
  cache.delete(key);
  const entry = known?.text === text ? known : { text, compiled: compile(parameters, mode) };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
  return entry.compiled;
}

function compile(parameters: Record<string, unknown>, mode: 'check' | 'defaults'): ValidateFunction | Error {
  const problems = patternProblems(parameters);
  if (problems.length > 0) return new Error(problems.join('; '));
  const ajv = new Ajv({ strict: false, code: { regExp: re2RegExp }, ...(mode === 'check' ? { allErrors: true } : { useDefaults: true }) });
  addFormats.default(ajv);
  try {
    return ajv.compile(parameters);
  } catch (error) {
    return error as Error;
  }
}

/** The cache key of a Template's parameters: its uid and generation, when it has a uid. */
export function parametersCacheKey(t: { metadata: { uid?: string; generation?: number } }): string | undefined {
  return t.metadata.uid ? `${t.metadata.uid}@${t.metadata.generation ?? 0}` : undefined;
}
