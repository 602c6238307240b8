import hljs from 'highlight.js';
import MarkdownIt, { type Token } from 'markdown-it';
import anchor from 'markdown-it-anchor';
import { parse as parseYaml } from 'yaml';
import { techdocsCore } from './extensions/techdocs-core.ts';
import { inlineText } from './extensions/toc-ids.ts';
import type { DiagramSink } from './extensions/mermaid.ts';
import type { LinkContext } from './links.ts';
import { MARKDOWN_ORIGIN, sanitizePage } from './sanitize.ts';
import type { DocHeading } from './site.ts';

export { slugify } from './extensions/toc-ids.ts';

/** One page, rendered and sanitised. */
export interface RenderedPage {
  html: string;
  headings: DocHeading[];
  /** The page as plain text, for search. */
  text: string;
  /** From front matter's `title`, else the first `# heading`. */
  title?: string;
  /** Front matter `search: { exclude: true }` (Material for MkDocs). */
  searchExclude?: boolean;
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

/** Marks links and images written in Markdown (not raw HTML) for the sanitizer: see MARKDOWN_ORIGIN. */
function markMarkdownLinks(md: InstanceType<typeof MarkdownIt>): void {
  md.core.ruler.push('greenroom_link_origin', (state) => {
    for (const block of state.tokens) {
      for (const token of block.children ?? [])
        if (token.type === 'link_open' || token.type === 'image') token.attrSet(MARKDOWN_ORIGIN, '');
    }
  });
}

// html: true because MkDocs pages do embed HTML; every byte goes through sanitizePage after.
// linkify is pymdownx.magiclink's bare URLs and e-mail addresses.
const md = new MarkdownIt({ html: true, linkify: true, typographer: false, highlight })
  .use(techdocsCore)
  .use(markMarkdownLinks)
  .use(anchor, {
    tabIndex: false,
    failOnNonUnique: false,
    permalink: anchor.permalink.linkInsideHeader({ symbol: '#', placement: 'after', ariaHidden: true }),
  });

/** Front matter (`---` YAML `---`) is metadata, not content; its `title` names the page. */
function splitFrontMatter(source: string): { body: string; title?: string; searchExclude?: boolean } {
  const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  if (!match) return { body: source };
  let title: string | undefined;
  let searchExclude = false;
  try {
    const meta: unknown = parseYaml(match[1] ?? '', { logLevel: 'silent' });
    const fields = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
    if (typeof fields.title === 'string' && fields.title.trim()) title = fields.title.trim();
    const search = fields.search && typeof fields.search === 'object' ? (fields.search as Record<string, unknown>) : {};
    searchExclude = search.exclude === true;
  } catch {
    // Front matter that is not YAML is skipped like MkDocs does: the page still renders.
  }
  return { body: source.slice(match[0].length), title, ...(searchExclude ? { searchExclude } : {}) };
}

function outline(tokens: Token[]): { headings: DocHeading[]; text: string } {
  const headings: DocHeading[] = [];
  const blocks: string[] = [];
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]!);
      headings.push({ level: Number(token.tag.slice(1)), id: String(token.attrGet('id') ?? ''), text });
    } else if (token.type === 'inline') blocks.push(inlineText(token));
    else if (token.type === 'fence' || token.type === 'code_block') blocks.push(token.content.trimEnd());
  });
  return { headings, text: blocks.filter(Boolean).join('\n') };
}

/**
 * The string as one flat copy. sanitize-html and the renderers build a page by appending,
 * which V8 keeps as a rope of every piece until something reads it whole; a build holds
 * every page until it is stored, and those ropes took several times the text's size (a
 * 500-page site ran out of the build's 64 MiB heap).
 */
const flat = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

export interface RenderOptions {
  /** Where Mermaid drawings go; without one (a page on its own) mermaid fences stay code. */
  diagrams?: DiagramSink;
  /** pymdownx.highlight's `linenums` for the site: on unless mkdocs.yml turns it off, as techdocs-core has it. */
  lineNumbers?: boolean;
}

/**
 * Renders one Markdown page with the Markdown extensions TechDocs sites use (techdocs-core's
 * set), then sanitises it, resolving links and images. Mermaid fences are drawn only when a
 * DiagramSink is given (the site build stores the drawings).
 */
export function renderMarkdown(source: string, links: LinkContext, options: RenderOptions = {}): RenderedPage {
  const { body, title: metaTitle, searchExclude } = splitFrontMatter(source.replace(/^\uFEFF/, ''));
  const env = { ...(options.diagrams ? { diagrams: options.diagrams } : {}), codeLines: { lineNumbers: options.lineNumbers ?? true } };
  const tokens = md.parse(body, env);
  const { headings, text } = outline(tokens);
  const html = flat(sanitizePage(md.renderer.render(tokens, md.options, env), links));
  const title = metaTitle ?? headings.find((h) => h.level === 1)?.text;
  return { html, headings, text: flat(text), ...(title ? { title } : {}), ...(searchExclude ? { searchExclude } : {}) };
}
