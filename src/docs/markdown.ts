import hljs from 'highlight.js';
import MarkdownIt, { type Token } from 'markdown-it';
import anchor from 'markdown-it-anchor';
import { parse as parseYaml } from 'yaml';
import { admonitions } from './admonition.ts';
import type { LinkContext } from './links.ts';
import { sanitizePage } from './sanitize.ts';
import type { DocHeading } from './site.ts';

/** One page, rendered and sanitised. */
export interface RenderedPage {
  html: string;
  headings: DocHeading[];
  /** The page as plain text, for search. */
  text: string;
  /** From front matter's `title`, else the first `# heading`. */
  title?: string;
}

/**
 * Heading ids readers can type and share: lower case, letters of any script kept (not
 * percent-encoded as markdown-it-anchor's default does), punctuation dropped.
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s+/g, '-');
  return slug || 'section';
}

/**
 * Code is highlighted to class names only (hljs-*), coloured by app.css: the CSP allows no
 * inline style. An unknown or missing language is left plain — guessing is slow and often wrong.
 */
function highlight(code: string, language: string): string {
  const lang = language.toLowerCase();
  if (!lang || !hljs.getLanguage(lang)) return '';
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

// html: true because MkDocs pages do embed HTML; every byte goes through sanitizePage after.
const md = new MarkdownIt({ html: true, linkify: false, typographer: false, highlight }).use(admonitions).use(anchor, {
  slugify,
  tabIndex: false,
  permalink: anchor.permalink.linkInsideHeader({ symbol: '#', placement: 'after', ariaHidden: true }),
});

/** Front matter (`---` YAML `---`) is metadata, not content; its `title` names the page. */
function splitFrontMatter(source: string): { body: string; title?: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  if (!match) return { body: source };
  let title: string | undefined;
  try {
    const meta: unknown = parseYaml(match[1] ?? '', { logLevel: 'silent' });
    const value = meta && typeof meta === 'object' ? (meta as Record<string, unknown>).title : undefined;
    if (typeof value === 'string' && value.trim()) title = value.trim();
  } catch {
    // Front matter that is not YAML is skipped like MkDocs does: the page still renders.
  }
  return { body: source.slice(match[0].length), title };
}

/** Text of an inline token; the permalink's `#` (raw HTML) and other markup are left out. */
function inlineText(token: Token): string {
  let text = '';
  for (const child of token.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    else if (child.type === 'image') text += child.content;
  }
  return text.trim();
}

function outline(tokens: Token[]): { headings: DocHeading[]; text: string } {
  const headings: DocHeading[] = [];
  const blocks: string[] = [];
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]!);
      headings.push({ level: Number(token.tag.slice(1)), id: String(token.attrGet('id') ?? slugify(text)), text });
    } else if (token.type === 'inline') blocks.push(inlineText(token));
    else if (token.type === 'fence' || token.type === 'code_block') blocks.push(token.content.trimEnd());
  });
  return { headings, text: blocks.filter(Boolean).join('\n') };
}

/** Renders one Markdown page: anchored headings, tables, highlighted code, admonitions, safe links. */
export function renderMarkdown(source: string, links: LinkContext): RenderedPage {
  const { body, title: metaTitle } = splitFrontMatter(source.replace(/^\uFEFF/, ''));
  const env = {};
  const tokens = md.parse(body, env);
  const { headings, text } = outline(tokens);
  const html = sanitizePage(md.renderer.render(tokens, md.options, env), links);
  const title = metaTitle ?? headings.find((h) => h.level === 1)?.text;
  return { html, headings, text, ...(title ? { title } : {}) };
}
