import { createRequire } from 'node:module';

// Loaded with require(), as sanitize-html loads it: under jest, an ESM import of the same
// package beside sanitize-html's require() of it is refused as a cycle.
const { DomUtils, parseDocument } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2');

type ChildNode = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<ChildNode, { type: 'tag' | 'script' | 'style'; attribs: Record<string, string> }>;

/*
 * What a reader sees of a rendered page, from its HTML, whoever rendered it: MkDocs
 * (Python-Markdown, Pygments) or Greenroom (markdown-it, highlight.js). Markup that differs
 * without a reader noticing — wrapper elements, highlighter spans, permalink symbols, class
 * spellings — is left out; what they notice is kept in document order: headings with their
 * ids, where each link and image leads, each extension's element and its text, and the words.
 */

/** Maps a link or image URL of the page to a site path (`/user-guide/installing/#x`), or keeps an external URL. */
export type UrlMapper = (url: string, kind: 'link' | 'image') => string;

/** The words of a node as read: permalink symbols and back-links left out. */
function text(node: ChildNode | ChildNode[]): string {
  const words = (n: ChildNode): string => {
    if (n.type === 'text') return n.data;
    if (n.type !== 'tag') return '';
    return isNoise(n as Element) ? '' : (n as Element).children.map(words).join('');
  };
  return (Array.isArray(node) ? node : [node]).map(words).join('').replace(/\s+/g, ' ').trim();
}

const classes = (el: Element): string[] => (el.attribs.class ?? '').split(/\s+/).filter(Boolean);
const has = (el: Element, name: string): boolean => classes(el).includes(name);

/** Permalinks, footnote back-links and diagram sources are not what a reader reads. */
function isNoise(el: Element): boolean {
  return has(el, 'headerlink') || has(el, 'header-anchor') || has(el, 'footnote-backref');
}

/** The reader's view: one line per thing they notice, in order. */
export function readerView(html: string, mapUrl: UrlMapper): string[] {
  const lines: string[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
      const el = node as Element;
      if (isNoise(el)) continue;
      if (visit(el, lines, mapUrl)) walk(el.children);
    }
  };
  walk(parseDocument(html).children);
  return lines;
}

/** Records one element; false when its content was recorded with it. */
function visit(el: Element, lines: string[], mapUrl: UrlMapper): boolean {
  const name = el.name;
  if (/^h[1-6]$/.test(name)) {
    lines.push(`${name}#${el.attribs.id ?? ''} ${text(el)}`);
    return false;
  }
  // A diagram: MkDocs leaves the source for mermaid.js in the browser; Greenroom draws it.
  if ((name === 'pre' && has(el, 'mermaid')) || (name === 'figure' && has(el, 'mermaid'))) {
    lines.push('diagram');
    return false;
  }
  if (name === 'pre') {
    lines.push(`code block: ${text(el)}`);
    return false;
  }
  if (name === 'span' && has(el, 'filename')) {
    lines.push(`code title: ${text(el)}`);
    return false;
  }
  if (name === 'code') {
    lines.push(`code: ${text(el)}`);
    return false;
  }
  if (name === 'sup' && DomUtils.findOne((e) => e.name === 'a', el.children)?.attribs.href?.startsWith('#fn')) {
    lines.push(`footnote ref ${text(el)}`);
    return false;
  }
  if (name === 'a') {
    lines.push(`link ${mapUrl(el.attribs.href ?? '', 'link')}${has(el, 'md-button') ? ' (button)' : ''}: ${text(el)}`);
    return false;
  }
  if (name === 'img') {
    lines.push(`image ${mapUrl(el.attribs.src ?? '', 'image')} "${el.attribs.alt ?? ''}"`);
    return false;
  }
  if (name === 'input' && el.attribs.type === 'checkbox') lines.push(`task ${el.attribs.checked !== undefined ? 'done' : 'open'}`);
  else if (name === 'label') {
    lines.push(`tab: ${text(el)}`);
    return false;
  } else if (['ins', 'del', 'mark', 'sub', 'sup', 'dt', 'dd', 'th', 'td', 'li', 'strong', 'em'].includes(name)) {
    const critic = has(el, 'critic') ? ' (critic)' : '';
    lines.push(`${name}${critic}: ${text(el)}`);
  } else if (name === 'span' && has(el, 'critic')) lines.push(`critic comment: ${text(el)}`);
  else if (name === 'abbr') lines.push(`abbr "${el.attribs.title ?? ''}": ${text(el)}`);
  else if ((name === 'div' && has(el, 'admonition')) || name === 'details') {
    const kind = classes(el).filter((c) => c !== 'admonition');
    const title = DomUtils.findOne((e) => e.name === 'summary' || has(e, 'admonition-title'), el.children);
    lines.push(`${name === 'details' ? 'collapsible' : 'admonition'} ${kind.join(' ')}: ${title ? text(title) : ''}`);
  } else if (name === 'p' && has(el, 'admonition-title')) return false;
  else if (name === 'summary') return false;
  // An empty paragraph (Python-Markdown wraps a lone <img> in one) is nothing to read.
  else if (name === 'p' && text(el)) lines.push(`p: ${text(el)}`);
  return true;
}
