import { describe, expect, it } from '@jest/globals';
import { fenceLineOptions } from '../../src/docs/extensions/code-lines.ts';
import { includeSnippets, type SnippetSource } from '../../src/docs/extensions/snippets.ts';
import { globMatches } from '../../src/docs/glob.ts';
import type { DiagramSink } from '../../src/docs/extensions/mermaid.ts';
import type { LinkContext } from '../../src/docs/links.ts';
import { renderMarkdown } from '../../src/docs/markdown.ts';

const BASE = '/docs/team/handbook';

/** One page of a small site; diagrams are kept as the build would, warnings recorded. */
function render(source: string) {
  const warnings: string[] = [];
  const drawn: string[] = [];
  const links: LinkContext = {
    base: BASE,
    from: 'index.md',
    pageSlug: (p) => (p === 'other.md' ? 'other' : p === 'index.md' ? '' : undefined),
    isAsset: () => false,
    useAsset: () => undefined,
    isGenerated: (p) => drawn.includes(p),
    warn: (m) => void warnings.push(m),
  };
  const diagrams: DiagramSink = {
    page: 'index.md',
    add: (svg) => {
      drawn.push(`.generated/d${drawn.length}.svg`);
      expect(svg).toMatch(/^<svg/);
      return `greenroom-generated:${drawn.at(-1)}`;
    },
    warn: (m) => void warnings.push(m),
  };
  return { ...renderMarkdown(source, links, { diagrams }), warnings, drawn };
}

const html = (source: string) => render(source).html;

