import { describe, expect, it, beforeAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { buildSite } from '../../src/docs/build.ts';
import type { DocSite, NavItem } from '../../src/docs/site.ts';
import { readerView } from '../support/reader-view.ts';

/*
 * MkDocs itself is the oracle. A TechDocs repository written for this test
 * (test/fixtures/techdocs-monorepo: techdocs-core, a literate-nav README, section-index,
 * redirects, tabs, task lists, footnotes, emoji, snippets, Mermaid, raw HTML images, and two
 * services' sites included with monorepo, one ordered by awesome-pages' .pages files) is built
 * by Debian's mkdocs with pymdown-extensions, mkdocs-literate-nav, mkdocs-section-index and
 * mkdocs-redirects, and by Greenroom, and what a reader sees is compared: the nav, each page's
 * title and headings, where every link and image leads, and each extension's output
 * (test/support/reader-view.ts), not byte-identical HTML.
 *
 * What MkDocs is given differs from the repository in what Debian cannot run:
 * - techdocs-core is not packaged: its Markdown extensions are listed instead, emoji written
 *   as the characters (pymdownx's to_alt) where TechDocs draws Twemoji SVGs of them;
 * - monorepo and awesome-pages are not packaged: their nav entries are left out, and what
 *   Greenroom builds for them is compared with expectations written by hand from those
 *   plugins' documentation (the second test says so);
 * - a hook (test/support/mkdocs_oracle_hook.py) writes MkDocs' own nav and pages as JSON.
 */

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('../fixtures/techdocs-monorepo/', import.meta.url));
const HOOK = fileURLToPath(new URL('../support/mkdocs_oracle_hook.py', import.meta.url));
const BASE = '/docs/payments/platform';

/** The Markdown extensions techdocs-core turns on, as mkdocs.yml would list them. */
const TECHDOCS_CORE_EXTENSIONS = [
  'admonition',
  { toc: { permalink: true } },
  'abbr',
  'attr_list',
  'def_list',
  'footnotes',
  'md_in_html',
  'tables',
  'pymdownx.caret',
  'pymdownx.critic',
  'pymdownx.details',
  'EMOJI',
  'pymdownx.highlight',
  'pymdownx.inlinehilite',
  'pymdownx.magiclink',
  'pymdownx.mark',
  'pymdownx.smartsymbols',
  'SUPERFENCES',
  { 'pymdownx.tabbed': { alternate_style: true } },
  'pymdownx.tasklist',
  'pymdownx.tilde',
];

/** Python names cannot be written with the yaml package's stringify; they go in as text. */
const PYTHON_NAMES: Record<string, string> = {
  EMOJI: `- pymdownx.emoji:
    emoji_index: !!python/name:pymdownx.emoji.twemoji
    emoji_generator: !!python/name:pymdownx.emoji.to_alt`,
  SUPERFENCES: `- pymdownx.superfences:
    custom_fences:
      - name: mermaid
        class: mermaid
        format: !!python/name:pymdownx.superfences.fence_code_format`,
};

const isIncluded = (entry: unknown): boolean =>
  !!entry && typeof entry === 'object' && Object.values(entry).some((v) => typeof v === 'string' && v.startsWith('!include'));

/** The repository's mkdocs.yml as Debian's MkDocs can build it (see the comment above). */
function oracleConfig(config: Record<string, unknown>): string {
  const unpackaged = new Set(['techdocs-core', 'monorepo', 'awesome-pages']);
  const plugins = (config.plugins as unknown[]).filter((p) => !unpackaged.has(typeof p === 'string' ? p : Object.keys(p as object)[0]!));
  const own = (config.markdown_extensions as unknown[]) ?? [];
  const extensions = [...TECHDOCS_CORE_EXTENSIONS, ...own];
  const rest = stringify({
    ...config,
    theme: 'mkdocs',
    hooks: [HOOK],
    nav: (config.nav as unknown[]).filter((e) => !isIncluded(e)),
    plugins,
    markdown_extensions: undefined,
  });
  const listed = extensions.map((e) => (typeof e === 'string' && PYTHON_NAMES[e] ? PYTHON_NAMES[e] : stringify([e]).trimEnd())).join('\n');
  return `${rest}markdown_extensions:\n${listed.replace(/^/gm, '  ')}\n`;
}

