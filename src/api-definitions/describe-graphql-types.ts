/**
 * One named GraphQL type of a built schema as the description holds it: plain data, other types
 * referred to by name, every text from the document cut to DESCRIPTION_LIMITS.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { clipText } from './clip-text.ts';
import { DESCRIPTION_LIMITS, type GraphQlDescription, type GraphQlField } from './model.ts';

type GraphQlType = GraphQlDescription['types'][number];

/** A named type with its fields (in the order written), interfaces, possible types and enum values. */
export function describeGraphQlType(type: GraphQLNamedType, schema: GraphQLSchema): GraphQlType {
  const description = clipText(type.description);
  const described: GraphQlType = {
    name: type.name,
    kind: kindOf(type),
    ...(description ? { description } : {}),
    fields: [],
    interfaces: [],
    possibleTypes: [],
    enumValues: [],
  };
  if (isObjectType(type) || isInterfaceType(type)) {
    described.fields = Object.values(type.getFields()).map(outputField);
    described.interfaces = type.getInterfaces().map((i) => i.name);
  }
  if (isInputObjectType(type)) described.fields = Object.values(type.getFields()).map(inputField);
  // A union's members as written; an interface's implementations have no written order.
  if (isUnionType(type)) described.possibleTypes = type.getTypes().map((t) => t.name);
  if (isInterfaceType(type))
    described.possibleTypes = schema
      .getPossibleTypes(type)
      .map((t) => t.name)
      .sort();
  if (isEnumType(type)) {
    described.enumValues = type.getValues().map((v) => ({ name: v.name, ...texts(v) }));
  }
  return described;
}

function kindOf(type: GraphQLNamedType): GraphQlType['kind'] {
  if (isObjectType(type)) return 'object';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  if (isEnumType(type)) return 'enum';
  if (isInputObjectType(type)) return 'input';
  return 'scalar';
}

/** Description and deprecation reason, each only when the document gives one. */
function texts(of: { description?: string | null | undefined; deprecationReason?: string | null | undefined }) {
  const description = clipText(of.description);
  const deprecationReason = clipText(of.deprecationReason);
  return { ...(description ? { description } : {}), ...(deprecationReason ? { deprecationReason } : {}) };
}

/** The default value as written in the SDL (`10`, `"main"`, `{first: 5}`), cut like an example. */
function defaultOf(value: GraphQLArgument | GraphQLInputField): { defaultValue?: string } {
  const literal = value.astNode?.defaultValue;
  return literal ? { defaultValue: clipText(print(literal), DESCRIPTION_LIMITS.maxExampleChars) ?? '' } : {};
}

function outputField(field: GraphQLField<unknown, unknown>): GraphQlField {
  return {
    name: field.name,
    ...texts(field),
    type: String(field.type),
    namedType: getNamedType(field.type).name,
    args: field.args.map((a) => ({
      name: a.name,
      type: String(a.type),
      namedType: getNamedType(a.type).name,
      ...texts(a),
      ...defaultOf(a),
    })),
  };
}

function inputField(field: GraphQLInputField): GraphQlField {
  return {
    name: field.name,
    ...texts(field),
    type: String(field.type),
    namedType: getNamedType(field.type).name,
    args: [],
    ...defaultOf(field),
  };
}
