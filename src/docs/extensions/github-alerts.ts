import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/*
 * GitHub's alerts, as techdocs-core's gh-admonitions plugin turns them into admonitions, so
 * a README written for GitHub reads the same in the portal:
 *
 *     > [!NOTE]                 →   !!! note
 *     > Body of the alert.              Body of the alert.
 *
 * NOTE, TIP and WARNING keep their names; IMPORTANT becomes a warning and CAUTION a danger,
 * as the plugin maps them (the title is the admonition's, "Warning" and "Danger"). Like the
 * plugin (and GitHub), the marker must stand alone on the first line of a quote that is not
 * inside a list or another quote, and be followed by a body; anything else stays a quote. The plugin rewrites the page's text with a regex; this works on
 * markdown-it's tokens instead, so code blocks and nested quotes need no special case.
 * markdown-it-github-alerts is not used: it draws GitHub's own markup (markdown-alert classes,
 * inline SVG icons, titles taken from the marker line) rather than the admonitions TechDocs
 * shows, and keeps IMPORTANT and CAUTION as types of their own.
 */

const MARKER = /^\[!(note|tip|important|warning|caution)\][ \t]*\n(?=\S)/i;
const ADMONITION_OF: Record<string, string> = { caution: 'danger', important: 'warning' };

/** The index of the blockquote_close that ends the quote opened at `open`. */
function closeOf(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.type === 'blockquote_open') depth++;
    else if (tokens[i]!.type === 'blockquote_close' && --depth === 0) return i;
  }
  return -1;
}

function convertAlerts(state: StateCore): void {
  const { tokens } = state;
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    const inline = tokens[i + 2];
    if (open.type !== 'blockquote_open' || open.level !== 0 || tokens[i + 1]?.type !== 'paragraph_open' || inline?.type !== 'inline')
      continue;
    const marker = MARKER.exec(inline.content);
    const close = marker ? closeOf(tokens, i) : -1;
    if (!marker || close < 0) continue;
    const kind = marker[1]!.toLowerCase();
    const type = ADMONITION_OF[kind] ?? kind;
    inline.content = inline.content.slice(marker[0].length);
    open.type = 'admonition_open';
    open.tag = 'div';
    open.markup = '!!!';
    open.attrs = [['class', `admonition ${type}`]];
    tokens[close]!.type = 'admonition_close';
    tokens[close]!.tag = 'div';
    const titleOpen = new state.Token('admonition_title_open', 'p', 1);
    titleOpen.attrSet('class', 'admonition-title');
    const title = new state.Token('inline', '', 0);
    title.content = type.charAt(0).toUpperCase() + type.slice(1);
    title.children = [];
    const titleClose = new state.Token('admonition_title_close', 'p', -1);
    titleOpen.block = titleClose.block = true;
    tokens.splice(i + 1, 0, titleOpen, title, titleClose);
  }
}

/** Reads `> [!NOTE]` quotes as admonitions (before inline parsing, so the body is parsed as usual). */
export function githubAlerts(md: MarkdownIt): void {
  md.core.ruler.after('block', 'github_alerts', convertAlerts);
}
