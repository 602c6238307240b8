/**
 * A gRPC service definition (one .proto file) as the API tab shows it, read with protobufjs:
 * a parser in plain JavaScript (no protoc binary to ship or run) that reads proto2, proto3 and
 * editions, keeps comments as descriptions and, given text rather than a file name, opens no
 * file and fetches nothing.
 *
 * Imports are never followed — a definition is written by any tenant, and `import` could name
 * any file or URL. Each is a warning; the well-known google.protobuf types protobufjs ships are
 * known by name, so a Timestamp field says what it is, and any other imported type stays as
 * written, unlinked, with a warning naming it.
 */
import protobuf from 'protobufjs';
import { capProblems } from './clip-text.ts';
import { definitionsOf, describeDefinitions } from './describe-grpc-types.ts';
import type { DefinitionProblem, DescribeResult, GrpcDescription } from './model.ts';

/** Longer text is refused before parsing: a bound on the parser's work, well above hand-written .proto files. */
export const MAX_PROTO_CHARS = 4 * 1024 * 1024;

/** The description of a .proto file, with what is wrong in it; nothing is opened or fetched. */
export async function describeGrpc(text: string): Promise<DescribeResult> {
  if (text.length > MAX_PROTO_CHARS) return { problems: [{ message: `The file is longer than ${MAX_PROTO_CHARS} characters.` }] };
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  } catch (error) {
    return { problems: [parseProblem(error)] };
  }
  try {
    return describeParsed(parsed, syntaxOf(text));
  } catch (error) {
    // Lookups walk scopes recursively: a package thousands of names deep exhausts the stack.
    if (error instanceof RangeError) return { problems: [{ message: TOO_DEEP }] };
    throw error;
  }
}

const TOO_DEEP = 'The file is nested too deeply to read.';

function describeParsed(parsed: protobuf.IParserResult, syntax: string): DescribeResult {
  const imports = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
  // What the file defines is taken before the well-known types join it: only its own types link.
  const definitions = definitionsOf(parsed.root);
  addWellKnownTypes(parsed.root, imports);
  const { messages, enums, services, unresolved } = describeDefinitions(definitions, syntax);
  const description: GrpcDescription = {
    format: 'grpc',
    syntax,
    packages: parsed.package ? [parsed.package] : [],
    services,
    messages,
    enums,
  };
  const warnings: DefinitionProblem[] = [
    ...(KNOWN_SYNTAXES.has(syntax) ? [] : [{ message: `"${syntax}" is neither proto2, proto3 nor an edition protobuf knows.` }]),
    ...imports.map((name) => ({
      message: `Import "${name}" is not read: imports are never followed${WELL_KNOWN.has(name) ? ' (its well-known types are known by name)' : '; its types show as written'}.`,
    })),
    ...unresolved.map((u) => ({
      message: `Type "${u.type}" (${u.where}) is defined neither in this file nor in a well-known type: it shows as written.`,
    })),
  ];
  return { description, warnings: capProblems(warnings) };
}

const KNOWN_SYNTAXES = new Set(['proto2', 'proto3', 'edition 2023', 'edition 2024', 'edition 2026']);

/** The well-known .proto files protobufjs carries as JSON (protobuf.common): Timestamp, Duration, Any, Empty, … */
const WELL_KNOWN = new Set(
  Object.keys(protobuf.common as unknown as Record<string, unknown>).filter((k) => k.endsWith('.proto') && protobuf.common.get(k)),
);

/** Adds, from protobufjs's own copies, the well-known types of the files the definition imports — only those, as protoc would see them. */
function addWellKnownTypes(root: protobuf.Root, imports: string[]): void {
  for (const name of imports) {
    const json = WELL_KNOWN.has(name) ? protobuf.common.get(name) : null;
    if (!json?.nested) continue;
    try {
      root.addJSON(json.nested);
    } catch {
      // A file that itself declares package google.protobuf clashes with the copy: its own types win.
    }
  }
}

/** protobufjs says where in its message: `illegal token 'int32', ';' expected (line 4)`. */
function parseProblem(error: unknown): DefinitionProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError || message === 'max depth exceeded') return { message: TOO_DEEP };
  const line = /\(line (\d+)\)\s*$/.exec(message)?.[1];
  return line ? { message: message.replace(/\s*\((?:[^()]*, )?line \d+\)\s*$/, ''), line: Number(line) } : { message };
}

/** `proto2` (protobuf's default when the file does not say), `proto3`, or `edition 2023`, read from the file's first statement. */
function syntaxOf(text: string): string {
  const tokens = protobuf.tokenize(text, true);
  const keyword = tokens.next();
  if ((keyword !== 'syntax' && keyword !== 'edition') || tokens.next() !== '=') return 'proto2';
  tokens.next(); // the opening quote
  const value = tokens.next() ?? '';
  return keyword === 'edition' ? `edition ${value}` : value;
}
