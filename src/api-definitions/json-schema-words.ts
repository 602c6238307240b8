import { exampleText, label, MAX_LABEL_CHARS } from './definition-text.ts';
import { isRecord } from './json-pointer.ts';

/**
 * The parts of a JSON Schema a page says in words rather than draws (model.ts's
 * SchemaView.constraints): bounds, patterns, and keywords a reader should know are there
 * (`prefixItems`, `if`/`then`) without the page expanding them. Covers draft 4 (Swagger 2,
 * OpenAPI 3.0, where exclusiveMinimum is a flag on minimum) and 2020-12 (OpenAPI 3.1, AsyncAPI).
 */

const COUNTS = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minContains',
  'maxContains',
  'multipleOf',
];
const TEXTS = ['pattern', 'contentMediaType', 'contentEncoding', 'collectionFormat', '$dynamicRef'];

/** The constraints of schema object `node`, in a stable order. */
export function constraintWords(node: Record<string, unknown>): string[] {
  const words: string[] = [];
  const say = (word: string | undefined) => {
    if (word !== undefined) words.push(label(word) ?? word.slice(0, MAX_LABEL_CHARS));
  };
  say(bound(node, 'minimum', 'exclusiveMinimum'));
  say(bound(node, 'maximum', 'exclusiveMaximum'));
  for (const key of COUNTS) if (typeof node[key] === 'number') say(`${key} ${String(node[key])}`);
  for (const key of TEXTS) if (typeof node[key] === 'string') say(`${key} ${node[key] as string}`);
  if (node.uniqueItems === true) say('uniqueItems');
  if (Array.isArray(node.prefixItems)) say(`prefixItems: ${node.prefixItems.length} ${plural(node.prefixItems.length, 'item')} in order`);
  if (Array.isArray(node.items)) say(`items: a tuple of ${node.items.length}`);
  if (node.contains !== undefined) say('contains: some item must match a schema');
  if (isRecord(node.patternProperties)) say(`patternProperties ${Object.keys(node.patternProperties).join(', ')}`);
  if (isRecord(node.propertyNames)) say(`propertyNames ${describeBriefly(node.propertyNames)}`);
  if (isRecord(node.dependentRequired)) say(`dependentRequired ${Object.keys(node.dependentRequired).join(', ')}`);
  if (isRecord(node.dependentSchemas)) say(`dependentSchemas ${Object.keys(node.dependentSchemas).join(', ')}`);
  if (node.if !== undefined) say(`if/then/else${node.then === undefined && node.else === undefined ? ' (without then or else)' : ''}`);
  if (node.additionalProperties === false) say('no other properties');
  if (node.unevaluatedProperties === false) say('no unevaluated properties');
  if (node.unevaluatedItems === false) say('no unevaluated items');
  if (isRecord(node.discriminator) && typeof node.discriminator.propertyName === 'string') {
    say(`discriminator ${node.discriminator.propertyName}`);
  } else if (typeof node.discriminator === 'string') {
    say(`discriminator ${node.discriminator}`);
  }
  return words;
}

/** `minimum 0`, or `exclusiveMinimum 0` for both the draft-4 flag and the 2020-12 number. */
function bound(node: Record<string, unknown>, inclusive: string, exclusive: string): string | undefined {
  const value = node[inclusive];
  const flag = node[exclusive];
  if (typeof flag === 'number') return `${exclusive} ${flag}`;
  if (typeof value !== 'number') return undefined;
  return flag === true ? `${exclusive} ${value}` : `${inclusive} ${value}`;
}

function describeBriefly(schema: Record<string, unknown>): string {
  if (typeof schema.pattern === 'string') return `pattern ${schema.pattern}`;
  return exampleText(schema, 200).replace(/\s+/g, ' ');
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
