import sanitizeHtml from 'sanitize-html';
import { resolveHref, resolveSrc, type LinkContext, type LinkOrigin } from './links.ts';

/**
 * The attribute markdown.ts puts on links and images written in Markdown, so they resolve
 * from the page's file as MkDocs does; raw HTML resolves from the page's URL. A page writing
 * it itself only chooses the other order of the same two lookups, both inside docs_dir.
 */
export const MARKDOWN_ORIGIN = 'data-greenroom-md';

const originOf = (attribs: sanitizeHtml.Attributes): LinkOrigin => (attribs[MARKDOWN_ORIGIN] === undefined ? 'html' : 'markdown');

/*
 * Docs come from any repository a DocSource names, and are served from the dashboard's own
 * origin: whatever the Markdown (or HTML inside it) says, only this allow-list reaches a page.
 * Links and images are rewritten here too, so raw HTML <a>/<img> get the same treatment as
 * Markdown ones.
 */

/** Admonition types of MkDocs (Material); others still render, as a plain admonition. */
export const ADMONITION_TYPES = [
  'note',
  'abstract',
  'summary',
  'tldr',
  'info',
  'todo',
  'tip',
  'hint',
  'important',
  'success',
  'check',
  'done',
  'question',
  'help',
  'faq',
  'warning',
  'caution',
  'attention',
  'failure',
  'fail',
  'missing',
  'danger',
  'error',
  'bug',
  'example',
  'quote',
  'cite',
];

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const ALLOWED_TAGS = [
  ...HEADINGS,
  'p',
  'br',
  'hr',
  'blockquote',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'strong',
  'em',
  'b',
  'i',
  's',
  'del',
  'ins',
  'sub',
  'sup',
  'mark',
  'kbd',
  'abbr',
  'small',
  'code',
  'pre',
  'span',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'details',
  'summary',
  'div',
  'figure',
  'figcaption',
  'section',
  'label',
  'input',
];

/** Ids the dashboard's own layout uses: a page must not shadow them. */
const LAYOUT_IDS = new Set(['main', 'search', 'docs-nav', 'docs-toc-h']);

/** Tab inputs and labels carry ids the tabbed extension numbers; none other may pose as one. */
const TAB_ID = /^__tabbed_\d+_\d+$/;
const TAB_NAME = /^__tabbed_\d+$/;

/**
 * An <input> stays only as a task list's checkbox (always disabled: a reader cannot tick
 * someone's docs) or a tab's radio button. Anything else a page writes is dropped.
 */
function input(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  if (attribs.type === 'checkbox') {
    const kept: sanitizeHtml.Attributes = { type: 'checkbox', disabled: '', class: 'task-list-item-checkbox' };
    if (attribs.checked !== undefined) kept.checked = '';
    return { tagName, attribs: kept };
  }
  if (attribs.type === 'radio' && TAB_ID.test(attribs.id ?? '') && TAB_NAME.test(attribs.name ?? '')) {
    const kept: sanitizeHtml.Attributes = { type: 'radio', id: attribs.id!, name: attribs.name! };
    if (attribs.checked !== undefined) kept.checked = '';
    return { tagName, attribs: kept };
  }
  return { tagName, attribs: {} };
}

/** Every tag: an id that would shadow the layout's, or pose as a tab's, goes. */
function withoutForeignId(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const id = attribs.id;
  if (id === undefined || (!LAYOUT_IDS.has(id) && (tagName === 'input' || !TAB_ID.test(id)))) return { tagName, attribs };
  const { id: _id, ...rest } = attribs;
  return { tagName, attribs: rest };
}

/** A code line's number (code-lines.ts) is drawn by the stylesheet from data-line: only a number may be drawn there. */
function span(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const tag = withoutForeignId(tagName, attribs);
  if (tag.attribs['data-line'] === undefined || /^\d{1,7}$/.test(tag.attribs['data-line'])) return tag;
  const { 'data-line': _line, ...rest } = tag.attribs;
  return { tagName, attribs: rest };
}

