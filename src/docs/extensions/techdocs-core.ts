import type { MarkdownIt, Token } from 'markdown-it';
import abbr from 'markdown-it-abbr';
import attrs from 'markdown-it-attrs';
import deflist from 'markdown-it-deflist';
import { full as emoji } from 'markdown-it-emoji';
import footnote from 'markdown-it-footnote';
import mark from 'markdown-it-mark';
import sub from 'markdown-it-sub';
import sup from 'markdown-it-sup';
import taskLists from 'markdown-it-task-lists';
import { admonitions } from '../admonition.ts';
import { caret } from './caret.ts';
import { codeLines, fenceOptions } from './code-lines.ts';
import { criticMarkup } from './critic.ts';
import { githubAlerts } from './github-alerts.ts';
import { inlineHilite } from './inline-hilite.ts';
import { mdInHtml } from './md-in-html.ts';
import { mermaidFences } from './mermaid.ts';
import { smartSymbols } from './smart-symbols.ts';
import { tabbed } from './tabbed.ts';
import { tocIdentifiers } from './toc-ids.ts';

/*
 * The Markdown extensions the techdocs-core MkDocs plugin turns on, for markdown-it.
 * Published plugins where one renders as Python-Markdown does — markdown-it-attrs (attr_list,
 * `{: .class #id }` included), -deflist, -footnote, -abbr, -mark (`==`), -sub/-sup
 * (pymdownx.tilde/caret's single markers), -emoji (gemoji shortcodes), -task-lists — and the
 * project's own rules where none does (admonition, GitHub alerts, caret's `^^`, critic, inlinehilite,
 * smartsymbols, tabbed, md_in_html, mermaid fences, toc ids). Snippets are included before
 * parsing (snippets.ts). Tables, fenced code inside lists and admonitions (superfences) and
 * strikethrough are markdown-it's own.
 */

/** Footnote ids and numbers as Python-Markdown writes them: `#fn:label`, shown as `1`, not `[1]`. */
function pythonFootnotes(md: MarkdownIt): void {
  const rules = md.renderer.rules;
  rules.footnote_anchor_name = (tokens: Token[], idx: number) => {
    const meta = tokens[idx]!.meta as { id: number; label?: string };
    return `:${meta.label ?? meta.id + 1}`;
  };
  rules.footnote_caption = (tokens: Token[], idx: number) => String((tokens[idx]!.meta as { id: number }).id + 1);
}

/** `~~text~~` is a deletion in pymdownx.tilde: <del>, not markdown-it's <s>. */
function strikethroughAsDeletion(md: MarkdownIt): void {
  md.renderer.rules.s_open = () => '<del>';
  md.renderer.rules.s_close = () => '</del>';
}

/** pymdownx.highlight's fence titles, ```` ```yaml title="app.yaml" ````: a file name above the code. */
function codeTitles(md: MarkdownIt): void {
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const title = /(?:^|\s)title=(?:"([^"]*)"|'([^']*)')/.exec(fenceOptions(tokens[idx]!));
    const code = fence(tokens, idx, options, env, self);
    const name = title?.[1] ?? title?.[2];
    return name ? `<span class="filename">${md.utils.escapeHtml(name)}</span>${code}` : code;
  };
}

/** Adds techdocs-core's Markdown extensions to a markdown-it instance (before markdown-it-anchor). */
export function techdocsCore(md: MarkdownIt): void {
  md.use(admonitions)
    .use(githubAlerts)
    .use(tabbed)
    .use(mdInHtml)
    .use(attrs, { leftDelimiter: '{', rightDelimiter: '}', allowedAttributes: ['id', 'class', 'title', 'width', 'height'] })
    .use(deflist)
    .use(footnote)
    .use(pythonFootnotes)
    .use(abbr)
    .use(criticMarkup)
    .use(caret)
    .use(mark)
    .use(sub)
    .use(sup)
    .use(strikethroughAsDeletion)
    .use(emoji)
    .use(taskLists, { enabled: false, label: false })
    .use(inlineHilite)
    .use(smartSymbols)
    .use(mermaidFences)
    .use(codeLines)
    .use(codeTitles)
    .use(tocIdentifiers);
}
