import { DESCRIPTION_LIMITS } from './model.ts';

/**
 * Text from a definition as a description keeps it: cut to a size, and values (examples,
 * defaults) written out as JSON without ever building more than the limit — a 50 MB example
 * or a YAML alias that loops must cost no more than a short one.
 */

/** Names, paths, URLs and summaries longer than this are cut (they are one line on a page). */
export const MAX_LABEL_CHARS = 1024;

const ELLIPSIS = '…';

/** `text` cut to `max` characters with "…", or undefined when it is not a non-empty string. */
export function cutText(text: unknown, max: number = DESCRIPTION_LIMITS.maxDescriptionChars): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  return text.length <= max ? text : text.slice(0, max - 1) + ELLIPSIS;
}

/** A one-line label (name, path, URL, summary), cut at MAX_LABEL_CHARS. */
export function label(text: unknown): string | undefined {
  return cutText(typeof text === 'number' ? String(text) : text, MAX_LABEL_CHARS);
}

/**
 * A parser's message as a reader may see it: one label, without the operator's working
 * directory in file paths or a stack appended (@asyncapi/parser adds `, stack: …`).
 */
export function parserMessage(message: string): string {
  const withoutStack = message.split(', stack: ')[0] ?? message;
  return label(withoutStack.split(`${process.cwd()}/`).join('')) ?? '';
}

class Full extends Error {}

/**
 * A value as pretty JSON (a string as itself), capped at maxExampleChars with "…": written
 * piece by piece so it stops at the cap, and a value met again inside itself (a YAML alias
 * loop) is written as "[Circular]".
 */
export function exampleText(value: unknown, max: number = DESCRIPTION_LIMITS.maxExampleChars): string {
  if (typeof value === 'string') return cutText(value, max) ?? '';
  const parts: string[] = [];
  let length = 0;
  const put = (piece: string) => {
    parts.push(piece);
    length += piece.length;
    if (length > max) throw new Full();
  };
  try {
    writeJson(value, '', put, new Set());
  } catch (error) {
    if (!(error instanceof Full)) throw error;
    return parts.join('').slice(0, max - 1) + ELLIPSIS;
  }
  return parts.join('');
}

function writeJson(value: unknown, indent: string, put: (piece: string) => void, open: Set<object>): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) {
    put(scalarJson(value));
    return;
  }
  if (open.has(value)) {
    put('"[Circular]"');
    return;
  }
  open.add(value);
  const inner = indent + '  ';
  const isArray = Array.isArray(value);
  let first = true;
  // Members are written as they are met, not collected first, so a huge value stops at the cap.
  const member = (key: string | undefined, v: unknown) => {
    if (typeof v === 'function' || (v === undefined && key !== undefined)) return;
    put((first ? (isArray ? '[' : '{') + '\n' : ',\n') + inner + (key === undefined ? '' : `${JSON.stringify(key)}: `));
    first = false;
    writeJson(v, inner, put, open);
  };
  if (isArray) for (const v of value as unknown[]) member(undefined, v);
  else for (const key in value) if (Object.hasOwn(value, key)) member(key, (value as Record<string, unknown>)[key]);
  put(first ? (isArray ? '[]' : '{}') : `\n${indent}${isArray ? ']' : '}'}`);
  open.delete(value);
}

function scalarJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return JSON.stringify(value) ?? 'null';
}
