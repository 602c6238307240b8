import { isRecord } from './model.ts';

/** One JSON Schema for a Greenroom Template, and what was changed or dropped on the way. */
export interface MergedParameters {
  schema: Record<string, unknown>;
  skipped: string[];
  warnings: string[];
}

/** Greenroom's dashboard reads these `ui:` keys; it also takes `ui:field: Secret` (a value kept in a Secret). */
const SECRET_FIELD = 'Secret';
/** Form hints that change what a value is or who may change it, not only how the field looks. */
const BEHAVIOURAL = new Set(['ui:field', 'ui:widget', 'ui:readonly', 'ui:disabled']);
/** Keywords that constrain across fields; kept (ajv checks them) under one allOf. */
const CONDITIONAL = ['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not'];

/**
 * Merges Backstage's parameter pages (one object or an array) into one draft-07 JSON Schema:
 * properties in page order (the first page defining a name keeps it), `required` unioned,
 * `dependencies` merged, conditionals kept under `allOf`. `ui:*` hints are dropped and
 * reported — as skipped when they change behaviour (a picker, a password widget), as
 * warnings when they only change the look; `ui:field: Secret` stays, Greenroom has it.
 * A RepoUrlPicker field becomes a plain URI: Greenroom pushes to the repository's URL.
 */
export function mergeParameters(parameters: unknown): MergedParameters {
  const pages = (Array.isArray(parameters) ? parameters : parameters === undefined ? [] : [parameters]).filter(isRecord);
  const out: MergedParameters = { schema: {}, skipped: [], warnings: [] };
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const dependencies: Record<string, unknown> = {};
  const allOf: unknown[] = [];
  const cosmetic: string[] = [];
  for (const [index, page] of pages.entries()) {
    const at = pages.length > 1 ? `spec.parameters[${index}]` : 'spec.parameters';
    for (const [name, schema] of Object.entries(isRecord(page.properties) ? page.properties : {})) {
      if (name in properties) {
        out.skipped.push(`${at}.properties.${name}: defined on an earlier page too; the first definition is kept`);
        continue;
      }
      properties[name] = cleanProperty(schema, `${at}.properties.${name}`, out, cosmetic);
    }
    for (const name of Array.isArray(page.required) ? page.required : []) if (!required.includes(name)) required.push(name);
    if (isRecord(page.dependencies)) Object.assign(dependencies, stripUi(page.dependencies, `${at}.dependencies`, out, cosmetic));
    const conditional = Object.fromEntries(CONDITIONAL.filter((key) => key in page).map((key) => [key, page[key]]));
    if (Object.keys(conditional).length > 0) allOf.push(stripUi(conditional, at, out, cosmetic));
    for (const key of Object.keys(page).filter((k) => k.startsWith('backstage:')))
      out.skipped.push(`${at}.${key}: Backstage permissions on parameters have no Greenroom counterpart (RBAC on TemplateRuns decides)`);
  }
  if (pages.length > 1) out.warnings.push(`spec.parameters: ${pages.length} pages merged into one form (page titles dropped)`);
  if (Object.keys(dependencies).length > 0 || allOf.length > 0)
    out.warnings.push(
      'spec.parameters: dependencies/if/allOf kept: run values are checked against them, but the dashboard form shows only the top-level properties',
    );
  if (cosmetic.length > 0) out.warnings.push(`form hints dropped (they only change the look): ${cosmetic.join(', ')}`);
  out.schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    ...(required.length > 0 ? { required } : {}),
    // The apiserver returns keys sorted; ui:order keeps the order the pages had.
    'ui:order': Object.keys(properties),
    properties,
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    ...(allOf.length > 0 ? { allOf } : {}),
  };
  return out;
}

/** One property: a RepoUrlPicker becomes a URI field; `ui:*` hints are dropped and reported. */
function cleanProperty(schema: unknown, at: string, out: MergedParameters, cosmetic: string[]): unknown {
  if (isRecord(schema) && schema['ui:field'] === 'RepoUrlPicker') {
    out.warnings.push(
      `${at}: RepoUrlPicker (host?owner=…&repo=…) became a URI field (its ui:options, such as allowedHosts, dropped): Greenroom pushes to the repository's https URL, e.g. https://github.com/acme/orders.git`,
    );
    const { title, description } = schema;
    return {
      type: 'string',
      format: 'uri',
      ...(title === undefined ? {} : { title }),
      description: typeof description === 'string' ? description : 'The https URL of the repository to create and push to.',
    };
  }
  return stripUi(schema, at, out, cosmetic);
}

/** A copy of a schema without `ui:*` keys (but `ui:field: Secret`), each dropped one reported. */
function stripUi(schema: unknown, at: string, out: MergedParameters, cosmetic: string[]): unknown {
  if (Array.isArray(schema)) return schema.map((item, i) => stripUi(item, `${at}[${i}]`, out, cosmetic));
  if (!isRecord(schema)) return schema;
  const copy: Record<string, unknown> = {};
  const picker = typeof schema['ui:field'] === 'string' && schema['ui:field'] !== SECRET_FIELD;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'ui:field' && value === SECRET_FIELD) copy[key] = value;
    else if (BEHAVIOURAL.has(key) || (key === 'ui:options' && picker))
      out.skipped.push(`${at}.${key}: ${JSON.stringify(value)} dropped: ${behaviour(key, value)}`);
    else if (key.startsWith('ui:')) cosmetic.push(`${at}.${key}`);
    else copy[key] = ['default', 'const', 'enum', 'examples'].includes(key) ? value : stripUi(value, `${at}.${key}`, out, cosmetic);
  }
  return copy;
}

function behaviour(key: string, value: unknown): string {
  if (key === 'ui:widget' && value === 'password')
    return 'the dashboard shows the value as plain text and keeps it in the TemplateRun; use ui:field: Secret for a secret';
  if (key === 'ui:field') return `the dashboard has no ${String(value)}; it shows a field for the schema's type`;
  if (key === 'ui:options') return "the picker's options go with it";
  return 'the dashboard has no such form control';
}