describe('the techdocs-core Markdown extensions', () => {
  it('attr_list: `{: .md-button #id }` sets Material classes and ids; other classes are dropped', () => {
    expect(html('[Start](other.md){: .md-button .md-button--primary .evil #start }')).toBe(
      `<p><a href="${BASE}/other" id="start" class="md-button md-button--primary">Start</a></p>\n`,
    );
    expect(html('A paragraph\n{: #intro }')).toBe('<p id="intro">A paragraph</p>\n');
  });

  it('def_list: a term and its indented definition become a definition list', () => {
    expect(html('Greenroom\n:   A developer portal\n')).toBe('<dl>\n<dt>Greenroom</dt>\n<dd>A developer portal</dd>\n</dl>\n');
  });

  it('footnotes: a numbered reference links to the note at the end, ids as Python-Markdown writes them', () => {
    const page = html('Claim[^src] and more[^2].\n\n[^src]: The source.\n[^2]: Second.\n');
    expect(page).toContain('<sup class="footnote-ref"><a href="#fn:src" id="fnref:src">1</a></sup>');
    expect(page).toContain('<sup class="footnote-ref"><a href="#fn:2" id="fnref:2">2</a></sup>');
    expect(page).toContain('<li id="fn:src" class="footnote-item"><p>The source. <a href="#fnref:src" class="footnote-backref">');
  });

  it('abbr: every use of an abbreviation explains itself; the definition is not shown', () => {
    expect(html('The API is an API.\n\n*[API]: Application Programming Interface\n')).toBe(
      '<p>The <abbr title="Application Programming Interface">API</abbr> is an <abbr title="Application Programming Interface">API</abbr>.</p>\n',
    );
  });

  it('md_in_html: Markdown inside an HTML block marked `markdown` is rendered', () => {
    expect(html('<div markdown="1">\n**bold** and [a link](other.md)\n</div>\n\n<div>\n**raw**\n</div>')).toBe(
      `<div>\n<p><strong>bold</strong> and <a href="${BASE}/other">a link</a></p>\n</div>\n<div>\n**raw**\n</div>`,
    );
  });

  it('tables: pipes make a table', () => {
    expect(html('| a | b |\n|---|---|\n| 1 | 2 |')).toContain('<tr>\n<td>1</td>\n<td>2</td>\n</tr>');
  });

  it('caret and tilde: ^^insert^^, ^sup^, ~~delete~~ and ~sub~', () => {
    expect(html('^^new^^ x^2^ ~~old~~ H~2~O')).toBe('<p><ins>new</ins> x<sup>2</sup> <del>old</del> H<sub>2</sub>O</p>\n');
  });

  it('mark: ==text== is highlighted', () => {
    expect(html('a ==key== point')).toBe('<p>a <mark>key</mark> point</p>\n');
  });

  it('critic: additions, deletions, substitutions, highlights and comments are shown as edits', () => {
    expect(html('{++add++} {--cut--} {~~was~>is~~} {==look==} {>>why<<}')).toBe(
      '<p><ins class="critic">add</ins> <del class="critic">cut</del> <del class="critic">was</del><ins class="critic">is</ins> ' +
        '<mark class="critic">look</mark> <span class="critic comment">why</span></p>\n',
    );
  });

  it('emoji: shortcodes become the emoji', () => {
    expect(html(':rocket: :smile: :+1: :not-an-emoji:')).toBe('<p>🚀 😄 👍 :not-an-emoji:</p>\n');
  });

  it('inlinehilite: inline code with a #! language is highlighted, an unknown language shown plain', () => {
    expect(html('`#!python len(x)` `#!nolang a b` `#!bash`')).toBe(
      '<p><code class="hljs language-python"><span class="hljs-built_in">len</span>(x)</code> <code>a b</code> <code>#!bash</code></p>\n',
    );
  });

  it('magiclink: bare URLs and e-mail addresses become links', () => {
    expect(html('See https://example.com/docs or write to team@example.com')).toBe(
      '<p>See <a href="https://example.com/docs" rel="noopener">https://example.com/docs</a> or write to <a href="mailto:team@example.com">team@example.com</a></p>\n',
    );
  });

  it('smartsymbols: (c), (tm), arrows, fractions, ≠ and ordinals, but not in code', () => {
    expect(html('(c) (tm) (r) --> <-- <--> 1/2 3/4 +/- =/= c/o 2nd `-->`')).toBe(
      '<p>© ™ ® → ← ↔ ½ ¾ ± ≠ ℅ 2<sup>nd</sup> <code>--&gt;</code></p>\n',
    );
  });

  // techdocs-core's gh-admonitions plugin: no MkDocs in Debian has it, so these are written
  // from its documentation and code (the marker alone on the first line, IMPORTANT → warning,
  // CAUTION → danger, a marker with no body or with words after it stays a quote).
  it('GitHub alerts: `> [!NOTE]` quotes become admonitions, IMPORTANT and CAUTION as warning and danger', () => {
    expect(html('> [!NOTE]\n> Read **this** first.\n> Then [that](other.md).')).toBe(
      `<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>Read <strong>this</strong> first.\nThen <a href="${BASE}/other">that</a>.</p>\n</div>\n`,
    );
    expect(html('> [!important]\n> Keys rotate monthly.')).toBe(
      '<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n<p>Keys rotate monthly.</p>\n</div>\n',
    );
    const caution = html('> [!CAUTION]  \n> Deletes the bucket.\n>\n> - even backups\n>\n> > quoted\n\nAfter.');
    expect(caution).toMatch(/^<div class="admonition danger">\n<p class="admonition-title">Danger<\/p>\n<p>Deletes the bucket.<\/p>\n<ul>/);
    expect(caution).toContain('<blockquote>\n<p>quoted</p>\n</blockquote>\n</div>\n<p>After.</p>');
  });

  it('GitHub alerts: a marker with words after it, without a body, of another type, nested or inside code stays as written', () => {
    expect(html('> [!NOTE] Custom title\n> Body')).toBe('<blockquote>\n<p>[!NOTE] Custom title\nBody</p>\n</blockquote>\n');
    expect(html('> [!NOTE]')).toBe('<blockquote>\n<p>[!NOTE]</p>\n</blockquote>\n');
    expect(html('> [!DANGER]\n> Body')).toBe('<blockquote>\n<p>[!DANGER]\nBody</p>\n</blockquote>\n');
    expect(html('```markdown\n> [!TIP]\n> Body\n```')).toContain(
      '<span class="hljs-quote">&gt; [!TIP]</span></span>\n<span class="line" data-line="2"><span class="hljs-quote">&gt; Body</span>',
    );
    expect(html('> Quoted first\n>\n> [!TIP]\n> Body')).toBe('<blockquote>\n<p>Quoted first</p>\n<p>[!TIP]\nBody</p>\n</blockquote>\n');
    // Neither GitHub nor the plugin (its pattern wants `>` at the start of the line) reads an alert inside a list or quote.
    expect(html('- item\n\n    > [!TIP]\n    > Body')).toContain('<li>\n<p>item</p>\n<blockquote>\n<p>[!TIP]\nBody</p>');
    expect(html('> > [!TIP]\n> > Body')).toBe('<blockquote>\n<blockquote>\n<p>[!TIP]\nBody</p>\n</blockquote>\n</blockquote>\n');
  });

  it('superfences: fenced code nests inside lists and admonitions', () => {
    const page = html('- step\n\n    ```bash\n    make\n    ```\n\n!!! note\n    ```yaml\n    a: 1\n    ```\n');
    expect(page).toContain(
      '<li>\n<p>step</p>\n<pre><code class="language-bash"><span class="line" data-line="1">make</span>\n</code></pre>',
    );
    expect(page).toMatch(
      /<div class="admonition note">[\s\S]*<code class="language-yaml"><span class="line" data-line="1"><span class="hljs-attr">a:<\/span>/,
    );
  });

  it('superfences/highlight: a fence title shows above its code', () => {
    expect(html('```yaml title="app.yaml"\na: 1\n```')).toBe(
      '<span class="filename">app.yaml</span><pre><code class="language-yaml"><span class="line" data-line="1"><span class="hljs-attr">a:</span> <span class="hljs-number">1</span></span>\n</code></pre>\n',
    );
  });

  it('highlight: each line is numbered, as techdocs-core has linenums on; `linenums="N"` starts at N and `"0"` turns them off', () => {
    // The number is an attribute the stylesheet draws, so it is not in the text a reader copies.
    expect(html('```\nfirst\n\nthird\n```')).toBe(
      '<pre><code><span class="line" data-line="1">first</span>\n<span class="line" data-line="2"></span>\n<span class="line" data-line="3">third</span>\n</code></pre>\n',
    );
    expect(html('```bash linenums="41"\nmake\nmake test\n```')).toMatch(
      /data-line="41">make<\/span>\n<span class="line" data-line="42">make /,
    );
    expect(html('```bash linenums="0"\nmake\n```')).toBe('<pre><code class="language-bash">make\n</code></pre>\n');
  });

  it("highlight: `hl_lines` marks lines counted from the block's first, and a string running across lines is closed and reopened on each", () => {
    const page = html('```python linenums="10" hl_lines="2 3-4"\nx = """a\nb"""\ny = 1\nz = 2\n```');
    const lines = /<code[^>]*>([\s\S]*)<\/code>/.exec(page)![1]!.trimEnd().split('\n');
    expect(lines).toEqual([
      '<span class="line" data-line="10">x = <span class="hljs-string">"""a</span></span>',
      '<span class="line hll" data-line="11"><span class="hljs-string">b"""</span></span>',
      '<span class="line hll" data-line="12">y = <span class="hljs-number">1</span></span>',
      '<span class="line hll" data-line="13">z = <span class="hljs-number">2</span></span>',
    ]);
    // A range far past the block is bounded (10,000 marked lines at most, whatever the ranges say), and marks the lines there are.
    expect(fenceLineOptions('hl_lines="1-999999 5-999999 999990-999999"').highlighted.size).toBe(10_000);
    expect(html('```linenums="0" hl_lines="1-999999 x 0"\na\nb\n```')).toBe(
      '<pre><code><span class="line hll">a</span>\n<span class="line hll">b</span>\n</code></pre>\n',
    );
  });

  it('tabbed: consecutive `===` blocks are one set of tabs switched by radio buttons, the first (or `===+`) chosen', () => {
    const page = html('=== "pip"\n    pip install x\n\n===+ "uv"\n    uv add x\n\n===! "New set"\n    more\n');
    expect(page).toContain(
      '<div class="tabbed-set tabbed-alternate">\n<input type="radio" id="__tabbed_1_1" name="__tabbed_1" />' +
        '<input type="radio" id="__tabbed_1_2" name="__tabbed_1" checked /><div class="tabbed-labels">\n' +
        '<label for="__tabbed_1_1">pip</label>\n<label for="__tabbed_1_2">uv</label>\n</div>',
    );
    expect(page).toContain('<div class="tabbed-block">\n<p>uv add x</p>\n</div>');
    expect(page).toContain(
      '<input type="radio" id="__tabbed_2_1" name="__tabbed_2" checked /><div class="tabbed-labels">\n<label for="__tabbed_2_1">New set</label>',
    );
  });

  it('tasklist: - [x] and - [ ] become checkboxes a reader cannot tick', () => {
    expect(html('- [x] done\n- [ ] to do')).toBe(
      '<ul class="contains-task-list">\n' +
        '<li class="task-list-item"><input type="checkbox" disabled class="task-list-item-checkbox" checked /> done</li>\n' +
        '<li class="task-list-item"><input type="checkbox" disabled class="task-list-item-checkbox" /> to do</li>\n</ul>\n',
    );
  });

  it('mermaid: a diagram is drawn when the site is built and shown as an image of the site', () => {
    const page = render('```mermaid\ngraph LR\n  A[Build] --> B[Ship]\n```\n');
    expect(page.html).toBe(`<figure class="mermaid"><img src="${BASE}/_assets/.generated/d0.svg" alt="Diagram" /></figure>\n`);
    expect(page.warnings).toEqual([]);
  });

  it('mermaid: a kind of diagram that cannot be drawn keeps its source, and the build says so', () => {
    const page = render('```mermaid\npie title Pets\n  "Dogs": 3\n```\n');
    expect(page.html).toBe('<pre class="mermaid-source"><code>pie title Pets\n  "Dogs": 3\n</code></pre>\n');
    expect(page.warnings).toEqual([
      expect.stringMatching(/^index.md: the Mermaid diagram at line 1 could not be drawn \(.+\); its source is shown instead$/),
    ]);
  });
});