interface OracleItem {
  title: string;
  url?: string;
  link?: string;
  children?: OracleItem[];
}
interface OraclePage {
  title: string;
  url: string;
  toc: { id: string; title: string; level: number }[];
  edit_url: string | null;
  html: string;
}

async function filesOf(dir: string): Promise<Map<string, string | Buffer>> {
  const files = new Map<string, string | Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    const bytes = await readFile(join(dir, path));
    files.set(path, /\.(png|jpe?g|gif)$/i.test(path) ? bytes : bytes.toString('utf8'));
  }
  return files;
}

/** MkDocs' nav as lines: sections with their pages' URLs, as the reader's nav shows them. */
const oracleOutline = (items: OracleItem[]): unknown[] =>
  items.map((item) => {
    const head = item.link ? `${item.title} → ${item.link}` : item.url !== undefined ? `${item.title} → /${item.url}` : item.title;
    return item.children ? { [head]: oracleOutline(item.children) } : head;
  });

/** Greenroom's nav the same way: a page at slug `a/b` is MkDocs' directory URL `/a/b/`. */
const outline = (items: NavItem[]): unknown[] =>
  items.map((item) => {
    const head = item.url
      ? `${item.title} → ${item.url}`
      : item.slug !== undefined
        ? `${item.title} → /${item.slug ? `${item.slug}/` : ''}`
        : item.title;
    return item.children ? { [head]: outline(item.children) } : head;
  });

/** A URL of an MkDocs page, resolved as the browser does from the page's URL, as a site path. */
const fromMkdocs = (pageUrl: string) => (url: string) => {
  if (/^[a-z]+:/i.test(url)) return url;
  const resolved = new URL(url, `http://site/${pageUrl}`);
  return `${decodeURIComponent(resolved.pathname)}${resolved.hash}`;
};

/** A URL Greenroom's reader serves, as the same site path: pages get MkDocs' directory URLs. */
const fromGreenroom = (url: string) => {
  if (/^[a-z]+:/i.test(url)) return url;
  if (url.startsWith('#')) return url;
  const [path = '', hash = ''] = url.split('#');
  const inSite = decodeURIComponent(path.slice(BASE.length));
  const fragment = hash ? `#${hash}` : '';
  if (inSite.startsWith('/_assets/')) return `/${inSite.slice('/_assets/'.length)}`;
  return `${inSite ? `${inSite}/` : '/'}${fragment}`;
};

