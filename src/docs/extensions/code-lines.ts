import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/*
 * pymdownx.highlight's line numbers and highlighted lines. techdocs-core turns `linenums` on
 * for every block (mkdocs.yml can turn it off); a fence may start numbering elsewhere
 * (`linenums="20"`) and mark lines (`hl_lines="2 4-6"`, counted from the block's first line
 * whatever its number, as pymdownx counts them).
 *
 * Each line of the block becomes `<span class="line" data-line="N">`, and the stylesheet
 * draws N before it (`content: attr(data-line)`): the numbers are not text, so copying the
 * code copies only the code, and no inline style is needed — the CSP allows none. The
 * highlighter's spans may run across lines (a block comment), so they are closed at each
 * line's end and opened again on the next.
 */

/** How a site numbers its code blocks: techdocs-core's default is on. */
export interface CodeLineOptions {
  lineNumbers: boolean;
}

/** A fence's `linenums="N"` and `hl_lines="…"` options. */
export interface FenceLineOptions {
  /** The first line's number, when the fence says; 0 turns numbers off for the block. */
  start?: number;
  /** Lines to mark, from 1 at the block's first line. */
  highlighted: Set<number>;
}

/** Python-Markdown's blocks are bounded by the page size; a range is too, so `1-999999999` cannot build a huge set. */
const MAX_MARKED = 10_000;

/** `name="value"`, `name='value'` or `name=value` among a fence's options; compiled once, not per fence. */
const optionPattern = (name: string) => new RegExp(`(?:^|\\s)${name}=(?:"([^"]*)"|'([^']*)'|(\\S+))`);
const HL_LINES = optionPattern('hl_lines');
const LINENUMS = optionPattern('linenums');

const option = (info: string, pattern: RegExp): string | undefined =>
  pattern
    .exec(info)
    ?.slice(1)
    .find((v) => v !== undefined);

/** Reads the fence's options; anything not a number or range is ignored, as pymdownx ignores it. */
export function fenceLineOptions(info: string): FenceLineOptions {
  const highlighted = new Set<number>();
  for (const part of (option(info, HL_LINES) ?? '').split(/\s+/)) {
    const range = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part);
    if (!range) continue;
    const from = Number(range[1]);
    const to = Math.min(Number(range[2] ?? range[1]), from + MAX_MARKED);
    for (let line = from; line <= to && highlighted.size < MAX_MARKED; line++) highlighted.add(line);
  }
  const linenums = option(info, LINENUMS);
  // `linenums="START [STEP [SPECIAL]]"`: the start is what is used here.
  const startText = linenums !== undefined ? /^(\d{1,6})(?:\s|$)/.exec(linenums)?.[1] : undefined;
  const start = startText !== undefined ? Number(startText) : undefined;
  return { ...(start !== undefined ? { start } : {}), highlighted };
}

/**
 * A fence's options, whether or not it names a language: superfences reads ```` ```linenums="5" ````
 * as options alone, where markdown-it would take `linenums="5"` for the language.
 */
export const fenceOptions = (token: Token): string => (token.meta as { fenceOptions?: string } | null)?.fenceOptions ?? token.info;

/** Moves options written without a language out of the info string, so they are not read as one. */
function optionsWithoutLanguage(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type === 'fence' && /^[A-Za-z_][\w-]*=/.test(token.info.trim())) {
      token.meta = { ...(token.meta as object | null), fenceOptions: token.info };
      token.info = '';
    }
  }
}

const TAG = /<(\/?)span([^>]*)>/g;

/**
 * Splits a code block's HTML (escaped text and the highlighter's `<span class>` tags, nothing
 * else) into lines, each with the spans open at its start opened again: one pass, each line
 * paying for the spans open across it (the highlighter nests a few deep).
 */
export function splitHighlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let current = '';
  let last = 0;
  const text = (piece: string) => {
    const parts = piece.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) {
        lines.push(current + '</span>'.repeat(open.length));
        current = open.join('');
      }
      current += part;
    });
  };
  for (const tag of html.matchAll(TAG)) {
    text(html.slice(last, tag.index));
    if (tag[1]) open.pop();
    else open.push(tag[0]);
    current += tag[0];
    last = tag.index + tag[0].length;
  }
  text(html.slice(last));
  if (current !== '' && current !== open.join('')) lines.push(current);
  return lines;
}

const BLOCK = /^(<pre><code[^>]*>)([\s\S]*)(<\/code><\/pre>\n?)$/;

/** A rendered block with its lines wrapped, numbered and marked as the options and the site say. */
function withLines(html: string, fenceInfo: string, env: unknown): string {
  const block = BLOCK.exec(html);
  if (!block) return html;
  const { start, highlighted } = fenceLineOptions(fenceInfo);
  const siteDefault = (env as { codeLines?: CodeLineOptions }).codeLines?.lineNumbers ?? true;
  const numbered = start !== undefined ? start > 0 : siteDefault;
  if (!numbered && highlighted.size === 0) return html;
  const first = start && start > 0 ? start : 1;
  const lines = splitHighlightedLines(block[2]!).map((line, i) => {
    const classes = highlighted.has(i + 1) ? 'line hll' : 'line';
    const number = numbered ? ` data-line="${first + i}"` : '';
    return `<span class="${classes}"${number}>${line}</span>`;
  });
  return `${block[1]}${lines.join('\n')}\n${block[3]}`;
}

/** Adds line numbers and marked lines to fenced and indented code (after markdown-it's own renderers). */
export function codeLines(md: MarkdownIt): void {
  md.core.ruler.after('block', 'fence_options', optionsWithoutLanguage);
  const { fence, code_block: indented } = md.renderer.rules;
  md.renderer.rules.fence = (tokens, idx, options, env, self) =>
    withLines(fence!(tokens, idx, options, env, self), fenceOptions(tokens[idx]!), env);
  // Indented code has no options; pymdownx.highlight numbers it all the same.
  md.renderer.rules.code_block = (tokens, idx, options, env, self) => withLines(indented!(tokens, idx, options, env, self), '', env);
}