describe('what the extensions must not let a page do', () => {
  it('when raw HTML forges a tab, a checkbox or a form field, then only a disabled checkbox survives', () => {
    const page = html(
      '<input type="radio" id="__tabbed_1_1" name="x"> <input type="text" name="q"> <input type="checkbox" name="ok" checked> ' +
        '<label for="search">x</label> <input type="hidden" value="1">',
    );
    expect(page).toBe('<p>  <input type="checkbox" disabled class="task-list-item-checkbox" checked /> <label>x</label> </p>\n');
  });

  it('when a page sets ids the layout uses or a tab would, then they are dropped', () => {
    expect(html('# Title {: #search }\n\n<p id="__tabbed_9_9">x</p> <span id="main">y</span>')).not.toMatch(
      /id="(search|main|__tabbed_9_9)"/,
    );
  });

  it('when raw HTML gives a span a line number that is not a number, then it is dropped, as the stylesheet would draw it', () => {
    expect(html('<span class="line" data-line="Sign in again at evil.example">x</span> <span data-line="7">y</span>')).toBe(
      '<p><span class="line">x</span> <span data-line="7">y</span></p>\n',
    );
  });

  it('when raw HTML names a generated file that is not one, then the image is dropped', () => {
    expect(html('<img src="greenroom-generated:../../secret.svg" alt="x">')).toBe('');
  });
});

