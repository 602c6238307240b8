/**
 * The line a JSON pointer's node starts on in a JSON text that JSON.parse has already accepted,
 * found by scanning the text rather than parsing it again: the yaml package, which gives lines
 * for YAML, takes about seven seconds and a gigabyte and a half for GitHub's 14 MB enterprise
 * document, where this scan takes milliseconds and no memory. Nothing is built; each lookup
 * walks the text once, skipping the members it does not need, without recursion.
 */

/** Finds the lines of JSON pointers (as tokens) in one JSON text. */
export function jsonLines(text: string): (tokens: readonly string[]) => number {
  let lineStarts: number[] | undefined;
  const lineAt = (offset: number) => {
    lineStarts ??= newlineOffsets(text);
    let low = 0;
    let high = lineStarts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (lineStarts[middle]! <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return (tokens) => lineAt(nodeOffset(text, tokens));
}

/** Offsets where lines start after the first (line n + 1 starts after the n-th newline). */
function newlineOffsets(text: string): number[] {
  const offsets: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) offsets.push(i + 1);
  return offsets;
}

/**
 * The offset of the node at `tokens`: of a member's key, of an array item; where the pointer goes
 * further than the text does, of the deepest part that exists.
 */
function nodeOffset(text: string, tokens: readonly string[]): number {
  let at = skipSpace(text, 0);
  let found = at;
  for (const token of tokens) {
    const next = text[at] === '{' ? memberOffset(text, at, token) : text[at] === '[' ? itemOffset(text, at, token) : undefined;
    if (next === undefined) break;
    found = next.start;
    at = next.value;
  }
  return found;
}

/** In the object at `at`, where member `name` starts (its key) and where its value starts. */
function memberOffset(text: string, at: number, name: string): { start: number; value: number } | undefined {
  let i = skipSpace(text, at + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const key = text.slice(i + 1, keyEnd - 1);
    const value = skipSpace(text, skipSpace(text, keyEnd) + 1);
    if ((key.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : key) === name) return { start: i, value };
    i = skipSpace(text, valueEnd(text, value));
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** In the array at `at`, where item number `token` starts. */
function itemOffset(text: string, at: number, token: string): { start: number; value: number } | undefined {
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const wanted = Number(token);
  let i = skipSpace(text, at + 1);
  for (let index = 0; text[i] !== ']' && i < text.length; index++) {
    if (index === wanted) return { start: i, value: i };
    i = skipSpace(text, valueEnd(text, i));
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
  return undefined;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** The offset just after the string that starts at `i` (its opening quote). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

/** The offset just after the value that starts at `i`: brackets are counted, strings skipped whole. */
function valueEnd(text: string, i: number): number {
  if (text[i] === '"') return stringEnd(text, i);
  if (text[i] !== '{' && text[i] !== '[') {
    let j = i;
    while (j < text.length && !',}] \n\r\t'.includes(text[j]!)) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"') j = stringEnd(text, j) - 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return j + 1;
  }
  return text.length;
}
