import SwaggerParser from '@apidevtools/swagger-parser';
import { label, parserMessage } from './definition-text.ts';
import { externalRefs, isRecord, pointerOf } from './json-pointer.ts';
import type { DefinitionProblem, DescribeResult } from './model.ts';
import { openApiDescription } from './openapi-document.ts';
import { problemAt, readSource, type SourceDocument } from './source-lines.ts';

/**
 * Describes an OpenAPI definition (Swagger 2.0, OpenAPI 3.0 or 3.1) for the API tab.
 *
 * @apidevtools/swagger-parser validates it — the JSON Schemas of the three specifications and
 * Swagger 2's rules beyond them, the validator most OpenAPI tools in JavaScript use — but the
 * description is built from the document as written (openapi-document.ts). What is wrong with
 * a document that can still be shown becomes warnings, each with the line it starts on; a
 * document that cannot be read at all (a syntax error, not OpenAPI, no paths) becomes problems.
 * Nothing outside the text is ever read: external `$ref`s are named in warnings, not resolved.
 */
export async function describeOpenApi(text: string): Promise<DescribeResult> {
  const reading = readSource(text);
  if ('problems' in reading) return reading;
  const { source } = reading;
  const kind = documentKind(source);
  if ('problems' in kind) return kind;
  const doc = source.value as Record<string, unknown>;
  const findings = [
    ...kind.notes,
    ...(kind.validated ? await validationFindings(doc) : []),
    ...externalRefs(doc, MAX_WARNINGS).map(({ ref, pointer }) => ({ message: `External $ref not followed: ${label(ref) ?? ''}`, pointer })),
  ];
  const warnings = findings.slice(0, MAX_WARNINGS).map(({ message, pointer }) => problemAt(source, message, pointer));
  return { description: openApiDescription(doc, kind.specVersion), warnings };
}

/** At most this many warnings: the first ones say what to fix, a thousand would say nothing more. */
const MAX_WARNINGS = 50;

/** The versions swagger-parser 13.1 validates; a later 3.x is described all the same, unvalidated. */
const VALIDATED = new Set(['2.0', '3.0.0', '3.0.1', '3.0.2', '3.0.3', '3.0.4', '3.1.0', '3.1.1', '3.1.2']);

interface Finding {
  message: string;
  pointer?: string;
}

type Kind = { specVersion: string; validated: boolean; notes: Finding[] } | { problems: DefinitionProblem[] };

/** Which specification the document follows, or why it is not an OpenAPI document at all. */
function documentKind(source: SourceDocument): Kind {
  const doc = source.value;
  const problem = (message: string, pointer?: string): Kind => ({ problems: [{ line: 1, ...problemAt(source, message, pointer) }] });
  if (!isRecord(doc)) return problem('The definition is not an OpenAPI document: it is not an object of `openapi`, `info` and `paths`.');
  let specVersion: string;
  if (doc.swagger !== undefined) {
    // `swagger: 2.0` unquoted is the number 2 in YAML: a common slip the validator names, not a reason to show nothing.
    if (doc.swagger !== '2.0' && doc.swagger !== 2)
      return problem(`Swagger ${String(doc.swagger)} is not supported: only Swagger 2.0 is.`, '/swagger');
    specVersion = '2.0';
  } else if (typeof doc.openapi === 'string' && /^3\.\d+/.test(doc.openapi)) {
    specVersion = doc.openapi;
  } else if (doc.openapi !== undefined) {
    return problem(`OpenAPI ${String(doc.openapi)} is not supported: versions 3.0 and 3.1 are (and Swagger 2.0).`, '/openapi');
  } else {
    return problem('The definition is not an OpenAPI document: it has neither an `openapi` nor a `swagger` version field.');
  }
  const notes: Finding[] = [];
  if (!isRecord(doc.paths)) {
    const webhooksOnly = doc.paths === undefined && isRecord(doc.webhooks) && !specVersion.startsWith('3.0');
    if (!webhooksOnly)
      return problem(
        'The document has no `paths` object: there are no operations to show.',
        doc.paths === undefined ? undefined : '/paths',
      );
    notes.push({ message: 'The document describes only webhooks, which the API tab does not list.', pointer: '/webhooks' });
  }
  const validated = VALIDATED.has(specVersion);
  if (!validated)
    notes.push({
      message: `OpenAPI ${specVersion} is shown but not validated: the validator knows 2.0, 3.0.0–3.0.4 and 3.1.0–3.1.2.`,
      pointer: '/openapi',
    });
  return { specVersion, validated, notes };
}

/**
 * swagger-parser's options: no resolver may read a file or a URL (the document is a tenant's;
 * its `$ref`s could name /etc/passwd or the cluster's own services), circular references are
 * left as they are, and every unresolvable internal `$ref` is reported, not just the first.
 */
const VALIDATION_OPTIONS = {
  resolve: { external: false, file: false, http: false },
  dereference: { circular: 'ignore' as const },
  continueOnError: true,
};

/** What the validator finds wrong, each where it is (a JSON pointer) when it says. */
async function validationFindings(doc: Record<string, unknown>): Promise<Finding[]> {
  try {
    // A copy: validating dereferences in place, and the description needs the document as written.
    await SwaggerParser.validate(structuredClone(doc) as never, VALIDATION_OPTIONS);
    return [];
  } catch (error) {
    return errorFindings(error, doc);
  }
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** swagger-parser's errors: a group of $ref errors, JSON Schema errors (ajv's), or one message. */
function errorFindings(error: unknown, doc: Record<string, unknown>): Finding[] {
  const { errors, details, message } = error as {
    errors?: { message: string; path?: (string | number)[] }[];
    details?: AjvError[];
    message?: string;
  };
  if (Array.isArray(errors))
    return errors.map((e) => ({ message: parserMessage(e.message), ...(e.path ? { pointer: pointerOf(e.path) } : {}) }));
  if (Array.isArray(details)) return schemaFindings(details);
  const text = parserMessage(typeof message === 'string' ? message : String(error));
  return [{ message: text, ...(specPointer(text, doc) ?? {}) }];
}

/** One finding per place: ajv reports every branch of a oneOf that failed, the first says enough. */
function schemaFindings(details: AjvError[]): Finding[] {
  const byPlace = new Map<string, Finding>();
  for (const { instancePath, message, params } of details) {
    if (byPlace.has(instancePath)) continue;
    const extra = params?.additionalProperty ?? params?.allowedValues;
    const words = `${message ?? 'is not valid'}${extra === undefined ? '' : ` (${Array.isArray(extra) ? extra.join(', ') : String(extra)})`}`;
    byPlace.set(instancePath, { message: `${instancePath || '/'} ${words}`, pointer: instancePath });
  }
  return [...byPlace.values()];
}

/** Swagger 2's rule checks name the operation as `/paths/pets/{id}/get`, unescaped: find its path. */
function specPointer(message: string, doc: Record<string, unknown>): { pointer: string } | undefined {
  const paths = isRecord(doc.paths) ? Object.keys(doc.paths) : [];
  const path = paths.filter((p) => message.includes(`/paths${p}`)).sort((a, b) => b.length - a.length)[0];
  if (path === undefined) return undefined;
  const method = /^\/(\w+)/.exec(message.slice(message.indexOf(`/paths${path}`) + `/paths${path}`.length))?.[1];
  return { pointer: pointerOf(method ? ['paths', path, method] : ['paths', path]) };
}