describe('snippets', () => {
  const repository = new Map([
    ['README.md', '# Project\n\nShared intro.\n'],
    ['docs/includes/abbreviations.md', '*[CLI]: Command-line interface'],
    ['src/app.py', 'import os\n# --8<-- [start:main]\ndef main():\n    return 1\n# --8<-- [end:main]\nprint(main())\n'],
    ['loop.md', '--8<-- "loop.md"'],
  ]);
  const source = (extra: Partial<SnippetSource> = {}) => {
    const warnings: string[] = [];
    return {
      warnings,
      source: {
        read: (p: string) => repository.get(p),
        basePaths: ['.'],
        maxBytes: 10_000,
        warn: (m: string) => void warnings.push(m),
        ...extra,
      },
    };
  };

  it('when a line names a file, then the file is included; line ranges and sections take part of it', () => {
    const { source: s } = source();
    expect(includeSnippets('--8<-- "README.md"\n\nEnd', 'index.md', s)).toBe('# Project\n\nShared intro.\n\nEnd');
    expect(includeSnippets('```python\n--8<-- "src/app.py:1:1"\n--8<-- "src/app.py:main"\n```', 'index.md', s)).toBe(
      '```python\nimport os\ndef main():\n    return 1\n```',
    );
  });

  it('when a block lists files, then each is included in turn, keeping the indent', () => {
    const { source: s } = source();
    expect(includeSnippets('- item\n\n    --8<--\n    src/app.py:1:1\n    docs/includes/abbreviations.md\n    --8<--', 'index.md', s)).toBe(
      '- item\n\n    import os\n    *[CLI]: Command-line interface',
    );
  });

  it('when the marker is escaped, then it is written as text', () => {
    expect(includeSnippets(';--8<-- "README.md"', 'index.md', source().source)).toBe('--8<-- "README.md"');
  });

  it('when a snippet is missing, outside the repository, a URL or includes itself, then it is left out and the build says why', () => {
    const { source: s, warnings } = source();
    const out = includeSnippets(
      '--8<-- "nope.md"\n--8<-- "../../etc/passwd"\n--8<-- "https://example.com/x.md"\n--8<-- "loop.md"',
      'index.md',
      s,
    );
    expect(out).toBe('');
    expect(warnings).toEqual([
      'index.md: the snippet nope.md is not a file of the repository',
      'index.md: the snippet ../../etc/passwd is not a file of the repository',
      'index.md: the snippet https://example.com/x.md is a URL; snippets are read only from the repository',
      'index.md: the snippet loop.md is nested more than 4 deep and was not included',
    ]);
  });

  it('when snippets would make a page larger than allowed, then the page fails with the limit named', () => {
    const big = source({ read: () => 'x'.repeat(600), maxBytes: 1000 }).source;
    expect(() => includeSnippets('--8<-- "a.md"\n--8<-- "b.md"', 'index.md', big)).toThrow(
      'page index.md with its snippets included reaches 1229 bytes',
    );
  });
});

