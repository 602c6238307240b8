import { cutText, exampleText, label } from './definition-text.ts';
import { followRefs, isRecord, type Followed } from './json-pointer.ts';
import type { SchemaReader } from './json-schema.ts';
import { DESCRIPTION_LIMITS, type Example, type MediaView, type SchemaView } from './model.ts';

/**
 * The parts of an OpenAPI operation that carry schemas and examples — media types, headers,
 * examples — read from the document as written (named schemas stay references), for Swagger 2
 * and OpenAPI 3.x alike.
 */

/** What every part of one document is read with. */
export interface OpenApiContext {
  doc: Record<string, unknown>;
  schemas: SchemaReader;
  swagger2: boolean;
}

/** The object a `$ref` leads to, or undefined (with `why`) when it cannot be followed. */
export function followed(ctx: OpenApiContext, value: unknown): { value?: Record<string, unknown>; why?: string } {
  const result: Followed = followRefs(ctx.doc, value);
  if ('value' in result) return isRecord(result.value) ? { value: result.value } : {};
  if ('external' in result) return { why: `external $ref ${label(result.external) ?? ''} not followed` };
  if ('missing' in result) return { why: `$ref ${label(result.missing) ?? ''} not found` };
  return { why: `$ref ${label(result.circular) ?? ''} refers to itself` };
}

/** OpenAPI 3's `content` map: one MediaView per media type, in the document's order. */
export function mediaViews(ctx: OpenApiContext, content: unknown): MediaView[] {
  if (!isRecord(content)) return [];
  return Object.keys(content)
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((mediaType) => {
      const media = isRecord(content[mediaType]) ? content[mediaType] : {};
      const schema = media.schema === undefined ? undefined : ctx.schemas.view(media.schema);
      return { mediaType: label(mediaType) ?? '', ...(schema ? { schema } : {}), examples: examplesOf(ctx, media) };
    });
}

/** A media type's (or a parameter's) examples: `example`, then the named `examples`. */
export function examplesOf(ctx: OpenApiContext, holder: Record<string, unknown>): Example[] {
  const examples: Example[] = [];
  if (holder.example !== undefined) examples.push({ value: exampleText(holder.example) });
  if (isRecord(holder.examples)) {
    for (const name of Object.keys(holder.examples).slice(0, DESCRIPTION_LIMITS.maxListed - examples.length)) {
      const { value: example, why } = followed(ctx, holder.examples[name]);
      examples.push({ name: label(name) ?? '', ...exampleBody(example, why) });
    }
  }
  return examples;
}

function exampleBody(example: Record<string, unknown> | undefined, why: string | undefined): Omit<Example, 'name'> {
  if (!example) return { value: why ?? '' };
  const summary = label(example.summary);
  const value =
    example.value !== undefined
      ? exampleText(example.value)
      : typeof example.externalValue === 'string'
        ? `An external example, not fetched: ${label(example.externalValue) ?? ''}`
        : '';
  return summary ? { summary, value } : { value };
}

/** Response headers (OpenAPI 3 header objects, or Swagger 2's, which are schemas themselves). */
export function headerViews(ctx: OpenApiContext, headers: unknown): { name: string; description?: string; schema?: SchemaView }[] {
  if (!isRecord(headers)) return [];
  return Object.keys(headers)
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((name) => {
      const { value: header, why } = followed(ctx, headers[name]);
      const description = cutText(header?.description) ?? why;
      const schema = header && parameterSchema(ctx, header);
      return { name: label(name) ?? '', ...(description ? { description } : {}), ...(schema ? { schema } : {}) };
    });
}

/** Keywords of a Swagger 2 parameter or header that are not its schema. */
const NOT_SCHEMA = new Set(['name', 'in', 'required', 'description', 'allowEmptyValue', 'example', 'examples', 'x-example']);

/**
 * The schema of a parameter or header: OpenAPI 3's `schema` (or the first of its `content`),
 * or in Swagger 2 the object itself (`type`, `format`, `items`, `enum` …) less its own fields.
 */
export function parameterSchema(ctx: OpenApiContext, holder: Record<string, unknown>): SchemaView | undefined {
  if (holder.schema !== undefined) return ctx.schemas.view(holder.schema);
  if (isRecord(holder.content)) {
    const first = Object.values(holder.content)[0];
    return isRecord(first) && first.schema !== undefined ? ctx.schemas.view(first.schema) : undefined;
  }
  if (!ctx.swagger2 || holder.type === undefined) return undefined;
  return ctx.schemas.view(Object.fromEntries(Object.entries(holder).filter(([key]) => !NOT_SCHEMA.has(key))));
}
