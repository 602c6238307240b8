import type { AsyncAPIDocumentInterface, MessageInterface } from '@asyncapi/parser';
import { cutText, exampleText, label } from './definition-text.ts';
import { isRecord } from './json-pointer.ts';
import { EXTERNAL_REF_MARK, schemaReader, type SchemaReader } from './json-schema.ts';
import { DESCRIPTION_LIMITS, type AsyncApiDescription, type Example, type SchemaView } from './model.ts';

/**
 * A parsed AsyncAPI document (2.x or 3.x, one model) as its description. The parser has already
 * followed the document's `$ref`s, so a named schema is known by identity: the object it put
 * where `#/components/schemas/Light` was is the one in components.schemas, and becomes
 * `{ ref: 'Light' }`.
 */
export function asyncApiDescription(document: AsyncAPIDocumentInterface): AsyncApiDescription {
  const json = document.json() as unknown as Record<string, unknown>;
  const components = isRecord(json.components) ? json.components : {};
  const named = isRecord(components.schemas) ? components.schemas : {};
  const namesByObject = new Map<object, string>();
  for (const name of Object.keys(named)) if (isRecord(named[name])) namesByObject.set(named[name], name);
  const schemas = schemaReader({ document: json, namedAt: ['components', 'schemas'], namesByObject });
  const table = schemas.namedSchemas();
  const messageIds = messageIdsOf(document, components.messages);
  const info = document.info();
  const description = cutText(info.description());
  return {
    format: 'asyncapi',
    specVersion: document.version(),
    title: label(info.title()) ?? '',
    version: label(info.version()) ?? '',
    ...(description ? { description } : {}),
    servers: servers(document),
    channels: channels(document, schemas, messageIds),
    operations: operations(document, messageIds),
    messages: [...messageIds.entries()].map(([message, id]) => messageView(message, id, schemas)),
    schemas: table,
  };
}

type Servers = AsyncApiDescription['servers'];

function servers(document: AsyncAPIDocumentInterface): Servers {
  return document
    .servers()
    .all()
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((server) => {
      const protocolVersion = label(server.protocolVersion());
      const description = cutText(server.description());
      return {
        id: label(server.id()) ?? '',
        url: label(server.url()) ?? '',
        protocol: label(server.protocol()) ?? '',
        ...(protocolVersion ? { protocolVersion } : {}),
        ...(description ? { description } : {}),
      };
    });
}

/**
 * Every message once, with an id unique in the description: its own id (v3's key, v2's
 * messageId), else its name in components.messages, else its name, else `message-N`.
 * Keyed by the message's JSON object, which is how channels and operations share one.
 */