describe('URLs as MkDocs and a browser resolve them', () => {
  const pages = new Map([
    ['index.md', ''],
    ['user-guide/install.md', 'user-guide/install'],
    ['user-guide/index.md', 'user-guide'],
  ]);
  const files = new Set(['img/screen.png', 'user-guide/img/local.png']);
  const from = (page: string, urlDir: string) => {
    const warnings: string[] = [];
    const links: LinkContext = {
      base: BASE,
      from: page,
      urlDir,
      pageSlug: (p) => pages.get(p),
      isAsset: (p) => files.has(p),
      useAsset: () => undefined,
      warn: (m) => void warnings.push(m),
    };
    return (source: string) => ({ html: renderMarkdown(source, links).html, warnings });
  };

  it('when raw HTML climbs from a page served at a directory URL, then it resolves from that URL, as in the browser', () => {
    // user-guide/install.md is served at user-guide/install/: ../../img is the site's img/.
    const page = from('user-guide/install.md', 'user-guide/install')('<img src="../../img/screen.png" alt="s"> <a href="../">Guide</a>');
    expect(page.html).toBe(`<p><img src="${BASE}/_assets/img/screen.png" alt="s" /> <a href="${BASE}/user-guide">Guide</a></p>\n`);
    expect(page.warnings).toEqual([]);
  });

  it('when Markdown names a file, then it resolves from the page file, as MkDocs rewrites it', () => {
    const page = from('user-guide/install.md', 'user-guide/install')('![l](img/local.png) [Home](../index.md) [Same](index.md)');
    expect(page.html).toBe(
      `<p><img src="${BASE}/_assets/user-guide/img/local.png" alt="l" /> <a href="${BASE}">Home</a> <a href="${BASE}/user-guide">Same</a></p>\n`,
    );
  });

  it('when raw HTML names a page by its built URL, then the reader page is found', () => {
    const page = from(
      'index.md',
      '',
    )('<a href="user-guide/install/">a</a> <a href="user-guide/install.html">b</a> <a href="user-guide/index.html">c</a>');
    expect(page.html).toBe(
      `<p><a href="${BASE}/user-guide/install">a</a> <a href="${BASE}/user-guide/install">b</a> <a href="${BASE}/user-guide">c</a></p>\n`,
    );
  });

  it('when raw HTML climbs past the site from its URL, then it is dropped with a warning', () => {
    const page = from('user-guide/install.md', 'user-guide/install')('<img src="../../../etc/x.png" alt="x">');
    expect(page.html).toBe('');
    expect(page.warnings).toEqual(['user-guide/install.md: the image ../../../etc/x.png points outside docs_dir']);
  });
});

