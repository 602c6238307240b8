import type { AsyncApiDescription } from '../../api-definitions/model.ts';
import { namedSchemaUsers, schemaLinks, schemaPage, type SchemaUser } from './api-schema-pages.ts';
import { definitionHref, type DefinitionPath, type DefinitionView } from './definition-view.ts';

/**
 * The API tab of an AsyncAPI definition: everything on the tab — servers, each channel with its
 * operations and messages, each message with its payload, headers and examples — and one page
 * per named schema (`schemas/<name>`). Channels and messages link to each other by anchors made
 * here from their position (`channel-2`, `message-3`): ids from the document can hold anything.
 */
export function asyncApiView(description: AsyncApiDescription, path: DefinitionPath, base: string): DefinitionView | undefined {
  if (path.section === undefined) return path.item === undefined ? overview(description, base) : undefined;
  if (path.section === 'schemas' && path.item !== undefined) {
    return schemaPage(description.schemas, path.item, { base, apiTitle: description.title, users: () => schemaUsers(description, base) });
  }
  return undefined;
}

function overview(d: AsyncApiDescription, base: string): DefinitionView {
  const messageAnchors = new Map(d.messages.map((m, i) => [m.id, `message-${i + 1}`]));
  const channelAnchors = new Map(d.channels.map((c, i) => [c.id, `channel-${i + 1}`]));
  const messagesById = new Map(d.messages.map((m) => [m.id, m]));
  const messageLink = (id: string) => {
    const message = messagesById.get(id);
    return { id, label: message?.title ?? message?.name ?? id, anchor: messageAnchors.get(id) };
  };
  const operationsOf = (channelId: string) =>
    d.operations.filter((op) => op.channel === channelId).map((op) => ({ ...op, messages: op.messages.map(messageLink) }));
  const knownChannels = new Set(d.channels.map((c) => c.id));
  return {
    template: 'api/asyncapi.njk',
    definition: {
      title: d.title,
      version: d.version,
      specVersion: d.specVersion,
      description: d.description,
      servers: d.servers,
      schemaBase: definitionHref(base, 'schemas'),
      channels: d.channels.map((channel) => ({
        ...channel,
        anchor: channelAnchors.get(channel.id),
        operations: operationsOf(channel.id),
        messages: channel.messages.map(messageLink),
      })),
      // An operation on a channel the description does not list still shows, apart.
      otherOperations: d.operations
        .filter((op) => !knownChannels.has(op.channel))
        .map((op) => ({ ...op, messages: op.messages.map(messageLink) })),
      messages: d.messages.map((message) => ({
        ...message,
        anchor: messageAnchors.get(message.id),
        channels: d.channels
          .filter((c) => c.messages.includes(message.id))
          .map((c) => ({ address: c.address, anchor: channelAnchors.get(c.id) })),
      })),
      schemas: schemaLinks(d.schemas, base),
    },
  };
}

/** Messages and named schemas, as the users a schema's page lists. */
function schemaUsers(d: AsyncApiDescription, base: string): SchemaUser[] {
  const messages = d.messages.map((m, i) => ({
    label: `Message ${m.title ?? m.name ?? m.id}`,
    href: `${base}#message-${i + 1}`,
    schemas: [m.payload, m.headers],
  }));
  const channels = d.channels.map((c, i) => ({
    label: `Channel ${c.address}`,
    href: `${base}#channel-${i + 1}`,
    schemas: c.parameters.map((p) => p.schema),
  }));
  return [...messages, ...channels, ...namedSchemaUsers(d.schemas, base)];
}
