import { cutText, exampleText, label } from './definition-text.ts';
import { isRecord } from './json-pointer.ts';
import { DESCRIPTION_LIMITS, type MediaView, type OpenApiOperation } from './model.ts';
import { examplesOf, followed, headerViews, mediaViews, parameterSchema, type OpenApiContext } from './openapi-media.ts';

/**
 * The operations of an OpenAPI document (every method of every path), each with its merged
 * parameters, request body, responses and security, read from the document as written.
 */

/** An operation and the tags it is listed under (`default` when it has none). */
export interface TaggedOperation {
  operation: OpenApiOperation;
  tags: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PLACES = new Set(['path', 'query', 'header', 'cookie', 'formData', 'body']);
type Parameter = OpenApiOperation['parameters'][number];

/** Every operation in the document's order of paths, then methods in the order above. */
export function readOperations(ctx: OpenApiContext): TaggedOperation[] {
  const paths = isRecord(ctx.doc.paths) ? ctx.doc.paths : {};
  const ids = new Set<string>();
  const operations: TaggedOperation[] = [];
  for (const path of Object.keys(paths)) {
    const item = followed(ctx, paths[path]).value;
    if (!item) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (isRecord(operation)) operations.push(readOperation(ctx, { path, method, item, operation, ids }));
    }
  }
  return operations;
}

interface Place {
  path: string;
  method: string;
  item: Record<string, unknown>;
  operation: Record<string, unknown>;
  ids: Set<string>;
}

function readOperation(ctx: OpenApiContext, { path, method, item, operation, ids }: Place): TaggedOperation {
  const merged = mergedParameters(ctx, item.parameters, operation.parameters);
  const operationId = typeof operation.operationId === 'string' ? label(operation.operationId) : undefined;
  const requestBody = ctx.swagger2 ? swaggerRequestBody(ctx, operation, merged) : openApiRequestBody(ctx, operation.requestBody);
  const view: OpenApiOperation = {
    id: uniqueId(ids, operationId ?? '', method, path),
    method,
    path: label(path) ?? path,
    ...(operationId ? { operationId } : {}),
    ...optionalText({ summary: label(operation.summary), description: cutText(operation.description) }),
    ...(operation.deprecated === true ? { deprecated: true } : {}),
    parameters: merged.filter((p) => p.in !== 'body' && p.in !== 'formData').map((p) => p.view),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(ctx, operation),
    security: securityNames(operation.security !== undefined ? operation.security : ctx.doc.security),
  };
  const tags = Array.isArray(operation.tags) ? [...new Set(operation.tags.map((t) => label(t)).filter((t) => t !== undefined))] : [];
  return { operation: view, tags: tags.length > 0 ? tags : ['default'] };
}

const SAFE_ID = /^[A-Za-z0-9._~-]{1,200}$/;

/**
 * The operation's id in URLs: its operationId when that is URL-safe (and not `.` or `..`, which
 * a browser would resolve away), else `method-path-words`; `-2`, `-3` … on a clash.
 */
function uniqueId(ids: Set<string>, operationId: string, method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9._~-]+/).filter((w) => w !== '' && w !== '.' && w !== '..');
  const base =
    SAFE_ID.test(operationId) && operationId !== '.' && operationId !== '..' ? operationId : [method, ...words].join('-').slice(0, 200);
  let id = base;
  for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
  ids.add(id);
  return id;
}

interface MergedParameter {
  in: string;
  raw: Record<string, unknown>;
  view: Parameter;
}

/** Path-level parameters, then the operation's; one with the same name and place replaces it. */
function mergedParameters(ctx: OpenApiContext, pathLevel: unknown, operationLevel: unknown): MergedParameter[] {
  const merged = new Map<string, MergedParameter>();
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list.slice(0, DESCRIPTION_LIMITS.maxListed)) {
      const raw = followed(ctx, entry).value;
      if (!raw || typeof raw.in !== 'string' || !PLACES.has(raw.in)) continue;
      const view = parameterView(ctx, raw);
      merged.set(`${raw.in}\u0000${view.name}`, { in: raw.in, raw, view });
    }
  }
  return [...merged.values()];
}

function parameterView(ctx: OpenApiContext, raw: Record<string, unknown>): Parameter {
  const schema = parameterSchema(ctx, raw);
  const example = raw.example ?? raw['x-example'];
  const examples = example === undefined ? examplesOf(ctx, raw) : [{ value: exampleText(example) }];
  return {
    name: label(raw.name) ?? '',
    in: raw.in as Parameter['in'],
    required: raw.required === true || raw.in === 'path',
    ...optionalText({ description: cutText(raw.description) }),
    ...(raw.deprecated === true ? { deprecated: true } : {}),
    ...(schema ? { schema } : {}),
    ...(examples[0] ? { example: examples[0].value } : {}),
  };
}