describe('pages written to stall the build', () => {
  it('when a long line looks like an HTML block or a tab header, then it renders as text (a backtracking match was quadratic)', () => {
    const spaces = ' '.repeat(200_000);
    // Past the length an opening tag may have, the block stays raw HTML: its Markdown is not read.
    expect(html(`<div${spaces}markdown>\n**x**\n</div>`)).toContain('**x**');
    expect(html(`<div${spaces}x markdown${spaces}y\n\nafter`)).toMatch(/^<div>after/);
    expect(html(`=== "${'" '.repeat(100_000)}x`)).toMatch(/^<p>=== "/);
  });

  it('when a paragraph opens thousands of critic marks and closes none, then it renders as written', () => {
    expect(html('{++ a '.repeat(50_000))).toContain('{++ a {++ a');
  });

  it('when a glob has many wildcards and a path nearly matches, then the match completes with the right answer', () => {
    expect(globMatches(`${'*a'.repeat(30)}*b`, `${'a'.repeat(200)}/x`)).toBe(false);
    expect(globMatches(`${'*a'.repeat(30)}*b`, `${'a'.repeat(200)}b`)).toBe(true);
    expect(globMatches('drafts/**', 'drafts/2026/plan.md')).toBe(true);
    expect(globMatches('drafts/*', 'drafts/2026/plan.md')).toBe(false);
    expect(globMatches('**/secret.md', 'a/b/secret.md')).toBe(true);
    expect(globMatches('**/secret.md', 'secret.md')).toBe(true);
  });

  it('when a snippet holds a very long run of dashes, then it is included as text', () => {
    const dashes = '-'.repeat(200_000);
    const source: SnippetSource = { read: () => `${dashes}\nend`, basePaths: ['.'], maxBytes: 1_000_000, warn: () => undefined };
    expect(includeSnippets('--8<-- "x.md:part"', 'index.md', source)).toBe('');
    expect(includeSnippets('--8<-- "x.md"', 'index.md', source)).toBe(`${dashes}\nend`);
  });
});
