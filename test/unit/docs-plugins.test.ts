import { describe, expect, it } from '@jest/globals';
import { buildSite } from '../../src/docs/build.ts';
import type { NavItem } from '../../src/docs/site.ts';
import { decodeSite, encodeSite } from '../../src/docs/store.ts';

const BASE = '/docs/team/handbook';
const build = (entries: Record<string, string>) => buildSite(new Map(Object.entries(entries)), { base: BASE });

/** The nav as a reader sees it: titles, with the page each leads to. */
const outline = (items: NavItem[]): unknown[] =>
  items.map((item) => {
    const head = item.url ? `${item.title} → ${item.url}` : item.slug !== undefined ? `${item.title} → /${item.slug}` : item.title;
    return item.children ? { [head]: outline(item.children) } : head;
  });

describe('literate-nav', () => {
  it('when the nav names a directory, then its README list orders the section and its pages are all in the nav', () => {
    const site = build({
      'mkdocs.yml':
        'site_name: Tool\nplugins:\n  - literate-nav:\n      nav_file: README.md\nnav:\n  - Home: index.md\n  - User Guide: user-guide/\n',
      'docs/index.md': '# Tool\n',
      'docs/user-guide/README.md':
        '* [Installing](installing.md)\n* [Writing your docs](writing.md)\n* Advanced\n    * [Plugins](advanced/plugins.md)\n',
      'docs/user-guide/installing.md': '# Installing\n',
      'docs/user-guide/writing.md': '# Writing\n',
      'docs/user-guide/advanced/plugins.md': '# Plugins\n',
    });
    expect(outline(site.nav)).toEqual([
      'Home → /',
      {
        'User Guide': [
          'Installing → /user-guide/installing',
          'Writing your docs → /user-guide/writing',
          { Advanced: ['Plugins → /user-guide/advanced/plugins'] },
        ],
      },
    ]);
    expect(site.warnings.filter((w) => /nav|reachable/.test(w))).toEqual([
      'user-guide/README.md is not in the nav of mkdocs.yml; it is built but only reachable by links',
    ]);
  });

  it('when mkdocs.yml has no nav, then SUMMARY.md gives it; directories without a list follow their files, and globs take the rest', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - literate-nav\n',
      'docs/SUMMARY.md': '- [Intro](index.md)\n- [Reference](reference/)\n- *.md\n',
      'docs/index.md': '# Intro\n',
      'docs/b.md': '# Bee\n',
      'docs/a.md': '# Ay\n',
      'docs/reference/index.md': '# Reference home\n',
      'docs/reference/api.md': '# API\n',
    });
    expect(outline(site.nav)).toEqual([
      'Intro → /',
      { Reference: ['Reference home → /reference', 'API → /reference/api'] },
      'Ay → /a',
      'Bee → /b',
    ]);
  });

  it('when a list links outside docs_dir, then the entry is left out and the build says where', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - literate-nav\n',
      'docs/SUMMARY.md': '- [Home](index.md)\n- [Secrets](../../etc/passwd.md)\n',
      'docs/index.md': '# Home\n',
    });
    expect(outline(site.nav)).toEqual(['Home → /']);
    // The list file is a page too: its own link is dropped as every page's would be.
    expect(site.warnings).toEqual([
      'SUMMARY.md: the link ../../etc/passwd.md points outside docs_dir',
      'SUMMARY.md: the nav links ../../etc/passwd.md, which is outside docs_dir',
    ]);
  });

  it('when implicit_index is on, then a directory list that leaves out its index still starts with it', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - literate-nav:\n      implicit_index: true\nnav:\n  - Guide: guide/\n',
      'docs/guide/index.md': '# Guide\n',
      'docs/guide/SUMMARY.md': '- [Setup](setup.md)\n',
      'docs/guide/setup.md': '# Setup\n',
    });
    expect(outline(site.nav)).toEqual([{ Guide: ['Guide → /guide', 'Setup → /guide/setup'] }]);
  });
});

