import type { ApiDescription } from './model.ts';

/** One thing of a definition worth finding by name: an operation, a GraphQL type or root field, a gRPC method. */
export interface DefinitionEntry {
  /** Unique within the definition. */
  id: string;
  /** What a result shows first: `GET /repos/{owner}/{repo}`, `Query.repository`, `helloworld.Greeter/SayHello`. */
  title: string;
  /** A second name searched too: the operationId, the type's name. */
  name?: string | undefined;
  summary?: string | undefined;
  /** Where on the API tab it is: a section and item (`operations`/`repos/get`, `types`/`Repository`), or the tab itself. */
  section?: string | undefined;
  item?: string | undefined;
}

/** Entries of one definition indexed at most: GitHub's REST and GraphQL descriptions have a few thousand each. */
export const MAX_ENTRIES = 5000;

const firstLine = (text: string | undefined): string | undefined => text?.split('\n', 1)[0]?.slice(0, 300) || undefined;

/** Entries made once per description: search indexes them, and every Component page listing the API reads them again. */
const made = new WeakMap<ApiDescription, readonly DefinitionEntry[]>();

/** The entries of a description that search finds by name, in the description's order, at most MAX_ENTRIES. Shared: not to be modified. */
export function definitionEntries(description: ApiDescription): readonly DefinitionEntry[] {
  let entries = made.get(description);
  if (!entries) made.set(description, (entries = entriesOf(description).slice(0, MAX_ENTRIES)));
  return entries;
}

function entriesOf(description: ApiDescription): DefinitionEntry[] {
  switch (description.format) {
    case 'openapi': {
      const seen = new Set<string>();
      return description.tags.flatMap((tag) =>
        tag.operations
          .filter((op) => !seen.has(op.id) && seen.add(op.id))
          .map((op) => ({
            id: op.id,
            title: `${op.method.toUpperCase()} ${op.path}`,
            name: op.operationId,
            summary: op.summary ?? firstLine(op.description),
            section: 'operations',
            item: op.id,
          })),
      );
    }
    case 'asyncapi':
      return description.operations.map((op) => {
        const channel = description.channels.find((c) => c.id === op.channel);
        return {
          id: op.id,
          title: `${op.action} ${channel?.address ?? op.channel}`,
          name: op.id,
          summary: op.summary ?? firstLine(op.description),
        };
      });
    case 'graphql': {
      const roots = new Set(Object.values(description.roots));
      const rootFields = description.types
        .filter((t) => roots.has(t.name))
        .flatMap((t) =>
          t.fields.map((f) => ({
            id: `${t.name}.${f.name}`,
            title: `${t.name}.${f.name}`,
            name: f.name,
            summary: firstLine(f.description),
            section: 'types',
            item: t.name,
          })),
        );
      const types = description.types
        .filter((t) => !roots.has(t.name))
        .map((t) => ({ id: t.name, title: t.name, name: t.name, summary: firstLine(t.description), section: 'types', item: t.name }));
      return [...rootFields, ...types];
    }
    case 'grpc':
      return description.services.flatMap((s) =>
        s.methods.map((m) => ({
          id: `${s.name}/${m.name}`,
          title: `${s.name}/${m.name}`,
          name: m.name,
          summary: firstLine(m.description),
        })),
      );
  }
}
