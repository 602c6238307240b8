import { cutText, label } from './definition-text.ts';
import { isRecord } from './json-pointer.ts';
import { schemaReader } from './json-schema.ts';
import { DESCRIPTION_LIMITS, type OpenApiDescription } from './model.ts';
import { followed, type OpenApiContext } from './openapi-media.ts';
import { readOperations, type TaggedOperation } from './openapi-operations.ts';

/**
 * An OpenAPI document (Swagger 2.0, OpenAPI 3.0 or 3.1) as its description: built from the
 * document as written, not from a dereferenced copy, so a named schema stays a reference and is
 * written once in the `schemas` table however many operations use it.
 */
export function openApiDescription(doc: Record<string, unknown>, specVersion: string): OpenApiDescription {
  const swagger2 = specVersion.startsWith('2');
  const schemas = schemaReader({ document: doc, namedAt: swagger2 ? ['definitions'] : ['components', 'schemas'] });
  const ctx: OpenApiContext = { doc, schemas, swagger2 };
  const info = isRecord(doc.info) ? doc.info : {};
  // Named schemas first: they are what every page links to, so they get the node budget first.
  const named = schemas.namedSchemas();
  const operations = readOperations(ctx);
  const description = cutText(info.description);
  return {
    format: 'openapi',
    specVersion,
    title: label(info.title) ?? '',
    version: label(info.version) ?? '',
    ...(description ? { description } : {}),
    servers: swagger2 ? swaggerServers(doc) : openApiServers(doc.servers),
    tags: tagGroups(doc.tags, operations),
    schemas: named,
    securitySchemes: securitySchemes(ctx),
    operationCount: operations.length,
  };
}

function openApiServers(servers: unknown): OpenApiDescription['servers'] {
  if (!Array.isArray(servers)) return [];
  return servers
    .filter(isRecord)
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .flatMap((server) => {
      const url = label(server.url);
      const description = cutText(server.description);
      return url === undefined ? [] : [{ url, ...(description ? { description } : {}) }];
    });
}

/** Swagger 2's host, basePath and schemes as servers (`//host/base` when it names no scheme). */
function swaggerServers(doc: Record<string, unknown>): OpenApiDescription['servers'] {
  const basePath = label(doc.basePath) ?? '';
  const host = label(doc.host);
  if (host === undefined) return basePath ? [{ url: basePath }] : [];
  const schemes = Array.isArray(doc.schemes) ? doc.schemes.filter((s): s is string => typeof s === 'string') : [];
  return (schemes.length > 0 ? schemes.map((s) => `${s}:`) : [''])
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((scheme) => ({ url: `${scheme}//${host}${basePath}` }));
}

/**
 * Tags in the document's order, then tags operations use that it does not list (in the order
 * first used), with `default` for untagged operations; a tag no operation uses is left out.
 */
function tagGroups(declared: unknown, operations: TaggedOperation[]): OpenApiDescription['tags'] {
  const groups = new Map<string, OpenApiDescription['tags'][number]>();
  for (const tag of Array.isArray(declared) ? declared.filter(isRecord) : []) {
    const name = label(tag.name);
    const description = cutText(tag.description);
    if (name !== undefined && !groups.has(name)) groups.set(name, { name, ...(description ? { description } : {}), operations: [] });
  }
  for (const { operation, tags } of operations) {
    for (const name of tags) {
      const group = groups.get(name) ?? { name, operations: [] };
      groups.set(name, group);
      group.operations.push(operation);
    }
  }
  return [...groups.values()].filter((g) => g.operations.length > 0);
}

/** OpenAPI 3's components.securitySchemes or Swagger 2's securityDefinitions, with what each needs in a word. */
function securitySchemes(ctx: OpenApiContext): OpenApiDescription['securitySchemes'] {
  const components = isRecord(ctx.doc.components) ? ctx.doc.components : {};
  const all = ctx.swagger2 ? ctx.doc.securityDefinitions : components.securitySchemes;
  if (!isRecord(all)) return [];
  return Object.keys(all)
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((name) => {
      const { value: scheme, why } = followed(ctx, all[name]);
      const description = cutText(scheme?.description) ?? why;
      const detail = scheme && schemeDetail(scheme);
      return {
        name: label(name) ?? name,
        type: label(scheme?.type) ?? 'unknown',
        ...(description ? { description } : {}),
        ...(detail ? { detail } : {}),
      };
    });
}

/** `header X-API-Key`, `bearer (JWT)`, `flows: authorizationCode, clientCredentials`, an OpenID Connect URL. */
function schemeDetail(scheme: Record<string, unknown>): string | undefined {
  switch (scheme.type) {
    case 'apiKey':
      return label([scheme.in, scheme.name].filter((s) => typeof s === 'string').join(' '));
    case 'http':
      return label(typeof scheme.bearerFormat === 'string' ? `${String(scheme.scheme)} (${scheme.bearerFormat})` : scheme.scheme);
    case 'oauth2':
      return isRecord(scheme.flows)
        ? label(`flows: ${Object.keys(scheme.flows).join(', ')}`)
        : label(typeof scheme.flow === 'string' ? `flow: ${scheme.flow}` : undefined);
    case 'openIdConnect':
      return label(scheme.openIdConnectUrl);
    default:
      return undefined;
  }
}