function openApiRequestBody(ctx: OpenApiContext, requestBody: unknown): OpenApiOperation['requestBody'] {
  if (requestBody === undefined) return undefined;
  const { value: body, why } = followed(ctx, requestBody);
  const description = cutText(body?.description) ?? why;
  return { ...optionalText({ description }), required: body?.required === true, content: mediaViews(ctx, body?.content) };
}

/** Swagger 2's `in: body` parameter, or its `in: formData` ones as one form, become the request body. */
function swaggerRequestBody(
  ctx: OpenApiContext,
  operation: Record<string, unknown>,
  merged: MergedParameter[],
): OpenApiOperation['requestBody'] {
  const consumes = mediaTypes(operation.consumes ?? ctx.doc.consumes, ['application/json']);
  const body = merged.find((p) => p.in === 'body');
  if (body) {
    const schema = body.raw.schema === undefined ? undefined : ctx.schemas.view(body.raw.schema);
    const content: MediaView[] = consumes.map((mediaType) => ({ mediaType, ...(schema ? { schema } : {}), examples: [] }));
    return { ...optionalText({ description: body.view.description }), required: body.view.required, content };
  }
  const form = merged.filter((p) => p.in === 'formData');
  if (form.length === 0) return undefined;
  const formTypes = consumes.filter((t) => t === 'multipart/form-data' || t === 'application/x-www-form-urlencoded');
  const properties = form.map(({ view }) => ({
    name: view.name,
    required: view.required,
    schema: { ...view.schema, ...optionalText({ description: view.description }) },
  }));
  const schema = { type: 'object', properties };
  return {
    required: form.some((p) => p.view.required),
    content: (formTypes.length > 0 ? formTypes : ['application/x-www-form-urlencoded']).map((mediaType) => ({
      mediaType,
      schema,
      examples: [],
    })),
  };
}

function responses(ctx: OpenApiContext, operation: Record<string, unknown>): OpenApiOperation['responses'] {
  const all = isRecord(operation.responses) ? operation.responses : {};
  const produces = mediaTypes(operation.produces ?? ctx.doc.produces, ['application/json']);
  return Object.keys(all)
    .filter((status) => !status.startsWith('x-'))
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((status) => {
      const { value: response, why } = followed(ctx, all[status]);
      const description = cutText(response?.description) ?? why;
      const content = !response ? [] : ctx.swagger2 ? swaggerContent(ctx, response, produces) : mediaViews(ctx, response.content);
      return { status: label(status) ?? status, ...optionalText({ description }), content, headers: headerViews(ctx, response?.headers) };
    });
}

/** A Swagger 2 response's schema under each media type it produces, with `examples` by media type. */
function swaggerContent(ctx: OpenApiContext, response: Record<string, unknown>, produces: string[]): MediaView[] {
  const examples = isRecord(response.examples) ? response.examples : {};
  const schema = response.schema === undefined ? undefined : ctx.schemas.view(response.schema);
  const types = [...new Set([...(schema ? produces : []), ...Object.keys(examples)])].slice(0, DESCRIPTION_LIMITS.maxListed);
  return types.map((mediaType) => ({
    mediaType: label(mediaType) ?? mediaType,
    ...(schema ? { schema } : {}),
    examples: Object.hasOwn(examples, mediaType) ? [{ value: exampleText(examples[mediaType]) }] : [],
  }));
}

function mediaTypes(value: unknown, fallback: string[]): string[] {
  const types = Array.isArray(value) ? value.map((t) => label(t)).filter((t) => t !== undefined) : [];
  return (types.length > 0 ? types : fallback).slice(0, DESCRIPTION_LIMITS.maxListed);
}

/** The names of the security schemes in a list of requirements (`[{ oauth: [...] }, { key: [] }]`). */
function securityNames(requirements: unknown): string[] {
  if (!Array.isArray(requirements)) return [];
  const names = requirements.filter(isRecord).flatMap((r) => Object.keys(r));
  return [...new Set(names)].slice(0, DESCRIPTION_LIMITS.maxListed).map((n) => label(n) ?? n);
}

/** The entries of `fields` that are set, so a description carries no `"summary": undefined`. */
function optionalText<K extends string>(fields: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Record<K, string>>;
}
