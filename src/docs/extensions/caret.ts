import type { MarkdownIt, StateInline } from 'markdown-it';

/*
 * pymdownx.caret's `^^inserted^^` (<ins>). Its `^superscript^` is markdown-it-sup's; this rule
 * runs before it so a doubled caret is not read as two superscripts. No published plugin
 * takes `^^` (markdown-it-ins uses `++`), so this is markdown-it-sub's scan with a doubled
 * marker and inline content.
 */

const CARET = 0x5e;

function insert(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  const max = state.posMax;
  const { src } = state;
  if (src.charCodeAt(start) !== CARET || src.charCodeAt(start + 1) !== CARET || start + 4 > max) return false;
  state.pos = start + 2;
  let end = -1;
  while (state.pos < max) {
    if (src.charCodeAt(state.pos) === CARET && src.charCodeAt(state.pos + 1) === CARET) {
      end = state.pos;
      break;
    }
    state.md.inline.skipToken(state);
  }
  const content = end > 0 ? src.slice(start + 2, end) : '';
  if (end < 0 || !content || /^\s|\s$/.test(content)) {
    state.pos = start;
    return false;
  }
  if (!silent) {
    state.posMax = end;
    state.pos = start + 2;
    state.push('ins_open', 'ins', 1).markup = '^^';
    state.md.inline.tokenize(state);
    state.push('ins_close', 'ins', -1).markup = '^^';
    state.posMax = max;
  }
  state.pos = end + 2;
  return true;
}

/** Adds `^^inserted^^`; use before markdown-it-sup. */
export function caret(md: MarkdownIt): void {
  md.inline.ruler.before('emphasis', 'caret_insert', insert);
}
