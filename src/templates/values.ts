import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

export type ValuesCheck = { ok: true } | { ok: false; messages: string[] };

function describe(error: ErrorObject): string {
  const at = `values${error.instancePath.replaceAll('/', '.')}`;
  if (error.keyword === 'required') return `${at}.${(error.params as { missingProperty: string }).missingProperty} is required`;
  if (error.keyword === 'additionalProperties') return `${at}.${(error.params as { additionalProperty: string }).additionalProperty} is not a parameter of this template`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/**
 * Checks run values against a template's parameters (JSON Schema draft-07) with ajv, a kept
 * validator, reporting every problem at once with the path of the value, so one failed run
 * tells the author everything to fix.
 */
/** Why a template's parameters are not a usable JSON Schema, or undefined when they are. */
export function parametersError(parameters: Record<string, unknown> | undefined): string | undefined {
  if (!parameters) return undefined;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  try {
    ajv.compile(parameters);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function checkValues(parameters: Record<string, unknown> | undefined, values: unknown): ValuesCheck {
  if (!parameters) return { ok: true };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  let validate;
  try {
    validate = ajv.compile(parameters);
  } catch (error) {
    return { ok: false, messages: [`the template's parameters are not a valid JSON Schema: ${(error as Error).message}`] };
  }
  if (validate(values ?? {})) return { ok: true };
  return { ok: false, messages: (validate.errors ?? []).map(describe) };
}

/**
 * The values a run renders with: its own, plus the defaults its template's parameters
 * declare (ajv's useDefaults), so a skeleton can rely on `values.port` when the schema
 * says `default: 8080`. The run's spec stays as the user wrote it.
 */
export function valuesWithDefaults(parameters: Record<string, unknown> | undefined, values: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy = structuredClone(values ?? {});
  if (!parameters) return copy;
  const ajv = new Ajv({ strict: false, useDefaults: true });
  addFormats.default(ajv);
  try {
    ajv.compile(parameters)(copy);
  } catch {
    // An invalid schema was already reported by checkValues; render with the values as given.
  }
  return copy;
}