describe('docs built as MkDocs builds them (MkDocs is the oracle)', () => {
  let mkdocs: { nav: OracleItem[]; pages: Record<string, OraclePage> };
  /** Where each redirect page MkDocs wrote (mkdocs-redirects: a meta refresh) leads, by the old page. */
  const mkdocsRedirects: Record<string, string> = {};
  let site: DocSite;

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'greenroom-mkdocs-'));
    try {
      await cp(FIXTURE, work, { recursive: true });
      const config = parse(await readFile(join(FIXTURE, 'mkdocs.yml'), 'utf8'), {
        customTags: [{ tag: '!include', resolve: (v: string) => v }],
      });
      await writeFile(join(work, 'mkdocs.yml'), oracleConfig(config as Record<string, unknown>));
      const out = join(work, 'oracle.json');
      await run('mkdocs', ['build', '--quiet', '--site-dir', join(work, 'site')], {
        cwd: work,
        env: { ...process.env, GREENROOM_ORACLE_OUT: out },
        timeout: 120_000,
      });
      mkdocs = JSON.parse(await readFile(out, 'utf8')) as typeof mkdocs;
      const maps = (
        (config as { plugins: unknown[] }).plugins.find((p) => typeof p === 'object' && p && 'redirects' in p) as {
          redirects: { redirect_maps: Record<string, string> };
        }
      ).redirects.redirect_maps;
      for (const old of Object.keys(maps)) {
        const url = `${old.replace(/\.md$/, '')}/`;
        const html = await readFile(join(work, 'site', url, 'index.html'), 'utf8');
        const target = /http-equiv="refresh" content="0; url=([^"]+)"/.exec(html)?.[1] ?? '';
        mkdocsRedirects[`/${url}`] = fromMkdocs(url)(target.replace(/&amp;/g, '&'));
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    site = buildSite(await filesOf(FIXTURE), { base: BASE });
  });

  it('when both build the repository, then the nav, titles, headings, edit links, links, images and every extension read the same', () => {
    const included = new Set(['Auth service', 'Ledger service']);
    expect(outline(site.nav.filter((item) => !included.has(item.title)))).toEqual(oracleOutline(mkdocs.nav));

    const ours = new Map(site.pages.map((page) => [page.path, page]));
    const compared: string[] = [];
    for (const [src, expected] of Object.entries(mkdocs.pages)) {
      const page = ours.get(src);
      expect({ src, built: page !== undefined }).toEqual({ src, built: true });
      expect({ src, title: page!.title }).toEqual({ src, title: expected.title });
      expect({ src, headings: page!.headings.map((h) => `${h.level} #${h.id} ${h.text}`) }).toEqual({
        src,
        headings: expected.toc.map((h) => `${h.level} #${h.id} ${h.title}`),
      });
      // repo_url and edit_uri of mkdocs.yml make the page's "Edit this page" link.
      expect({ src, editUrl: page!.editUrl ?? null }).toEqual({ src, editUrl: expected.edit_url });
      expect({ src, view: readerView(page!.html, fromGreenroom) }).toEqual({
        src,
        view: readerView(expected.html, fromMkdocs(expected.url)),
      });
      compared.push(src);
    }
    // Every page MkDocs built was compared; monorepo's are the rest of Greenroom's.
    expect(compared.sort()).toEqual(
      site.pages
        .map((p) => p.path)
        .filter((p) => !/^(auth|ledger)\//.test(p))
        .sort(),
    );
  });

  it('when sites are included (monorepo) and ordered by .pages (awesome-pages), then they match what those plugins document (written by hand: Debian has neither)', () => {
    const byTitle = new Map(site.nav.map((item) => [item.title, item]));
    // monorepo: the included site's nav, its pages under its site_name. section-index (on
    // for the whole site, as MkDocs showed for Reference) makes a section whose first page
    // is its index link to that page.
    expect(outline([byTitle.get('Auth service')!])).toEqual([{ 'Auth service → /auth/': ['Tokens → /auth/tokens/'] }]);
    // No nav in the ledger's mkdocs.yml: its files, as its .pages order them — index, the
    // runbooks section (titled and in descending order by its own .pages), then the rest.
    expect(outline([byTitle.get('Ledger service')!])).toEqual([
      {
        'Ledger service → /ledger/': [
          { Runbooks: ['Replaying a day → /ledger/runbooks/replay/', 'Backfilling balances → /ledger/runbooks/backfill/'] },
          'Accounts → /ledger/accounts/',
        ],
      },
    ]);
    const tokens = site.pages.find((p) => p.slug === 'auth/tokens')!;
    expect(readerView(tokens.html, fromGreenroom)).toContain('link /auth/: overview');
  });

  it('when pages moved (redirects), then their old URLs lead where MkDocs sends them', () => {
    const ours = Object.fromEntries(
      Object.entries(site.redirects ?? {}).map(([old, to]) => [
        `/${old}/`,
        fromGreenroom(`${BASE}/${to.slug ?? ''}${to.fragment ? `#${to.fragment}` : ''}`),
      ]),
    );
    expect(Object.keys(mkdocsRedirects)).toHaveLength(2);
    expect(ours).toEqual(mkdocsRedirects);
  });
});
