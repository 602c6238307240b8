import { DiagnosticSeverity, Parser, type Diagnostic } from '@asyncapi/parser';
import { asyncApiDescription } from './asyncapi-document.ts';
import { label, parserMessage } from './definition-text.ts';
import { externalRefs, isRecord, pointerOf, pointerTokens, type ExternalRef } from './json-pointer.ts';
import { EXTERNAL_REF_MARK } from './json-schema.ts';
import type { DefinitionProblem, DescribeResult } from './model.ts';
import { problemAt, readSource, type SourceDocument } from './source-lines.ts';

/**
 * Describes an AsyncAPI definition (2.x or 3.x) for the API tab, with @asyncapi/parser: the
 * specification's own parser, which validates with its rules and reads both major versions into
 * one model (v2's publish and subscribe become actions the way v3 says them).
 *
 * Nothing outside the text is read. Every external `$ref` is replaced, before the parser sees
 * the document, by a marker the pages show as "not followed", and warned about; and should one
 * get past that, the parser's file and http resolvers are replaced by ones that read nothing.
 * Diagnostics of severity error are problems (the parser gives no document then); the others
 * are warnings, at most MAX_WARNINGS.
 */
export async function describeAsyncApi(text: string): Promise<DescribeResult> {
  const reading = readSource(text);
  if ('problems' in reading) return reading;
  const { source } = reading;
  const doc = source.value;
  if (!isRecord(doc) || typeof doc.asyncapi !== 'string' || !/^[23]\./.test(doc.asyncapi)) {
    const pointer = isRecord(doc) && doc.asyncapi !== undefined ? '/asyncapi' : undefined;
    return {
      problems: [
        {
          line: 1,
          ...problemAt(source, 'The definition is not an AsyncAPI 2 or 3 document: it has no `asyncapi: 2.x` or `3.x` field.', pointer),
        },
      ],
    };
  }
  const external = externalRefs(doc, MAX_WARNINGS);
  const { document, diagnostics } = await asyncApiParser().parse(withoutExternalRefs(doc, external) as { asyncapi: string });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (!document)
    return { problems: (errors.length > 0 ? errors : diagnostics).slice(0, MAX_WARNINGS).map((d) => diagnosticProblem(source, d)) };
  const warnings = [
    ...external.map(({ ref, pointer }) => problemAt(source, `External $ref not followed: ${label(ref) ?? ''}`, pointer)),
    ...diagnostics.map((d) => diagnosticProblem(source, d)),
  ];
  return { description: asyncApiDescription(document), warnings: warnings.slice(0, MAX_WARNINGS) };
}

/** At most this many warnings: the parser's style rules alone can give dozens for a small document. */
const MAX_WARNINGS = 50;

/**
 * A diagnostic where it is in the text as written. The parser is given the document as data
 * (external references replaced), so its ranges are in its own JSON rendering: the path is what
 * still names the place, and source-lines finds that place's line in the original text.
 */
function diagnosticProblem(source: SourceDocument, diagnostic: Diagnostic): DefinitionProblem {
  const pointer = pointerOf(diagnostic.path.map(String));
  return problemAt(source, parserMessage(diagnostic.message) || diagnostic.code.toString(), pointer);
}

/** A copy of `doc` in which each external `$ref` object is a marker naming the reference. */
function withoutExternalRefs(doc: Record<string, unknown>, external: ExternalRef[]): Record<string, unknown> {
  if (external.length === 0) return doc;
  const copy = structuredClone(doc);
  for (const { ref, pointer } of external) {
    const tokens = pointerTokens(pointer).slice(0, -1);
    const key = tokens.pop();
    let parent: unknown = copy;
    for (const token of tokens) parent = (parent as Record<string, unknown>)[token];
    if (key !== undefined && (isRecord(parent) || Array.isArray(parent)))
      (parent as Record<string, unknown>)[key] = { [EXTERNAL_REF_MARK]: ref };
  }
  return copy;
}

/** Resolvers for every scheme @asyncapi/parser would otherwise read (files, http, https): they read nothing. */
const NOTHING_READ = ['file', 'http', 'https'].map((schema) => ({
  schema,
  order: 1,
  canRead: true,
  read: (uri: { toString(): string }) => JSON.stringify({ [EXTERNAL_REF_MARK]: uri.toString() }),
}));

let parser: Parser | undefined;

/** One parser per process: building its rule set takes longer than parsing a document. */
function asyncApiParser(): Parser {
  parser ??= new Parser({ __unstable: { resolver: { resolvers: NOTHING_READ } } });
  return parser;
}
