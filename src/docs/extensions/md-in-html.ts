import type { MarkdownIt, StateBlock } from 'markdown-it';

/*
 * Python-Markdown's md_in_html: an HTML block whose opening tag carries `markdown`
 * (`markdown`, `markdown="1"`, `markdown="block"` or `"span"`) has its content parsed as
 * Markdown. CommonMark would pass it through as raw HTML, so grids of cards and styled
 * wrappers — common in TechDocs — would show literal `**` and `[links](…)`.
 *
 * Recognised as the extension's documentation writes it: the opening tag alone on its line
 * and its closing tag alone on a later line at the same nesting. Anything else stays raw
 * HTML, which is what Python-Markdown does with HTML it cannot pair either.
 */

/** An opening tag alone on its line: its name and attributes (no `>` inside, so matching is linear). */
const OPEN_TAG = /^<([a-z][a-z0-9-]*)((?:\s[^>]*)?)>\s*$/i;
/** The `markdown` attribute among them. */
const MARKDOWN_ATTRIBUTE = /(^|\s)markdown(?:\s*=\s*(?:"(?:1|block|span)"|'(?:1|block|span)'|1|block|span))?(?=\s|$)/i;
/** Opening tags longer than this are not considered: no real wrapper has kilobytes of attributes. */
const MAX_TAG_LENGTH = 2048;

/** The line holding the tag's matching close, or -1. Only same-named tags count toward nesting. */
function closingLine(state: StateBlock, tag: string, from: number, endLine: number): number {
  const opens = new RegExp(`<${tag}(?=[\\s>])`, 'gi');
  const closes = new RegExp(`</${tag}\\s*>`, 'gi');
  const closeAlone = new RegExp(`^\\s*</${tag}\\s*>\\s*$`, 'i');
  let depth = 1;
  for (let line = from; line < endLine; line++) {
    const text = state.src.slice(state.bMarks[line]!, state.eMarks[line]);
    depth += (text.match(opens)?.length ?? 0) - (text.match(closes)?.length ?? 0);
    if (depth <= 0) return depth === 0 && closeAlone.test(text) ? line : -1;
  }
  return -1;
}

function markdownInHtml(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  if (state.src.charCodeAt(start) !== 0x3c /* < */) return false;
  const line = state.src.slice(start, state.eMarks[startLine]);
  if (line.length > MAX_TAG_LENGTH || !/markdown/i.test(line)) return false;
  const match = OPEN_TAG.exec(line);
  const attribute = match ? MARKDOWN_ATTRIBUTE.exec(match[2] ?? '') : null;
  if (!match || !attribute) return false;
  const tag = match[1]!.toLowerCase();
  const close = closingLine(state, tag, startLine + 1, endLine);
  if (close < 0) return false;
  if (silent) return true;

  const attributes = (match[2] ?? '').replace(MARKDOWN_ATTRIBUTE, '$1').replace(/\s+$/, '');
  const open = state.push('html_block', '', 0);
  open.content = `<${tag}${attributes}>\n`;
  open.map = [startLine, startLine + 1];
  const saved = state.lineMax;
  state.lineMax = close;
  state.md.block.tokenize(state, startLine + 1, close);
  state.lineMax = saved;
  const end = state.push('html_block', '', 0);
  end.content = `</${tag}>\n`;
  end.map = [close, close + 1];
  state.line = close + 1;
  return true;
}

/** Adds Markdown inside HTML blocks marked `markdown`. */
export function mdInHtml(md: MarkdownIt): void {
  md.block.ruler.before('html_block', 'md_in_html', markdownInHtml, { alt: ['paragraph', 'reference', 'blockquote'] });
}