describe('awesome-pages', () => {
  it('when directories have .pages files, then they title, order and hide their sections', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - awesome-pages\n',
      'docs/index.md': '# Home\n',
      'docs/.pages': 'nav:\n  - index.md\n  - guides\n  - ...\n  - Source: https://git.example.com/tool\n',
      'docs/about.md': '# About\n',
      'docs/guides/.pages': 'title: How-to guides\norder: desc\n',
      'docs/guides/alpha.md': '# Alpha\n',
      'docs/guides/beta.md': '# Beta\n',
      'docs/drafts/.pages': 'hide: true\n',
      'docs/drafts/wip.md': '# Work in progress\n',
    });
    expect(outline(site.nav)).toEqual([
      'Home → /',
      { 'How-to guides': ['Beta → /guides/beta', 'Alpha → /guides/alpha'] },
      'About → /about',
      'Source → https://git.example.com/tool',
    ]);
    // A hidden section's pages are still built.
    expect(site.pages.map((p) => p.slug)).toContain('drafts/wip');
  });

  // Written from the plugin's documentation and navigation.py (Debian has no awesome-pages).
  it('when collapse_single_pages is on, then a directory of one page shows as that page, at every level, unless its .pages says no', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - awesome-pages:\n      collapse_single_pages: true\n',
      'docs/index.md': '# Home\n',
      'docs/section1/index.md': '# Section one\n',
      'docs/deep/er/only.md': '# Only page\n',
      'docs/kept/.pages': 'collapse: false\n',
      'docs/kept/one.md': '# Kept one\n',
      'docs/pair/a.md': '# A\n',
      'docs/pair/b.md': '# B\n',
    });
    expect(outline(site.nav)).toEqual([
      'Home → /',
      'Only page → /deep/er/only',
      { Kept: ['Kept one → /kept/one'] },
      { Pair: ['A → /pair/a', 'B → /pair/b'] },
      'Section one → /section1',
    ]);
  });

  it('when collapsing is off for the site, then a .pages turns it on for its directory (collapse) or its whole subtree (collapse_single_pages)', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - awesome-pages\n',
      'docs/index.md': '# Home\n',
      'docs/one/.pages': 'collapse: true\n',
      'docs/one/page.md': '# One page\n',
      'docs/tree/.pages': 'collapse_single_pages: true\n',
      'docs/tree/x/only.md': '# Only x\n',
      'docs/tree/y.md': '# Y\n',
      'docs/plain/page.md': '# Plain page\n',
    });
    expect(outline(site.nav)).toEqual([
      'Home → /',
      'One page → /one/page',
      { Plain: ['Plain page → /plain/page'] },
      { Tree: ['Y → /tree/y', 'Only x → /tree/x/only'] },
    ]);
  });

  it('when .pages sorts naturally or filters its rest entries, then names with numbers sort by number and each filter takes its matches', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - awesome-pages\n',
      'docs/index.md': '# Home\n',
      'docs/steps/.pages': 'sort_type: natural\n',
      ...Object.fromEntries([10, 2, 1].map((n) => [`docs/steps/step-${n}.md`, `# Step ${n}\n`])),
      'docs/.pages': 'nav:\n  - index.md\n  - ... | guide-*.md\n  - Reference:  reference\n  - ... | regex=^faq\n  - ...\n',
      'docs/guide-b.md': '# Guide B\n',
      'docs/guide-a.md': '# Guide A\n',
      'docs/faq.md': '# FAQ\n',
      'docs/zebra.md': '# Zebra\n',
      'docs/reference/.pages': 'title: API reference\n',
      'docs/reference/api.md': '# API\n',
    });
    expect(outline(site.nav)).toEqual([
      'Home → /',
      'Guide A → /guide-a',
      'Guide B → /guide-b',
      // The directory's own .pages title wins over the title the parent's nav gives it, as in the plugin.
      { 'API reference': ['API → /reference/api'] },
      'FAQ → /faq',
      // The plain rest keeps the default order: pages, then directories.
      'Zebra → /zebra',
      { Steps: ['Step 1 → /steps/step-1', 'Step 2 → /steps/step-2', 'Step 10 → /steps/step-10'] },
    ]);
    expect(site.warnings).toEqual([]);
  });

  it('when a rest filter is a regex RE2 refuses or one built to backtrack, then it is named in a warning or matched in linear time', () => {
    const site = build({
      'mkdocs.yml': 'site_name: Tool\nplugins:\n  - awesome-pages\n',
      'docs/index.md': '# Home\n',
      'docs/.pages': `nav:\n  - index.md\n  - '... | regex=(a)\\1'\n  - '... | regex=^(a+)+\\.md$'\n`,
      [`docs/${'a'.repeat(40)}!.md`]: '# Long\n',
      'docs/aaaa.md': '# Four\n',
    });
    expect(outline(site.nav)).toEqual(['Home → /', 'Four → /aaaa']);
    expect(site.warnings).toEqual([
      expect.stringMatching(/^\.pages: RE2 cannot compile pattern .*backreferences.*; the entry is left out$/),
    ]);
  });
});

