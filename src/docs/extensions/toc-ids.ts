import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/*
 * Heading ids as Python-Markdown's toc makes them, so links written for MkDocs
 * (`page.md#step-2-install_1`) land: accents folded to ASCII, punctuation dropped, spaces to
 * `-`, repeats numbered `_1`, `_2`, and ids set with attr_list (`{#id}`) kept and counted.
 * Where folding leaves nothing (a heading in Cyrillic or Japanese), MkDocs' id would be just
 * `_1`; the heading's own letters are kept instead, so the id still says what it points to.
 */

/** Python-Markdown's default toc slugify, with letters of other scripts kept when ASCII leaves nothing. */
export function slugify(text: string): string {
  const slug = (value: string) =>
    value
      .replace(/[^\p{L}\p{M}\p{N}_\s-]/gu, '')
      .trim()
      .toLowerCase()
      .replace(/[-\s]+/g, '-');
  const ascii = slug(text.normalize('NFKD').replace(/[^\x00-\x7f]/g, ''));
  return ascii || slug(text.normalize('NFKC'));
}

/** `x` → `x_1` → `x_2`, as toc's unique(). */
function unique(id: string, taken: Set<string>): string {
  let candidate = id;
  while (taken.has(candidate) || !candidate) {
    const numbered = /^(.*)_([0-9]+)$/.exec(candidate);
    candidate = numbered ? `${numbered[1]}_${Number(numbered[2]) + 1}` : `${candidate}_1`;
  }
  taken.add(candidate);
  return candidate;
}

/** A heading's text as toc reads it: its text and code, without markup. */
export function inlineText(token: Token | undefined): string {
  let text = '';
  for (const child of token?.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline' || child.type === 'emoji') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    else if (child.type === 'image') text += child.content;
  }
  return text.trim();
}

function tocIds(state: StateCore): void {
  const taken = new Set<string>();
  for (const token of state.tokens) {
    const id = token.attrGet('id');
    if (id !== null && token.type !== 'heading_open') taken.add(String(id));
  }
  state.tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const explicit = token.attrGet('id');
    token.attrSet('id', explicit !== null ? unique(String(explicit), taken) : unique(slugify(inlineText(state.tokens[i + 1])), taken));
  });
}

/** Sets heading ids; use after markdown-it-attrs and before markdown-it-anchor (which keeps them). */
export function tocIdentifiers(md: MarkdownIt): void {
  md.core.ruler.push('toc_ids', tocIds);
}
