import type { MarkdownIt, StateInline } from 'markdown-it';

/*
 * pymdownx.critic in its default "view" mode: CriticMarkup edits are shown as marked-up text.
 *   {++added++}  {--deleted--}  {~~old~>new~~}  {==highlighted==}  {>>comment<<}
 * pymdownx reads them before parsing, so one may span paragraphs; here they are inline
 * (within one paragraph), which is how they are written in practice. No maintained
 * markdown-it plugin exists for CriticMarkup.
 */

interface Mark {
  close: string;
  tag: 'ins' | 'del' | 'mark' | 'span';
  className: string;
}

const MARKS: Record<string, Mark> = {
  '++': { close: '++}', tag: 'ins', className: 'critic' },
  '--': { close: '--}', tag: 'del', className: 'critic' },
  '==': { close: '==}', tag: 'mark', className: 'critic' },
  '>>': { close: '<<}', tag: 'span', className: 'critic comment' },
  '~~': { close: '~~}', tag: 'del', className: 'critic' },
};

/** Tokens for src[from, to) as inline Markdown, wrapped in one tag. */
function wrapped(state: StateInline, tag: string, className: string, from: number, to: number): void {
  const open = state.push(`critic_${tag}_open`, tag, 1);
  open.attrSet('class', className);
  const max = state.posMax;
  state.pos = from;
  state.posMax = to;
  state.md.inline.tokenize(state);
  state.posMax = max;
  state.push(`critic_${tag}_close`, tag, -1);
}

/**
 * Per inline text, the first position of each closer at or after the last search: a
 * paragraph of many `{++` without `++}` then costs one scan, not one per opener.
 */
const closers = new WeakMap<StateInline, Map<string, { from: number; at: number }>>();

function closerAfter(state: StateInline, close: string, from: number): number {
  const known = closers.get(state) ?? new Map<string, { from: number; at: number }>();
  closers.set(state, known);
  const last = known.get(close);
  if (last && last.from <= from && (last.at < 0 || last.at >= from)) return last.at;
  const at = state.src.indexOf(close, from);
  known.set(close, { from, at });
  return at;
}

function critic(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x7b /* { */) return false;
  const mark = MARKS[state.src.slice(start + 1, start + 3)];
  if (!mark) return false;
  const end = closerAfter(state, mark.close, start + 3);
  if (end < 0 || end + mark.close.length > state.posMax) return false;
  if (!silent) {
    if (mark.close === '~~}') {
      // A substitution: the old text deleted, then the new one inserted.
      const arrow = state.src.indexOf('~>', start + 3);
      const split = arrow >= 0 && arrow < end ? arrow : end;
      wrapped(state, 'del', 'critic', start + 3, split);
      if (split < end) wrapped(state, 'ins', 'critic', split + 2, end);
    } else wrapped(state, mark.tag, mark.className, start + 3, end);
  }
  state.pos = end + mark.close.length;
  return true;
}

/** Adds CriticMarkup; before the rules that would read its markers (`~~`, `==`, `++`). */
export function criticMarkup(md: MarkdownIt): void {
  md.inline.ruler.before('strikethrough', 'critic', critic);
}
