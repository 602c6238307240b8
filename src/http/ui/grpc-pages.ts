/**
 * The API tab of an API entity whose definition is a gRPC service (one .proto file): all on one
 * page — a .proto is small next to a GraphQL schema — services and their methods first, then
 * the messages and enums they exchange, each a heading with an anchor the types link to.
 */
import type { GrpcDescription } from '../../api-definitions/model.ts';
import type { DefinitionPath, DefinitionView } from './definition-view.ts';

/** A type name, linked to its entry on the page when this file defines it. */
interface TypeLink {
  name: string;
  href?: string;
}

/** The tab of a gRPC definition; it has no sections, so any other path is a 404 (undefined). */
export function grpcView(description: GrpcDescription, path: DefinitionPath, _base: string): DefinitionView | undefined {
  if (path.section !== undefined) return undefined;
  const link = linker(description);
  return {
    template: 'api/grpc.njk',
    definition: {
      syntax: description.syntax,
      packages: description.packages,
      services: description.services.map((s) => ({
        ...s,
        anchor: anchor('service', s.name),
        methods: s.methods.map((m) => ({ ...m, request: link(m.requestType), response: link(m.responseType) })),
      })),
      messages: description.messages.map((m) => ({
        ...m,
        anchor: anchor('message', m.name),
        fields: m.fields.map((f) => ({ ...f, ...typeOf(f, link) })),
      })),
      enums: description.enums.map((e) => ({ ...e, anchor: anchor('enum', e.name) })),
    },
  };
}

/** Ids are prefixed: the tab shares its page with the entity's header and tabs. Protobuf names are [A-Za-z0-9_.], safe in an id. */
const anchor = (kind: 'service' | 'message' | 'enum', name: string): string => `grpc-${kind}-${name}`;

function linker(description: GrpcDescription): (name: string) => TypeLink {
  const messages = new Set(description.messages.map((m) => m.name));
  const enums = new Set(description.enums.map((e) => e.name));
  return (name) => {
    if (messages.has(name)) return { name, href: `#${anchor('message', name)}` };
    if (enums.has(name)) return { name, href: `#${anchor('enum', name)}` };
    return { name };
  };
}

type Field = GrpcDescription['messages'][number]['fields'][number];

/**
 * A field's type as the table shows it: a map as `map<string, ` + the value type + `>`, with the
 * value type linked; `repeated`, `optional` and `required` as a label beside the type.
 */
function typeOf(field: Field, link: (name: string) => TypeLink) {
  const target = field.typeRef ? link(field.typeRef) : { name: field.type };
  const map = field.label && /^map<([^,]+),/.exec(field.label);
  if (map) return { label: undefined, mapKey: map[1], valueType: target };
  return { label: field.label, valueType: target };
}