describe('monorepo', () => {
  const files = {
    'mkdocs.yml':
      "site_name: Platform\nplugins:\n  - monorepo\nnav:\n  - Intro: index.md\n  - Auth: '!include ./services/auth/mkdocs.yml'\n  - Billing: '!include ./services/billing/mkdocs.yml'\n",
    'docs/index.md': '# Platform\n\nSee [auth](auth/index.md).\n',
    'services/auth/mkdocs.yml': 'site_name: auth\nnav:\n  - Overview: index.md\n  - Tokens: tokens.md\n',
    'services/auth/docs/index.md': '# Auth\n',
    'services/auth/docs/tokens.md': '# Tokens\n\n[Back](index.md)\n',
    'services/billing/mkdocs.yml': 'site_name: billing\ndocs_dir: pages\n',
    'services/billing/pages/index.md': '# Billing\n',
    'services/billing/pages/invoices.md': '# Invoices\n',
  };

  it('when the nav includes other mkdocs.yml files, then their sites are sections served under their site_name', () => {
    const site = build(files);
    expect(outline(site.nav)).toEqual([
      'Intro → /',
      { Auth: ['Overview → /auth', 'Tokens → /auth/tokens'] },
      { Billing: ['Billing → /billing', 'Invoices → /billing/invoices'] },
    ]);
    expect(site.pages.find((p) => p.slug === 'auth/tokens')?.html).toContain(`<a href="${BASE}/auth">Back</a>`);
    expect(site.pages.find((p) => p.slug === '')?.html).toContain(`<a href="${BASE}/auth">auth</a>`);
  });

  it("when the DocSource is on GitHub, then every page's edit link is its own file on the followed branch, included sites' too", () => {
    const site = buildSite(new Map(Object.entries(files)), {
      base: BASE,
      editSource: { repository: 'https://github.com/acme/platform', ref: 'main', path: 'handbook' },
    });
    expect(Object.fromEntries(site.pages.map((p) => [p.slug, p.editUrl]))).toEqual({
      '': 'https://github.com/acme/platform/blob/main/handbook/docs/index.md',
      auth: 'https://github.com/acme/platform/blob/main/handbook/services/auth/docs/index.md',
      'auth/tokens': 'https://github.com/acme/platform/blob/main/handbook/services/auth/docs/tokens.md',
      billing: 'https://github.com/acme/platform/blob/main/handbook/services/billing/pages/index.md',
      'billing/invoices': 'https://github.com/acme/platform/blob/main/handbook/services/billing/pages/invoices.md',
    });
    // A ConfigMap's docs (no location) and no repo_url: no link.
    expect(build(files).pages.every((p) => p.editUrl === undefined)).toBe(true);
  });

  it('when an included site names a dot-directory as its site_name, then it is not built over what the build makes', () => {
    const site = build({ ...files, 'services/auth/mkdocs.yml': 'site_name: .generated/diagrams\n' });
    expect(site.pages.some((p) => p.path.startsWith('.generated/'))).toBe(false);
    expect(site.warnings).toContain(
      'services/auth/mkdocs.yml: its site_name must be a relative path outside dot-directories to serve the included site under; it was not built',
    );
  });

  it('when an include leaves the repository or names no file, then the build says so and goes on', () => {
    const site = build({
      ...files,
      'mkdocs.yml':
        "site_name: P\nnav:\n  - Intro: index.md\n  - Up: '!include ../../etc/mkdocs.yml'\n  - Gone: '!include ./nope/mkdocs.yml'\n",
    });
    expect(outline(site.nav)).toEqual(['Intro → /']);
    expect(site.warnings).toEqual(
      expect.arrayContaining([
        'mkdocs.yml: the nav includes ../../etc/mkdocs.yml, which is not a file of the repository',
        'mkdocs.yml: the nav includes ./nope/mkdocs.yml, which is not a file of the repository',
      ]),
    );
  });
});

