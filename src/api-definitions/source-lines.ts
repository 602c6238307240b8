import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { jsonLines } from './json-lines.ts';
import { pointerTokens } from './json-pointer.ts';
import type { DefinitionProblem } from './model.ts';

/**
 * A definition's text read as data, keeping where each part of it is written: a syntax error
 * becomes a problem with its line and column, and a place a validator names by JSON pointer
 * becomes the line it starts on. JSON is YAML, so one parser (`yaml`, with a LineCounter) could
 * serve both; but on GitHub's 13 MB JSON document it takes seven seconds where JSON.parse takes a
 * tenth of one, so JSON that JSON.parse accepts is read with it, and its lines are found by
 * json-lines.ts's scan. YAML, and JSON that is not quite JSON, go through `yaml`.
 */
export interface SourceDocument {
  /** The document as plain data. YAML aliases may make it share (even loop through) objects. */
  value: unknown;
  /** The 1-based line where the node at `pointer` starts, or its nearest ancestor that exists. */
  lineOf(pointer: string): number | undefined;
}

export type SourceReading = { source: SourceDocument } | { problems: DefinitionProblem[] };

/** At most this many syntax errors are reported: the first ones are the ones to fix. */
const MAX_SYNTAX_PROBLEMS = 20;

/** YAML aliases expanded at most this many times, so a "billion laughs" document stays small. */
const MAX_ALIAS_COUNT = 100;

interface Lines {
  doc: Document.Parsed;
  counter: LineCounter;
}

function parseLines(text: string): Lines {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, keepSourceTokens: false });
  return { doc, counter };
}

/** Reads a definition's text (JSON or YAML) into data, or says on which lines it does not parse. */
export function readSource(text: string): SourceReading {
  if (/^\s*[{[]/.test(text)) {
    try {
      const value: unknown = JSON.parse(text);
      const lineOf = jsonLines(text);
      return { source: { value, lineOf: (pointer) => lineOf(pointerTokens(pointer)) } };
    } catch {
      // Not strict JSON (a trailing comma, a comment): YAML may still read it, and says where not.
    }
  }
  const lines = parseLines(text);
  if (lines.doc.errors.length > 0) {
    return {
      problems: lines.doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((error) => {
        const { line, col } = lines.counter.linePos(error.pos[0]);
        return { message: error.message.split('\n')[0] ?? error.message, line, column: col };
      }),
    };
  }
  try {
    const value: unknown = lines.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { source: { value, lineOf: (pointer) => lineIn(lines, pointer) } };
  } catch (error) {
    return { problems: [{ message: `The document cannot be read: ${(error as Error).message}`, line: 1 }] };
  }
}

/**
 * The line of the node at `pointer`: for an object member, the line of its key (where a reader
 * looks for `responses:`), for an array item the line it starts on; where the pointer goes
 * further than the document does, the line of the deepest part that exists.
 */
function lineIn({ doc, counter }: Lines, pointer: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const token of pointerTokens(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === token);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = /^\d+$/.test(token) ? node.items[Number(token)] : undefined;
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}

/** A problem at a JSON pointer of `source`, with the line it starts on when there is one. */
export function problemAt(source: SourceDocument, message: string, pointer?: string): DefinitionProblem {
  if (pointer === undefined) return { message };
  const line = source.lineOf(pointer);
  return { message, ...(line === undefined ? {} : { line }), path: pointer };
}
