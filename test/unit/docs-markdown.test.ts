import { describe, expect, it } from '@jest/globals';
import type { LinkContext } from '../../src/docs/links.ts';
import { renderMarkdown, slugify } from '../../src/docs/markdown.ts';

const BASE = '/docs/team/handbook';

/** A site of a few pages and files, seen from `from`; warnings and used assets are recorded. */
function site(from = 'guide/setup.md') {
  const pages = new Map([
    ['index.md', ''],
    ['guide/setup.md', 'guide/setup'],
    ['guide/index.md', 'guide'],
    ['reference.md', 'reference'],
  ]);
  const files = new Set(['img/logo.png', 'guide/diagram.svg', 'files/notes.txt']);
  const warnings: string[] = [];
  const used: string[] = [];
  const links: LinkContext = {
    base: BASE,
    from,
    pageSlug: (p) => pages.get(p),
    isAsset: (p) => files.has(p),
    useAsset: (p) => void used.push(p),
    warn: (m) => void warnings.push(m),
  };
  return { links, warnings, used };
}

const render = (source: string, from?: string) => {
  const s = site(from);
  return { ...renderMarkdown(source, s.links), warnings: s.warnings, used: s.used };
};

describe('rendering a Markdown page', () => {
  it('when a page has headings, then each gets the id MkDocs gives it, a self-link and a place in the outline', () => {
    const page = render('# Getting started\n\n## Step 2: install\n\n## Step 2: install\n\n### Ça marche\n');
    expect(page.html).toContain(
      '<h2 id="step-2-install">Step 2: install <a href="#step-2-install" class="header-anchor" aria-hidden="true">#</a></h2>',
    );
    expect(page.headings).toEqual([
      { level: 1, id: 'getting-started', text: 'Getting started' },
      { level: 2, id: 'step-2-install', text: 'Step 2: install' },
      { level: 2, id: 'step-2-install_1', text: 'Step 2: install' },
      { level: 3, id: 'ca-marche', text: 'Ça marche' },
    ]);
    expect(page.title).toBe('Getting started');
    // The same page renders the same ids again: ids do not depend on earlier renders.
    expect(render('## Step 2: install').headings[0]?.id).toBe('step-2-install');
  });

  it('when headings are in other scripts, then their ids keep the letters where MkDocs would leave only _1', () => {
    expect(slugify('Привет, мир!')).toBe('привет-мир');
    expect(slugify('日本語 ドキュメント')).toBe('日本語-ドキュメント');
    expect(render('## ?!\n\n## ?!').headings.map((h) => h.id)).toEqual(['_1', '_2']);
  });

  it('when a heading sets its own id, then it is kept and counted for the ones after it', () => {
    expect(render('## Setup {: #install }\n\n## Install\n').headings.map((h) => h.id)).toEqual(['install', 'install_1']);
  });

  it('when a page has front matter, then it is not shown and its title names the page', () => {
    const page = render('---\ntitle: Setting up\ntags: [a]\n---\n# Setup\n\nBody\n');
    expect(page.title).toBe('Setting up');
    expect(page.html).not.toContain('tags');
  });

  it('when a page has a table, then it renders with alignment as classes, never inline style', () => {
    const page = render('| Name | Count |\n|:-----|------:|\n| a | 1 |\n');
    expect(page.html).toContain('<table>');
    expect(page.html).toContain('<th class="align-left">Name</th>');
    expect(page.html).toContain('<td class="align-right">1</td>');
    expect(page.html).not.toContain('style=');
  });

  it('when a fence names a language, then the code is highlighted with class names only', () => {
    const page = render('```python\ndef main():\n    return "hi"\n```\n\n```\nplain <b>\n```\n');
    expect(page.html).toContain(
      '<code class="language-python"><span class="line" data-line="1"><span class="hljs-keyword">def</span> <span class="hljs-title function_">main</span>',
    );
    expect(page.html).toContain('<span class="hljs-string">"hi"</span>');
    expect(page.html).toContain('<pre><code><span class="line" data-line="1">plain &lt;b&gt;</span>\n</code></pre>');
    expect(page.html).not.toContain('style=');
    expect(page.text).toContain('def main():');
  });

  it('when an admonition has a title, then it is a titled box holding its indented body', () => {
    const page = render('!!! note "Before you start"\n    You need *kubectl*.\n\n    - one\n    - two\n\nOutside.\n');
    expect(page.html).toBe(
      '<div class="admonition note">\n<p class="admonition-title">Before you start</p>\n<p>You need <em>kubectl</em>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n</div>\n<p>Outside.</p>\n',
    );
  });

  it('when an admonition has no title, then its type titles it; an empty title leaves none', () => {
    expect(render('!!! warning\n    Careful.\n').html).toBe(
      '<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n<p>Careful.</p>\n</div>\n',
    );
    expect(render('!!! tip ""\n    Bare.\n').html).toBe('<div class="admonition tip">\n<p>Bare.</p>\n</div>\n');
  });

  it('when an admonition holds code, then the code is highlighted inside it', () => {
    const page = render('!!! example\n    ```yaml\n    a: 1\n    ```\n');
    expect(page.html).toContain('<div class="admonition example">');
    expect(page.html).toContain('<span class="hljs-attr">a:</span>');
  });

  it('when an admonition uses ???, then it is collapsible, and ???+ starts open', () => {
    expect(render('??? question "Why?"\n    Because.\n').html).toBe(
      '<details class="admonition question">\n<summary>Why?</summary>\n<p>Because.</p>\n</details>\n',
    );
    expect(render('???+ danger\n    Open.\n').html).toContain('<details class="admonition danger" open>\n<summary>Danger</summary>');
  });

  it('when a line is indented as code, then !!! in it is code, not an admonition', () => {
    // Numbered like fenced code, as pymdownx.highlight numbers indented code too.
    expect(render('    !!! note\n').html).toBe('<pre><code><span class="line" data-line="1">!!! note</span>\n</code></pre>\n');
  });
});

