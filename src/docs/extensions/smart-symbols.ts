import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/*
 * pymdownx.smartsymbols: typed sequences become the symbols they stand for, outside code.
 * markdown-it's typographer knows only (c), (r), (tm) and +-, and also rewrites quotes and
 * dashes, which MkDocs leaves alone — so this is the extension's own list.
 */

const SYMBOLS: [RegExp, string][] = [
  [/\(tm\)/gi, '™'],
  [/\(c\)/gi, '©'],
  [/\(r\)/gi, '®'],
  [/\bc\/o\b/gi, '℅'],
  [/\+\/-/g, '±'],
  [/<-->/g, '↔'],
  [/(?<!<)-->/g, '→'],
  [/<--(?!>)/g, '←'],
  [/=\/=/g, '≠'],
];

const FRACTIONS: Record<string, string> = {
  '1/4': '¼',
  '1/2': '½',
  '3/4': '¾',
  '1/3': '⅓',
  '2/3': '⅔',
  '1/5': '⅕',
  '2/5': '⅖',
  '3/5': '⅗',
  '4/5': '⅘',
  '1/6': '⅙',
  '5/6': '⅚',
  '1/8': '⅛',
  '3/8': '⅜',
  '5/8': '⅝',
  '7/8': '⅞',
};

const FRACTION = /(?<![\w/])([1-7]\/[2-8])(?![\w/])/g;
const ORDINAL = /\b(\d+)(st|nd|rd|th)\b/g;

function symbolsIn(text: string): string {
  let out = text;
  for (const [pattern, symbol] of SYMBOLS) out = out.replace(pattern, symbol);
  return out.replace(FRACTION, (whole, fraction: string) => FRACTIONS[fraction] ?? whole);
}

/** A text token split so each ordinal suffix (1st, 22nd) is raised, as pymdownx does. */
function withOrdinals(state: StateCore, token: Token): Token[] {
  const parts: Token[] = [];
  let last = 0;
  const text = token.content;
  const push = (type: string, tag: string, nesting: -1 | 0 | 1, content = '') => {
    const t = new state.Token(type, tag, nesting);
    t.content = content;
    parts.push(t);
  };
  for (const match of text.matchAll(ORDINAL)) {
    const suffixAt = match.index + match[1]!.length;
    push('text', '', 0, text.slice(last, suffixAt));
    push('sup_open', 'sup', 1);
    push('text', '', 0, match[2]!);
    push('sup_close', 'sup', -1);
    last = suffixAt + match[2]!.length;
  }
  if (parts.length === 0) return [token];
  push('text', '', 0, text.slice(last));
  return parts;
}

function smartSymbolsRule(state: StateCore): void {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    let linkDepth = 0;
    const children: Token[] = [];
    for (const token of block.children) {
      if (token.type === 'link_open') linkDepth += 1;
      if (token.type === 'link_close') linkDepth -= 1;
      // An autolinked URL's text stays as written.
      if (token.type !== 'text' || (linkDepth > 0 && token.markup === 'linkify')) {
        children.push(token);
        continue;
      }
      token.content = symbolsIn(token.content);
      children.push(...withOrdinals(state, token));
    }
    block.children = children;
  }
}

/** Adds pymdownx.smartsymbols' replacements. */
export function smartSymbols(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'smart_symbols', smartSymbolsRule);
}
