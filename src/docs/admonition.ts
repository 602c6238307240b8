import type { MarkdownIt, StateBlock } from 'markdown-it';

/*
 * Python-Markdown admonitions, as MkDocs sites write them:
 *
 *     !!! note "Optional title"
 *         Body, indented four spaces; blank lines inside are fine.
 *
 *     ??? warning "Collapsed"      (pymdownx.details: a <details>, `???+` starts open)
 *
 * Written here rather than taken from npm: markdown-it-admonition (the one published plugin
 * for `!!!`) closes blocks with a second `!!!` line instead of ending them at the indent,
 * takes the title unquoted, knows no `???`, and refuses types outside a fixed list — so real
 * MkDocs pages would render wrong. The rule below is markdown-it's own list-item technique:
 * tokenize the indented body with the block indent raised by four.
 */

const START = /^(!!!|\?\?\?\+?) ?([\w-]+(?: +[\w-]+)*)(?: +"(.*?)")? *$/;

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

function admonition(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  // Indented four or more, the line is code, not an admonition.
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  const first = state.src.charCodeAt(start);
  if (first !== 0x21 /* ! */ && first !== 0x3f /* ? */) return false;
  const match = START.exec(state.src.slice(start, state.eMarks[startLine]));
  if (!match) return false;
  if (silent) return true;

  // The body: following lines indented by four more than here; blank lines do not end it.
  let bodyEnd = startLine + 1;
  for (let line = startLine + 1; line < endLine; line++) {
    if (state.isEmpty(line)) continue;
    if (state.sCount[line]! < state.blkIndent + 4) break;
    bodyEnd = line + 1;
  }

  const [, marker = '!!!', types = 'note', quoted] = match;
  const classes = types.toLowerCase().split(/ +/);
  const collapsible = marker !== '!!!';
  const tag = collapsible ? 'details' : 'div';
  // `!!! note ""` asks for no title; a <summary> cannot be left out, so ??? keeps one.
  const title = quoted === undefined || (quoted === '' && collapsible) ? capitalise(classes[0]!) : quoted;

  const open = state.push('admonition_open', tag, 1);
  open.block = true;
  open.markup = marker;
  open.map = [startLine, bodyEnd];
  open.attrSet('class', ['admonition', ...classes].join(' '));
  if (marker === '???+') open.attrSet('open', '');
  if (title) {
    const titleTag = collapsible ? 'summary' : 'p';
    const titleOpen = state.push('admonition_title_open', titleTag, 1);
    if (!collapsible) titleOpen.attrSet('class', 'admonition-title');
    const inline = state.push('inline', '', 0);
    inline.content = title;
    inline.map = [startLine, startLine + 1];
    inline.children = [];
    state.push('admonition_title_close', titleTag, -1);
  }

  const saved = { blkIndent: state.blkIndent, lineMax: state.lineMax };
  state.blkIndent += 4;
  // Lazy continuation lines must not run past the body.
  state.lineMax = bodyEnd;
  state.md.block.tokenize(state, startLine + 1, bodyEnd);
  Object.assign(state, saved);

  state.push('admonition_close', tag, -1).block = true;
  state.line = bodyEnd;
  return true;
}

/** Adds `!!!` and `???` admonitions to a markdown-it instance. */
export function admonitions(md: MarkdownIt): void {
  md.block.ruler.before('code', 'admonition', admonition, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
}
