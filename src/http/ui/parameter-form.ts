/**
 * A plain HTML form generated from a Template's parameters (JSON Schema draft-07), and the
 * run values read back from what it submitted. Pure: the query string in, fields and values
 * out. The form only helps people write values; the operator's check (ajv) stays the judge.
 */

import { SECRET_FIELD } from '../../templates/secret-parameters.ts';
import { commaSeparated } from '../../shared/comma-separated.ts';

type Schema = Record<string, unknown>;

/** How a parameter is edited: one control per JSON Schema shape the form understands. */
export type FieldControl = 'text' | 'integer' | 'number' | 'checkbox' | 'select' | 'list' | 'json' | 'secret';

export interface FormField {
  /** Property name, also the name of the input (so a shared URL carries the values). */
  name: string;
  id: string;
  label: string;
  hint: string;
  control: FieldControl;
  required: boolean;
  /** What the control shows: the submitted text, else the schema's default. */
  value: string;
  checked: boolean;
  options: { value: string; label: string; selected: boolean }[];
  min: number | undefined;
  max: number | undefined;
  messages: string[];
}

/** The submitted form as flat strings; a key that is absent was not submitted. */
export type FormQuery = Record<string, string | undefined>;

/**
 * Marks a submitted form. An unchecked checkbox sends nothing, so without it a form of
 * checkboxes alone could not tell "submitted with all off" from "not submitted yet".
 */
export const SUBMITTED = '_check';

const HOW_TO_ENTER: Partial<Record<FieldControl, string>> = {
  list: 'Separate items with commas.',
  json: 'As JSON.',
  secret: 'Secret: this page never sends it anywhere. Put it in the Secret shown with the run, not in the run itself.',
};

const isSchema = (x: unknown): x is Schema => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The one type a property has; `["string", "null"]` counts as string. */
function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const real = type.filter((t) => t !== 'null');
    return real.length === 1 && typeof real[0] === 'string' ? real[0] : undefined;
  }
  return undefined;
}

const primitive = (x: unknown): x is string | number | boolean => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

function controlOf(schema: unknown): FieldControl {
  if (!isSchema(schema)) return 'json';
  if (schema['ui:field'] === SECRET_FIELD) return 'secret';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(primitive)) return 'select';
  const type = typeOf(schema);
  if (type === 'string') return 'text';
  if (type === 'integer' || type === 'number') return type;
  if (type === 'boolean') return 'checkbox';
  if (type === 'array' && isSchema(schema.items) && typeOf(schema.items) === 'string' && !Array.isArray(schema.items.enum)) return 'list';
  return 'json';
}

