import type { MarkdownIt } from 'markdown-it';

/*
 * pymdownx.inlinehilite: inline code that starts with a language shebang is highlighted,
 * `#!python print("hi")` (or `:::python …`); other inline code is left as it is.
 */

const SHEBANG = /^(?:#!|:::)([\w+#.-]+) ([\s\S]*)$/;

/** Adds highlighted inline code, using the page's fence highlighter. */
export function inlineHilite(md: MarkdownIt): void {
  const plain = md.renderer.rules.code_inline!;
  md.renderer.rules.code_inline = (tokens, idx, options, env, self) => {
    const match = SHEBANG.exec(tokens[idx]!.content);
    if (!match) return plain(tokens, idx, options, env, self);
    const [, language = '', code = ''] = match;
    const highlighted = options.highlight ? options.highlight(code, language, '') : '';
    // An unknown language is shown plain, without its shebang, as Pygments' text lexer would.
    if (!highlighted) return `<code>${md.utils.escapeHtml(code)}</code>`;
    return `<code class="hljs language-${md.utils.escapeHtml(language.toLowerCase())}">${highlighted}</code>`;
  };
}