describe('section-index, redirects, search exclusions and plugins Greenroom does not run', () => {
  it("when use_directory_urls is off, then raw HTML resolves from the page file's directory, as MkDocs serves guide/setup.html", () => {
    const files = {
      'docs/index.md': '# Home\n',
      'docs/guide/setup.md': '<img src="../img/x.png" alt="x">\n',
      'docs/img/x.png': 'root image',
      'docs/guide/img/x.png': 'guide image',
    };
    const image = (config: string) =>
      /src="([^"]+)"/.exec(build({ 'mkdocs.yml': config, ...files }).pages.find((p) => p.slug === 'guide/setup')!.html)?.[1];
    // guide/setup.html: ../img is the site's img/.
    expect(image('site_name: T\nuse_directory_urls: false\n')).toBe(`${BASE}/_assets/img/x.png`);
    // guide/setup/ (the default): ../img is guide/img/.
    expect(image('site_name: T\n')).toBe(`${BASE}/_assets/guide/img/x.png`);
  });

  it('when section-index is on, then a section whose first page is its index links to that page', () => {
    const site = build({
      'mkdocs.yml':
        'site_name: T\nplugins:\n  - section-index\nnav:\n  - Home: index.md\n  - Guide:\n      - guide/index.md\n      - guide/setup.md\n',
      'docs/index.md': '# Home\n',
      'docs/guide/index.md': '# Guide\n',
      'docs/guide/setup.md': '# Setup\n',
    });
    expect(outline(site.nav)).toEqual(['Home → /', { 'Guide → /guide': ['Setup → /guide/setup'] }]);
  });

  it('when redirect_maps moves pages, then the old slugs lead to the new page or URL, and bad ones are named', async () => {
    const site = build({
      'mkdocs.yml':
        "site_name: T\nplugins:\n  - redirects:\n      redirect_maps:\n        'old.md': 'new.md#usage'\n        'legacy/index.md': 'https://example.com/legacy'\n        'new.md': 'index.md'\n        'lost.md': 'nowhere.md'\n",
      'docs/index.md': '# Home\n',
      'docs/new.md': '# New\n',
    });
    expect(site.redirects).toEqual({ old: { slug: 'new', fragment: 'usage' }, legacy: { url: 'https://example.com/legacy' } });
    expect(site.warnings).toEqual([
      'mkdocs.yml: the redirect from new.md is not made: it is still a page of the site',
      'mkdocs.yml: the redirect from lost.md goes to nowhere.md, which is not a page of the site',
    ]);
    // The stored form keeps them, and refuses a redirect elsewhere.
    expect((await decodeSite(await encodeSite(site))).redirects).toEqual(site.redirects);
    await expect(decodeSite(await encodeSite({ ...site, redirects: { x: { url: 'javascript:alert(1)' } } }))).rejects.toThrow(
      'stored docs site has a redirect from x that leads to neither one of its pages nor an http(s) URL',
    );
  });

  it('when pages are excluded from search, by front matter, exclude-search or the search plugin, then they are marked', () => {
    const site = build({
      'mkdocs.yml':
        'site_name: T\nplugins:\n  - search:\n      exclude:\n        - old/**\n  - exclude-search:\n      exclude:\n        - drafts/*\n        - index.md#secret\n',
      'docs/index.md': '# Home\n',
      'docs/private.md': '---\nsearch:\n  exclude: true\n---\n# Private\n',
      'docs/drafts/wip.md': '# WIP\n',
      'docs/drafts/deeper/kept.md': '# Kept\n',
      'docs/old/2024/notes.md': '# Notes\n',
    });
    expect(site.pages.filter((p) => p.searchExcluded).map((p) => p.path)).toEqual(['private.md', 'drafts/wip.md', 'old/2024/notes.md']);
    expect(site.warnings).toEqual([
      "mkdocs.yml: exclude-search's index.md#secret names a heading; only whole pages are left out of search",
    ]);
  });

  it('when mkdocs.yml turns pymdownx.highlight linenums off, then code is not numbered unless a fence asks', () => {
    const site = build({
      'mkdocs.yml': 'site_name: T\nmarkdown_extensions:\n  - pymdownx.highlight:\n      linenums: false\n',
      'docs/index.md': '# Home\n\n```\nplain\n```\n\n```linenums="5"\nnumbered\n```\n',
    });
    const html = site.pages[0]!.html;
    expect(html).toContain('<pre><code>plain\n</code></pre>');
    expect(html).toContain('<pre><code><span class="line" data-line="5">numbered</span>\n</code></pre>');
    expect(site.warnings).toEqual([]);
  });

  it('when mkdocs.yml lists plugins and extensions Greenroom does not have, then each is named once, and the build goes on', () => {
    const site = build({
      'mkdocs.yml':
        'site_name: T\nplugins:\n  - techdocs-core\n  - gh-admonitions\n  - mkdocstrings\n  - mkdocs-redirects\n  - social\nmarkdown_extensions:\n  - pymdownx.superfences\n  - pymdownx.arithmatex\n  - plantuml_markdown\n',
      'docs/index.md': '# Home\n',
      'docs/other.md': '# Other\n',
    });
    expect(site.warnings).toEqual([
      'mkdocs.yml: the plugin mkdocstrings is not run by Greenroom (it runs Python to document code); pages are built without it',
      'mkdocs.yml: the plugin social is not run by Greenroom; pages are built without it',
      'mkdocs.yml: the Markdown extension pymdownx.arithmatex is not supported; pages are built without it',
      'mkdocs.yml: the Markdown extension plantuml_markdown needs a PlantUML server; its blocks are shown as written',
    ]);
  });
});