/** A default as the control shows it. */
function shown(value: unknown, control: FieldControl): string {
  if (value === undefined) return '';
  if (control === 'list' && Array.isArray(value)) return value.join(', ');
  if (control === 'json') return JSON.stringify(value, null, 2);
  return primitive(value) ? String(value) : JSON.stringify(value);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * One submitted text as a value of the property's type; undefined when left empty. Text that
 * is not of the type is kept as written, so the check names the problem in its own words.
 */
function coerce(schema: unknown, control: FieldControl, raw: string | undefined): { value?: unknown; problem?: string } {
  if (control === 'checkbox') return { value: raw !== undefined };
  const text = (raw ?? '').trim();
  if (text === '') return {};
  switch (control) {
    case 'integer':
    case 'number':
      return { value: NUMBER.test(text) ? Number(text) : text };
    case 'select': {
      const options = isSchema(schema) && Array.isArray(schema.enum) ? schema.enum : [];
      return { value: options.find((o) => String(o) === text) ?? text };
    }
    case 'list': {
      const items = commaSeparated(text);
      return items.length ? { value: items } : {};
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { problem: `is not valid JSON: ${(error as Error).message}` };
      }
    default:
      return { value: text };
  }
}

/**
 * The parameters' properties in the order the author wants them. The apiserver keeps a
 * schema's keys sorted, not as written, so the order comes from `ui:order` (as in Backstage
 * and react-jsonschema-form, with "*" for the rest) or else: required fields as listed in
 * `required`, then the others.
 */
function properties(parameters: Schema | undefined): [string, unknown][] {
  const props = parameters?.properties;
  if (!isSchema(props)) return [];
  const names = Object.keys(props).filter((name) => name !== SUBMITTED);
  const listed = (key: string): string[] =>
    Array.isArray(parameters?.[key]) ? (parameters[key] as unknown[]).filter((n): n is string => typeof n === 'string') : [];
  const order = listed('ui:order').length > 0 ? listed('ui:order') : [...listed('required'), '*'];
  const known = (list: string[]) => list.filter((n) => names.includes(n));
  const star = order.indexOf('*');
  const before = known(star === -1 ? order : order.slice(0, star));
  const after = known(star === -1 ? [] : order.slice(star + 1));
  const others = names.filter((n) => !before.includes(n) && !after.includes(n));
  return [...before, ...others, ...after].map((name) => [name, props[name]]);
}

export interface ReadForm {
  fields: FormField[];
  submitted: boolean;
  /** The values the form submitted, in parameter order; empty fields are left out. */
  values: Record<string, unknown>;
}

/**
 * The form for a template's parameters, filled from the query when it was submitted and
 * from the schema's defaults otherwise (the operator does not apply defaults, so a run only
 * gets one when the form carries it).
 */
export function readForm(parameters: Schema | undefined, query: FormQuery): ReadForm {
  const submitted = query[SUBMITTED] !== undefined;
  const required = new Set(Array.isArray(parameters?.required) ? parameters.required.filter((r) => typeof r === 'string') : []);
  const values: Record<string, unknown> = {};
  const fields = properties(parameters).map(([name, schema], index): FormField => {
    const control = controlOf(schema);
    const s: Schema = isSchema(schema) ? schema : {};
    // A secret field is never read from (nor written back into) the URL: its value stays in the browser.
    const raw = control === 'secret' ? undefined : query[name];
    const value = control === 'secret' ? '' : submitted ? (raw ?? '') : shown(s.default, control);
    const messages: string[] = [];
    if (submitted && control !== 'secret') {
      const read = coerce(schema, control, raw);
      if (read.problem) messages.push(`values.${name} ${read.problem}`);
      else if (read.value !== undefined) values[name] = read.value;
    }
    const isRequired = required.has(name);
    const options =
      control === 'select'
        ? [
            // Empty choice unless a default already picks one: an optional field may stay unset.
            ...(isRequired && s.default !== undefined ? [] : [{ value: '', label: isRequired ? 'choose…' : '(none)' }]),
            ...(s.enum as (string | number | boolean)[]).map((o) => ({ value: String(o), label: String(o) })),
          ].map((o) => ({ ...o, selected: o.value === value }))
        : [];
    const description = typeof s.description === 'string' ? s.description.trim() : '';
    const hints = [description && !/[.!?:]$/.test(description) ? `${description}.` : description, HOW_TO_ENTER[control] ?? ''];
    return {
      name,
      id: `field-${index}`,
      label: typeof s.title === 'string' && s.title ? s.title : name,
      hint: hints.filter(Boolean).join(' '),
      control,
      required: isRequired,
      value,
      checked: control === 'checkbox' && (submitted ? raw !== undefined : s.default === true),
      options,
      min: typeof s.minimum === 'number' ? s.minimum : undefined,
      max: typeof s.maximum === 'number' ? s.maximum : undefined,
      messages,
    };
  });
  return { fields, submitted, values };
}

/**
 * Puts each check message beside the field it is about (`values.<name>…`); the rest (the
 * values as a whole, or names that are not parameters) are returned to show above the form.
 */
export function placeMessages(fields: FormField[], messages: string[]): string[] {
  const longestFirst = [...fields].sort((a, b) => b.name.length - a.name.length);
  const general: string[] = [];
  for (const message of messages) {
    const field = longestFirst.find((f) => {
      const prefix = `values.${f.name}`;
      return message.startsWith(prefix) && [' ', '.', undefined].includes(message[prefix.length]);
    });
    if (field) field.messages.push(message);
    else general.push(message);
  }
  return general;
}
