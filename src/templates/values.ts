import type { ErrorObject } from 'ajv';
import { compiledParameters } from './parameter-schema.ts';

export type ValuesCheck = { ok: true } | { ok: false; messages: string[] };

function describe(error: ErrorObject): string {
  const at = `values${error.instancePath.replaceAll('/', '.')}`;
  if (error.keyword === 'required') return `${at}.${(error.params as { missingProperty: string }).missingProperty} is required`;
  if (error.keyword === 'additionalProperties')
    return `${at}.${(error.params as { additionalProperty: string }).additionalProperty} is not a parameter of this template`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/**
 * Checks run values against a template's parameters (JSON Schema draft-07) with ajv, a kept
 * validator, reporting every problem at once with the path of the value, so one failed run
 * tells the author everything to fix.
 */
/**
 * Why a template's parameters are not a usable JSON Schema (or use a pattern RE2 cannot
 * run), or undefined when they are. `cacheKey` (see parametersCacheKey) reuses the compiled
 * schema of the same Template generation.
 */
export function parametersError(parameters: Record<string, unknown> | undefined, cacheKey?: string): string | undefined {
  if (!parameters) return undefined;
  const compiled = compiledParameters(parameters, 'check', cacheKey);
  return compiled instanceof Error ? compiled.message : undefined;
}

export function checkValues(parameters: Record<string, unknown> | undefined, values: unknown, cacheKey?: string): ValuesCheck {
  if (!parameters) return { ok: true };
  const validate = compiledParameters(parameters, 'check', cacheKey);
  if (validate instanceof Error)
    return { ok: false, messages: [`the template's parameters are not a valid JSON Schema: ${validate.message}`] };
  if (validate(values ?? {})) return { ok: true };
  return { ok: false, messages: (validate.errors ?? []).map(describe) };
}

/**
 * The values a run renders with: its own, plus the defaults its template's parameters
 * declare (ajv's useDefaults), so a skeleton can rely on `values.port` when the schema
 * says `default: 8080`. The run's spec stays as the user wrote it.
 */
export function valuesWithDefaults(
  parameters: Record<string, unknown> | undefined,
  values: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const copy = structuredClone(values ?? {});
  if (!parameters) return copy;
  const fill = compiledParameters(parameters, 'defaults');
  // An invalid schema was already reported by checkValues; render with the values as given.
  if (!(fill instanceof Error)) fill(copy);
  return copy;
}