describe('links and images in a page', () => {
  it('when a link names another page, then it becomes the reader URL of that page, anchor kept', () => {
    const { html, warnings } = render('[a](../reference.md#options) [b](index.md) [c](setup.md) [d](../index.md)');
    expect(html).toContain(`<a href="${BASE}/reference#options">a</a>`);
    expect(html).toContain(`<a href="${BASE}/guide">b</a>`);
    expect(html).toContain(`<a href="${BASE}/guide/setup">c</a>`);
    expect(html).toContain(`<a href="${BASE}">d</a>`);
    expect(warnings).toEqual([]);
  });

  it('when a link is a MkDocs directory URL, then it finds the page served there', () => {
    const { html } = render('[a](../reference/) [b](./) [c](../) [d](../guide/#top)');
    expect(html).toContain(`<a href="${BASE}/reference">a</a>`);
    expect(html).toContain(`<a href="${BASE}/guide">b</a>`);
    expect(html).toContain(`<a href="${BASE}">c</a>`);
    expect(html).toContain(`<a href="${BASE}/guide#top">d</a>`);
  });

  it('when a link is only an anchor, then it stays on the page', () => {
    expect(render('[x](#install)').html).toContain('<a href="#install">x</a>');
  });

  it('when a link names a missing page, then its text stays and a warning says where', () => {
    const { html, warnings } = render('[gone](nope.md)');
    expect(html).toBe('<p><span>gone</span></p>\n');
    expect(warnings).toEqual(['guide/setup.md: the link nope.md points to guide/nope.md, which is not a page or file of the site']);
  });

  it('when a link or image climbs out of docs_dir, then it is dropped with a warning', () => {
    const { html, warnings } = render('[up](../../secrets.md) ![x](../../../etc/passwd.png)');
    expect(html).toBe('<p><span>up</span> </p>\n');
    expect(warnings.every((w) => w.includes('outside docs_dir'))).toBe(true);
    expect(warnings).toHaveLength(2);
  });

  it('when an image or file is relative, then it is served from the site assets and recorded', () => {
    const { html, used } = render('![Logo](../img/logo.png "The logo") [notes](../files/notes.txt) <img src="diagram.svg" alt="d">');
    expect(html).toContain(`<img src="${BASE}/_assets/img/logo.png" alt="Logo" title="The logo" />`);
    expect(html).toContain(`<a href="${BASE}/_assets/files/notes.txt">notes</a>`);
    expect(html).toContain(`<img src="${BASE}/_assets/guide/diagram.svg" alt="d" />`);
    expect(used).toEqual(['img/logo.png', 'files/notes.txt', 'guide/diagram.svg']);
  });

  it('when an image is remote, then only https is kept', () => {
    const { html, warnings } = render('![a](https://example.com/a.png) ![b](http://example.com/b.png)');
    expect(html).toContain('<img src="https://example.com/a.png" alt="a" />');
    expect(html).not.toContain('http://example.com/b.png');
    expect(warnings).toHaveLength(1);
  });

  it('when a link is absolute http(s), then it stays and opens nothing with access to the dashboard', () => {
    const { html } = render('[site](https://example.com/x?y=1) [mail](mailto:team@example.com) [catalog](/catalog)');
    expect(html).toContain('<a href="https://example.com/x?y=1" rel="noopener">site</a>');
    expect(html).toContain('<a href="mailto:team@example.com">mail</a>');
    expect(html).toContain('<a href="/catalog">catalog</a>');
  });
});