/** Tags dropped with everything inside them: their content is not text a reader should see. */
const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'iframe',
  'noscript',
  'noembed',
  'noframes',
  'xmp',
  'template',
  'svg',
  'math',
  'object',
  'title',
];

/** Tables align columns with style="text-align:…", which the CSP forbids: a class does it instead. */
function alignedCell(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const align = /text-align:\s*(left|center|right)/.exec(attribs.style ?? '')?.[1];
  return { tagName, attribs: align ? { class: `align-${align}` } : {} };
}

/** Sanitises one rendered page, resolving its links and images against the site. */
export function sanitizePage(html: string, links: LinkContext): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      // attr_list and footnotes give any element an id (see withoutForeignId).
      '*': ['id'],
      a: ['href', 'title', 'rel', 'class', 'aria-hidden'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      input: ['type', 'disabled', 'checked', 'name', 'id', 'class'],
      label: ['for'],
      ol: ['start'],
      th: ['class', 'colspan', 'rowspan'],
      td: ['class', 'colspan', 'rowspan'],
      details: ['class', 'open'],
      div: ['class'],
      p: ['class'],
      code: ['class'],
      span: ['class', 'data-line'],
      abbr: ['title'],
    },
    allowedClasses: {
      // Material's own classes (`{: .md-button }`) are what TechDocs pages set with attr_list;
      // others are dropped, so a page cannot borrow the dashboard's styles.
      '*': ['md-*'],
      a: ['header-anchor', 'footnote-backref'],
      sup: ['footnote-ref'],
      hr: ['footnotes-sep'],
      section: ['footnotes'],
      ol: ['footnotes-list'],
      ul: ['contains-task-list'],
      li: ['footnote-item', 'task-list-item'],
      ins: ['critic'],
      del: ['critic'],
      mark: ['critic'],
      input: ['task-list-item-checkbox'],
      figure: ['mermaid'],
      pre: ['mermaid-source'],
      th: ['align-left', 'align-center', 'align-right'],
      td: ['align-left', 'align-center', 'align-right'],
      div: ['admonition', ...ADMONITION_TYPES, 'tabbed-set', 'tabbed-alternate', 'tabbed-labels', 'tabbed-content', 'tabbed-block'],
      details: ['admonition', ...ADMONITION_TYPES],
      p: ['admonition-title'],
      code: ['hljs', 'language-*'],
      // highlight.js marks tokens `hljs-title class_`: the scope and its sub-scope.
      span: ['hljs-*', '*_', 'language-*', 'critic', 'comment', 'filename', 'line', 'hll'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: DROPPED_WITH_CONTENT,
    enforceHtmlBoundary: false,
    transformTags: {
      '*': withoutForeignId,
      input,
      span,
      label: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: TAB_ID.test(attribs.for ?? '') ? { for: attribs.for! } : {} }),
      a: (tagName, attribs) => {
        const resolved = attribs.href === undefined ? undefined : resolveHref(attribs.href, links, originOf(attribs));
        // A link that cannot be followed stays as its text.
        if (!resolved) return { tagName: 'span', attribs: {} };
        const kept: sanitizeHtml.Attributes = { href: resolved.href };
        if (attribs.id) kept.id = attribs.id;
        if (attribs.class) kept.class = attribs.class;
        if (attribs.title) kept.title = attribs.title;
        if (resolved.external) kept.rel = 'noopener';
        if (attribs.class === 'header-anchor') kept['aria-hidden'] = 'true';
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        const resolved = attribs.src === undefined ? undefined : resolveSrc(attribs.src, links, originOf(attribs));
        const { src: _src, [MARKDOWN_ORIGIN]: _origin, ...rest } = attribs;
        return { tagName, attribs: resolved ? { src: resolved.href, ...rest } : rest };
      },
      th: alignedCell,
      td: alignedCell,
    },
    // An image whose source was dropped would show as a broken frame: it goes entirely.
    // An input that is neither a task's checkbox nor a tab goes too.
    exclusiveFilter: (frame) => (frame.tag === 'img' && !frame.attribs.src) || (frame.tag === 'input' && !frame.attribs.type),
  });
}
