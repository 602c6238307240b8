/**
 * The messages, enums and services of a parsed .proto file as the description holds them:
 * nested definitions flattened under their full names (`acme.shop.v1.Product.Price`), each
 * type reference resolved the way protoc resolves it (innermost scope outwards), and linked only
 * when it names a definition of this file.
 */
import protobuf from 'protobufjs';
import { clipText } from './clip-text.ts';
import type { GrpcDescription } from './model.ts';

/** What one file defines, in the order written, nested definitions right after their parent. */
export interface ProtoDefinitions {
  messages: protobuf.Type[];
  enums: protobuf.Enum[];
  services: protobuf.Service[];
}

/** A type a field or method names that neither the file nor a well-known type defines. */
export interface UnresolvedType {
  type: string;
  /** `field acme.Order.total`, `method acme.Shop.Buy`. */
  where: string;
}

type Described = Pick<GrpcDescription, 'messages' | 'enums' | 'services'> & { unresolved: UnresolvedType[] };

/** Every message, enum and service under the root, walked without recursion: a package may be many names deep. */
export function definitionsOf(root: protobuf.Root): ProtoDefinitions {
  const found: ProtoDefinitions = { messages: [], enums: [], services: [] };
  const pending: protobuf.ReflectionObject[] = [...root.nestedArray].reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next instanceof protobuf.Type) found.messages.push(next);
    else if (next instanceof protobuf.Enum) found.enums.push(next);
    else if (next instanceof protobuf.Service) found.services.push(next);
    if (next instanceof protobuf.Namespace) pending.push(...[...next.nestedArray].reverse());
  }
  return found;
}

/** The description's messages, enums and services, and the type names that did not resolve (each once). */
export function describeDefinitions(definitions: ProtoDefinitions, syntax: string): Described {
  const resolver = resolverFor(new Set([...definitions.messages, ...definitions.enums]));
  return {
    messages: definitions.messages.map((m) => describeMessage(m, syntax, resolver.resolve)),
    enums: definitions.enums.map(describeEnum),
    services: definitions.services.map((s) => describeService(s, resolver.resolve)),
    unresolved: [...resolver.unresolved.values()],
  };
}

type Resolve = (scope: protobuf.NamespaceBase, type: string, where: string, kinds: unknown[]) => { type: string; typeRef?: string };

/** Resolves type names from a scope outwards; names the file's own definitions as links, and remembers what did not resolve. */
function resolverFor(own: Set<protobuf.ReflectionObject>): { resolve: Resolve; unresolved: Map<string, UnresolvedType> } {
  const unresolved = new Map<string, UnresolvedType>();
  const resolve: Resolve = (scope, type, where, kinds) => {
    const found = scope.lookup(type, kinds);
    if (found) return { type: fullName(found), ...(own.has(found) ? { typeRef: fullName(found) } : {}) };
    if (!unresolved.has(type)) unresolved.set(type, { type, where });
    return { type };
  };
  return { resolve, unresolved };
}

function describeMessage(message: protobuf.Type, syntax: string, resolve: Resolve): GrpcDescription['messages'][number] {
  return {
    name: fullName(message),
    ...describedBy(message.comment),
    fields: message.fieldsArray.map((field) => {
      const where = `field ${fullName(message)}.${field.name}`;
      const type = isScalar(field.type) ? { type: field.type } : resolve(message, field.type, where, [protobuf.Type, protobuf.Enum]);
      return {
        name: field.name,
        id: field.id,
        ...type,
        ...labelOf(field, type.type, syntax),
        ...oneofOf(field),
        ...describedBy(field.comment),
      };
    }),
  };
}

function describeService(service: protobuf.Service, resolve: Resolve): GrpcDescription['services'][number] {
  return {
    name: fullName(service),
    ...describedBy(service.comment),
    methods: service.methodsArray.map((method) => {
      const where = `method ${fullName(service)}.${method.name}`;
      return {
        name: method.name,
        ...describedBy(method.comment),
        requestType: resolve(service, method.requestType, where, [protobuf.Type]).type,
        responseType: resolve(service, method.responseType, where, [protobuf.Type]).type,
        requestStream: method.requestStream === true,
        responseStream: method.responseStream === true,
      };
    }),
  };
}

function describeEnum(e: protobuf.Enum): GrpcDescription['enums'][number] {
  return {
    name: fullName(e),
    ...describedBy(e.comment),
    values: Object.entries(e.values).map(([name, number]) => ({ name, number, ...describedBy(e.comments[name]) })),
  };
}

/** protobufjs writes full names with a leading dot (`.acme.Product`); the page shows them as protoc's messages do. */
const fullName = (o: protobuf.ReflectionObject): string => o.fullName.replace(/^\./, '');

const isScalar = (type: string): boolean => Object.hasOwn(protobuf.types.defaults, type);

function describedBy(comment: string | null | undefined): { description?: string } {
  const description = clipText(comment);
  return description ? { description } : {};
}

/**
 * `map<string, acme.Price>`, `repeated`, `required`, or `optional`: proto3's explicit presence,
 * or any other singular proto2 field outside a oneof (proto2 requires the label, protobufjs
 * keeps only the ones that are not the default).
 */
function labelOf(field: protobuf.Field, type: string, syntax: string): { label?: string } {
  if (field instanceof protobuf.MapField) return { label: `map<${field.keyType}, ${type}>` };
  if (field.repeated) return { label: 'repeated' };
  if (field.rule === 'required') return { label: 'required' };
  if (field.options?.proto3_optional === true || (syntax === 'proto2' && !field.partOf)) return { label: 'optional' };
  return {};
}

/** The oneof a field belongs to; proto3's `optional` is a oneof of one inside protobufjs, not one the reader wrote. */
function oneofOf(field: protobuf.Field): { oneof?: string } {
  return field.partOf && field.options?.proto3_optional !== true ? { oneof: field.partOf.name } : {};
}
