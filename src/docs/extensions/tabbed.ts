import type { MarkdownIt, StateBlock } from 'markdown-it';

/*
 * pymdownx.tabbed (alternate style, as TechDocs and Material render it):
 *
 *     === "First"
 *         Indented content.
 *
 *     === "Second"
 *         More.
 *
 * Consecutive tabs form one set; `===!` starts a new set, `===+` selects a tab. The output is
 * the extension's own markup — radio inputs, labels, then the blocks — so tabs switch with
 * CSS alone (app.css), with no script and nothing the CSP refuses. Ids are numbered per page.
 */

const HEADER = /^===([!+]{0,2}) +"([^"]*(?:"[^"]*)*)" *$/;
/** Tab headers longer than this are not tabs: the pattern stays linear in what it reads. */
const MAX_HEADER_LENGTH = 1024;

interface Tab {
  title: string;
  selected: boolean;
  newSet: boolean;
  header: number;
  bodyEnd: number;
}

/** The tab starting at `line`, or undefined when the line is not a tab header at this indent. */
function tabAt(state: StateBlock, line: number, endLine: number): Tab | undefined {
  if (line >= endLine || state.sCount[line]! !== state.blkIndent) return undefined;
  const text = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
  const match = text.length <= MAX_HEADER_LENGTH && text.startsWith('===') ? HEADER.exec(text) : null;
  if (!match) return undefined;
  let bodyEnd = line + 1;
  for (let next = line + 1; next < endLine; next++) {
    if (state.isEmpty(next)) continue;
    if (state.sCount[next]! < state.blkIndent + 4) break;
    bodyEnd = next + 1;
  }
  const flags = match[1] ?? '';
  return { title: match[2] ?? '', selected: flags.includes('+'), newSet: flags.includes('!'), header: line, bodyEnd };
}

function tabbedSet(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const first = tabAt(state, startLine, endLine);
  if (!first) return false;
  if (silent) return true;

  const tabs = [first];
  for (;;) {
    let next = tabs.at(-1)!.bodyEnd;
    while (next < endLine && state.isEmpty(next)) next++;
    const tab = tabAt(state, next, endLine);
    if (!tab || tab.newSet) break;
    tabs.push(tab);
  }
  const env = state.env as { tabbedSets?: number };
  const set = (env.tabbedSets = (env.tabbedSets ?? 0) + 1);
  const chosen = Math.max(
    0,
    tabs.findIndex((t) => t.selected),
  );
  const id = (i: number) => `__tabbed_${set}_${i + 1}`;

  const open = state.push('tabbed_set_open', 'div', 1);
  open.attrSet('class', 'tabbed-set tabbed-alternate');
  open.attrSet('data-tabs', `${set}:${tabs.length}`);
  open.map = [startLine, tabs.at(-1)!.bodyEnd];
  tabs.forEach((_, i) => {
    const input = state.push('tabbed_input', 'input', 0);
    input.attrs = [
      ['type', 'radio'],
      ['name', `__tabbed_${set}`],
      ['id', id(i)],
    ];
    if (i === chosen) input.attrPush(['checked', '']);
  });
  state.push('tabbed_labels_open', 'div', 1).attrSet('class', 'tabbed-labels');
  tabs.forEach((tab, i) => {
    state.push('tabbed_label_open', 'label', 1).attrSet('for', id(i));
    const inline = state.push('inline', '', 0);
    inline.content = tab.title;
    inline.map = [tab.header, tab.header + 1];
    inline.children = [];
    state.push('tabbed_label_close', 'label', -1);
  });
  state.push('tabbed_labels_close', 'div', -1);
  state.push('tabbed_content_open', 'div', 1).attrSet('class', 'tabbed-content');
  const saved = { blkIndent: state.blkIndent, lineMax: state.lineMax };
  for (const tab of tabs) {
    state.push('tabbed_block_open', 'div', 1).attrSet('class', 'tabbed-block');
    state.blkIndent = saved.blkIndent + 4;
    state.lineMax = tab.bodyEnd;
    state.md.block.tokenize(state, tab.header + 1, tab.bodyEnd);
    Object.assign(state, saved);
    state.push('tabbed_block_close', 'div', -1);
  }
  state.push('tabbed_content_close', 'div', -1);
  state.push('tabbed_set_close', 'div', -1);
  state.line = tabs.at(-1)!.bodyEnd;
  return true;
}

/** Adds `=== "Tab"` content tabs. */
export function tabbed(md: MarkdownIt): void {
  md.block.ruler.before('code', 'tabbed', tabbedSet, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.tabbed_input = (tokens, idx, _options, _env, self) => `<input${self.renderAttrs(tokens[idx]!)}>`;
}