describe('sanitising what a repository writes', () => {
  const payloads: [string, string][] = [
    ['a script tag', '<script>alert(1)</script>'],
    ['an inline script in a paragraph', 'Hello <script>alert(1)</script> there'],
    ['an onerror handler', '<img src=x onerror=alert(1)>'],
    ['a javascript: Markdown link', '[x](javascript:alert(1))'],
    ['a mixed-case javascript: link', '<a href="JaVaScRiPt:alert(1)">x</a>'],
    ['an entity-split javascript: link', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
    ['an entity-encoded javascript: link', '<a href="&#106;&#97;vascript:alert(1)">x</a>'],
    ['a javascript: link with a leading space', '<a href=" javascript:alert(1)">x</a>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg with onload', '<svg onload=alert(1)><circle r="1"/></svg>'],
    ['a style tag', '<style>body { display: none }</style>'],
    ['a style attribute', '<p style="background:url(https://evil.example)">x</p>'],
    [
      'a data:text/html link',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <a href="data:text/html,<script>alert(1)</script>">y</a>',
    ],
    ['a form', '<form action="https://evil.example"><input name="p"></form>'],
    ['an object and an embed', '<object data="x.swf"></object><embed src="x.swf">'],
    ['an event handler on an allowed tag', '<div onclick="alert(1)" class="admonition note">x</div>'],
    ['a protocol-relative link', '<a href="//evil.example">x</a> <a href="/\\evil.example">y</a>'],
    ['a vbscript link', '<a href="vbscript:msgbox(1)">x</a>'],
  ];

  it.each(payloads)('when a page holds %s, then nothing of it can run', (_name, payload) => {
    const { html } = render(`# Page\n\n${payload}\n\n${payload.replace(/\n/g, ' ')} inline\n`, 'index.md');
    expect(html).not.toMatch(/<script|<iframe|<svg|<style|<form|<input|<object|<embed/i);
    expect(html).not.toMatch(/\son\w+\s*=/i);
    expect(html).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
    expect(html).not.toMatch(/src="(?!https:|\/docs\/)/i);
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/href="\/[\\/]/);
  });

  it('when raw HTML uses allowed tags, then they stay without their dangerous attributes', () => {
    const { html } = render(
      '<details><summary>More</summary>\n\n**bold**\n\n</details>\n\n<kbd>Ctrl</kbd> <abbr title="Kubernetes">k8s</abbr>',
      'index.md',
    );
    expect(html).toContain('<details><summary>More</summary>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<kbd>Ctrl</kbd> <abbr title="Kubernetes">k8s</abbr>');
  });

  it('when a page is turned into plain text for search, then no markup remains', () => {
    const { text } = render('# Title\n\nSome **bold** and `code` and <b>html</b>.\n\n<script>x</script>\n', 'index.md');
    expect(text).toBe('Title\nSome bold and code and html.');
  });
});
