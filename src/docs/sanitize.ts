import sanitizeHtml from 'sanitize-html';
import { resolveHref, resolveSrc, type LinkContext } from './links.ts';

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
];

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
      ...Object.fromEntries(HEADINGS.map((h) => [h, ['id']])),
      a: ['href', 'title', 'rel', 'class', 'aria-hidden'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      ol: ['start'],
      th: ['class', 'colspan', 'rowspan'],
      td: ['class', 'colspan', 'rowspan'],
      details: ['class', 'open'],
      div: ['class'],
      p: ['class'],
      code: ['class'],
      span: ['class'],
      abbr: ['title'],
    },
    allowedClasses: {
      a: ['header-anchor'],
      th: ['align-left', 'align-center', 'align-right'],
      td: ['align-left', 'align-center', 'align-right'],
      div: ['admonition', ...ADMONITION_TYPES],
      details: ['admonition', ...ADMONITION_TYPES],
      p: ['admonition-title'],
      code: ['hljs', 'language-*'],
      // highlight.js marks tokens `hljs-title class_`: the scope and its sub-scope.
      span: ['hljs-*', '*_', 'language-*'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: DROPPED_WITH_CONTENT,
    enforceHtmlBoundary: false,
    transformTags: {
      a: (tagName, attribs) => {
        const resolved = attribs.href === undefined ? undefined : resolveHref(attribs.href, links);
        // A link that cannot be followed stays as its text.
        if (!resolved) return { tagName: 'span', attribs: {} };
        const kept: sanitizeHtml.Attributes = { href: resolved.href };
        if (attribs.title) kept.title = attribs.title;
        if (resolved.external) kept.rel = 'noopener';
        if (attribs.class === 'header-anchor') Object.assign(kept, { class: 'header-anchor', 'aria-hidden': 'true' });
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        const resolved = attribs.src === undefined ? undefined : resolveSrc(attribs.src, links);
        const { src: _src, ...rest } = attribs;
        return { tagName, attribs: resolved ? { src: resolved.href, ...rest } : rest };
      },
      th: alignedCell,
      td: alignedCell,
    },
    // An image whose source was dropped would show as a broken frame: it goes entirely.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}