function messageIdsOf(document: AsyncAPIDocumentInterface, componentMessages: unknown): Map<MessageInterface, string> {
  const componentNames = new Map<unknown, string>();
  if (isRecord(componentMessages)) for (const name of Object.keys(componentMessages)) componentNames.set(componentMessages[name], name);
  const used = new Set<string>();
  const ids = new Map<MessageInterface, string>();
  const seen = new Set<unknown>();
  for (const message of document.messages().all()) {
    if (seen.has(message.json())) continue;
    seen.add(message.json());
    // The parser names a message without an id `<anonymous-message-N>`: a name reads better.
    const own = /^<anonymous-/.test(message.id()) ? undefined : label(message.id());
    const base = own ?? componentNames.get(message.json()) ?? label(message.name()) ?? `message-${ids.size + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(message, id);
  }
  return ids;
}

/** The ids of `messages` in the description, found by their JSON object. */
function idsOf(messages: MessageInterface[], messageIds: Map<MessageInterface, string>): string[] {
  const byJson = new Map([...messageIds].map(([m, id]) => [m.json(), id]));
  return [...new Set(messages.map((m) => byJson.get(m.json())).filter((id) => id !== undefined))];
}

function channels(
  document: AsyncAPIDocumentInterface,
  schemas: SchemaReader,
  messageIds: Map<MessageInterface, string>,
): AsyncApiDescription['channels'] {
  return document
    .channels()
    .all()
    .map((channel) => {
      const description = cutText(channel.description());
      return {
        id: label(channel.id()) ?? '',
        address: label(channel.address() ?? channel.id()) ?? '',
        ...(description ? { description } : {}),
        parameters: channel
          .parameters()
          .all()
          .slice(0, DESCRIPTION_LIMITS.maxListed)
          .map((parameter) => {
            const about = cutText(parameter.description());
            const view = parameter.hasSchema() ? schemas.view(parameter.schema()?.json()) : undefined;
            // v3's parser makes a parameter's schema from it, description included: say it once.
            const schema = view && view.description === about ? withoutDescription(view) : view;
            return { name: label(parameter.id()) ?? '', ...(about ? { description: about } : {}), ...(schema ? { schema } : {}) };
          }),
        messages: idsOf(channel.messages().all(), messageIds),
        servers: channel
          .servers()
          .all()
          .map((server) => label(server.id()) ?? ''),
      };
    });
}

function operations(document: AsyncAPIDocumentInterface, messageIds: Map<MessageInterface, string>): AsyncApiDescription['operations'] {
  const used = new Set<string>();
  const v2 = document.version().startsWith('2.');
  return document
    .operations()
    .all()
    .map((operation) => {
      const channel = label(operation.channels().all()[0]?.id()) ?? '';
      const action = operation.isSend() ? 'send' : 'receive';
      // v3 operations are named by their key; a v2 one only by its operationId, if it has one.
      const own = label(v2 ? operation.operationId() : operation.id());
      const base = own ?? `${action}-${channel}`;
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      const summary = label(operation.summary());
      const description = cutText(operation.description());
      return {
        id,
        action,
        channel,
        ...(summary ? { summary } : {}),
        ...(description ? { description } : {}),
        messages: idsOf(operation.messages().all(), messageIds),
      };
    });
}

/** Schema formats the pages can draw: AsyncAPI's own, JSON Schema, OpenAPI's schema object. */
const DRAWN_FORMATS = /asyncapi|schema\+json|json-schema|openapi/i;

/**
 * A message's payload or headers: v3 may wrap a schema as `{ schemaFormat, schema }` (the
 * parser leaves the wrapper), and a schema in a format the pages cannot draw (Avro, RAML) is
 * named, not drawn.
 */
function messageSchema(json: unknown, messageFormat: string | undefined, schemas: SchemaReader): SchemaView {
  const wrapped = isRecord(json) && typeof json.schemaFormat === 'string' && json.schema !== undefined;
  const format = wrapped ? (json.schemaFormat as string) : messageFormat;
  if (format !== undefined && !DRAWN_FORMATS.test(format)) return { constraints: [`a schema in ${label(format) ?? ''}, not shown`] };
  return schemas.view(wrapped ? json.schema : json);
}

function messageView(message: MessageInterface, id: string, schemas: SchemaReader): AsyncApiDescription['messages'][number] {
  const format = message.schemaFormat();
  const payload = message.hasPayload() ? messageSchema(message.payload()?.json(), format, schemas) : undefined;
  const headers = message.hasHeaders() ? messageSchema(message.headers()?.json(), undefined, schemas) : undefined;
  const external = (message.json() as Record<string, unknown>)[EXTERNAL_REF_MARK];
  const text = {
    name: label(message.name()),
    title: label(message.title()),
    summary: label(message.summary()),
    description:
      typeof external === 'string' ? `Not shown: external $ref ${label(external) ?? ''} not followed.` : cutText(message.description()),
    contentType: label(message.contentType()),
  };
  return {
    id,
    ...Object.fromEntries(Object.entries(text).filter(([, v]) => v !== undefined)),
    ...(payload ? { payload } : {}),
    ...(headers ? { headers } : {}),
    examples: examples(message),
  };
}

function examples(message: MessageInterface): Example[] {
  return message
    .examples()
    .all()
    .slice(0, DESCRIPTION_LIMITS.maxListed)
    .map((example) => {
      const headers = example.headers();
      const payload = example.payload();
      const value = headers === undefined ? exampleText(payload) : exampleText({ headers, payload });
      const name = label(example.name());
      const summary = label(example.summary());
      return { ...(name ? { name } : {}), ...(summary ? { summary } : {}), value };
    });
}

function withoutDescription({ description: _said, ...rest }: SchemaView): SchemaView {
  return rest;
}
