import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildSite } from '../../src/docs/build.ts';
import { readDocsConfig } from '../../src/docs/mkdocs.ts';
import type { DocSite } from '../../src/docs/site.ts';
import { decodeSite, encodeSite } from '../../src/docs/store.ts';

const BASE = '/docs/team/handbook';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

const tree = (entries: Record<string, string | Buffer>) => new Map(Object.entries(entries));
const build = (entries: Record<string, string | Buffer>) => buildSite(tree(entries), { base: BASE });

const MKDOCS = `
site_name: Team handbook
docs_dir: handbook
theme:
  name: material
markdown_extensions:
  - admonition
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
extra:
  analytics: !ENV [ANALYTICS, none]
nav:
  - Home: index.md
  - Guides:
      - guides/setup.md
      - Deploying: guides/deploy.md
      - Advanced:
          - Tuning: guides/advanced/tuning.md
  - Gone: missing.md
  - Source: https://git.example.com/team/handbook
`;

describe('building a docs site from mkdocs.yml', () => {
  const files = {
    'mkdocs.yml': MKDOCS,
    'README.md': '# Not part of the docs\n',
    'handbook/index.md': '# Welcome\n\nStart with [setup](guides/setup.md).\n\n![logo](img/logo.png)\n',
    'handbook/guides/setup.md': '# Setting up\n\n## Install\n',
    'handbook/guides/deploy.md': '# Deploy\n',
    'handbook/guides/advanced/tuning.md': '# Tuning things\n',
    'handbook/orphan.md': '# Orphan\n',
    'handbook/img/logo.png': PNG,
    'handbook/img/unused.png': PNG,
  };

  it('when mkdocs.yml has Python tags, then they are tolerated and its settings are read', () => {
    const config = readDocsConfig(tree(files));
    expect(config.siteName).toBe('Team handbook');
    expect(config.docsDir).toBe('handbook');
    expect(config.nav?.map((e) => e.title)).toEqual(['Home', 'Guides', 'Gone', 'Source']);
  });

  it('when mkdocs.yml has a nested nav, then the site nav follows it with titles from the nav or the page', () => {
    const site = build(files);
    expect(site.siteName).toBe('Team handbook');
    expect(site.nav).toEqual([
      { title: 'Home', slug: '' },
      {
        title: 'Guides',
        children: [
          { title: 'Setting up', slug: 'guides/setup' },
          { title: 'Deploying', slug: 'guides/deploy' },
          { title: 'Advanced', children: [{ title: 'Tuning', slug: 'guides/advanced/tuning' }] },
        ],
      },
      { title: 'Source', url: 'https://git.example.com/team/handbook' },
    ]);
  });

  it('when the nav names a missing page or leaves one out, then the build warns and still serves the rest', () => {
    const site = build(files);
    expect(site.pages.map((p) => p.slug)).toEqual(['', 'guides/setup', 'guides/deploy', 'guides/advanced/tuning', 'orphan']);
    expect(site.pages.map((p) => p.title)).toEqual(['Home', 'Setting up', 'Deploying', 'Tuning', 'Orphan']);
    expect(site.warnings).toEqual([
      'the nav names missing.md, which is not a page in docs_dir',
      'orphan.md is not in the nav of mkdocs.yml; it is built but only reachable by links',
    ]);
  });

  it('when pages use images, then only those are kept as assets, with their content type', () => {
    const site = build(files);
    expect(Object.keys(site.assets)).toEqual(['img/logo.png']);
    expect(site.assets['img/logo.png']).toEqual({ contentType: 'image/png', base64: PNG.toString('base64') });
    expect(site.pages[0]?.html).toContain(`<img src="${BASE}/_assets/img/logo.png" alt="logo" />`);
    expect(site.pages[0]?.html).toContain(`<a href="${BASE}/guides/setup">setup</a>`);
  });

  it('when docs_dir climbs out of the repository, then the build fails saying so', () => {
    expect(() => build({ 'mkdocs.yml': 'docs_dir: ../elsewhere\n', 'a.md': '# A' })).toThrow(
      /docs_dir \.\.\/elsewhere must be inside the repository/,
    );
  });

  it('when mkdocs.yml is not YAML, then the build fails saying so', () => {
    expect(() => build({ 'mkdocs.yml': 'nav: [unclosed\n', 'docs/a.md': '# A' })).toThrow(/mkdocs.yml is not valid YAML/);
  });

  it('when mkdocs.yml has no nav, then the nav follows the directories', () => {
    const site = build({ 'mkdocs.yml': 'site_name: X\n', 'docs/b.md': '# B', 'docs/index.md': '# Home page' });
    expect(site.nav).toEqual([
      { title: 'Home page', slug: '' },
      { title: 'B', slug: 'b' },
    ]);
    expect(site.warnings).toEqual([]);
  });
});

describe('building a docs site from a plain directory', () => {
  it('when there is a docs/ directory, then it is the docs, with index first, then files, then sections', () => {
    const site = build({
      'README.md': '# Repository readme',
      'docs/zeta.md': '# Zeta',
      'docs/alpha.md': 'No heading here.',
      'docs/index.md': '# Overview',
      'docs/getting-started/README.md': '# Start here',
      'docs/getting-started/install.md': '# Install',
      'docs/.hidden/secret.md': '# Secret',
    });
    expect(site.nav).toEqual([
      { title: 'Overview', slug: '' },
      { title: 'Alpha', slug: 'alpha' },
      { title: 'Zeta', slug: 'zeta' },
      {
        title: 'Getting started',
        children: [
          { title: 'Start here', slug: 'getting-started' },
          { title: 'Install', slug: 'getting-started/install' },
        ],
      },
    ]);
    expect(site.siteName).toBe('Overview');
    expect(site.pages.map((p) => p.path)).toEqual([
      'index.md',
      'alpha.md',
      'zeta.md',
      'getting-started/README.md',
      'getting-started/install.md',
    ]);
    expect(site.warnings).toEqual([]);
  });

  it('when there is no docs/ directory, then the repository root is the docs', () => {
    const site = buildSite(tree({ 'README.md': '# Tool', 'usage.md': '# Usage' }), { base: BASE, siteName: 'tool docs' });
    expect(site.pages.map((p) => p.slug)).toEqual(['', 'usage']);
    expect(site.siteName).toBe('tool docs');
  });

  it('when a directory has both index.md and README.md, then index.md is served and README.md reported', () => {
    const site = build({ 'index.md': '# Index', 'README.md': '# Readme' });
    expect(site.pages.map((p) => p.path)).toEqual(['index.md']);
    expect(site.warnings).toEqual(['README.md is not built: index.md is already served at /']);
  });

  it('when there is no Markdown page, then the build fails saying so', () => {
    expect(() => build({ 'docs/logo.png': PNG, 'main.go': 'package main' })).toThrow('no Markdown page found in docs/');
    expect(() => build({ 'main.go': 'package main' })).toThrow('no Markdown page found in the repository root');
  });

  it('when an entity is named, then the site keeps it for the reader', () => {
    expect(buildSite(tree({ 'a.md': '# A' }), { base: BASE, entityRef: 'component:team/handbook' }).entityRef).toBe(
      'component:team/handbook',
    );
  });
});

describe('storing a built site', () => {
  const site = build({ 'index.md': '# Home\n\nHello.\n', 'img/a.png': PNG, 'b.md': '# B\n\n![a](img/a.png)\n' });

  it('when a site is encoded and decoded, then it comes back the same', async () => {
    const chunks = await encodeSite(site);
    expect(chunks).toHaveLength(1);
    await expect(decodeSite(chunks)).resolves.toEqual(site);
  });

  it('when a site is encoded off the event loop, a piece at a time, then the bytes are exactly what the synchronous gzip made, so stored ids do not change', async () => {
    const pages = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}.md`, `# Page ${i} ✓\n\n${'text '.repeat(i * 50)}\n`]));
    const larger: DocSite = {
      ...build({ ...pages, 'index.md': '# Home\n', 'img/a.png': PNG, 'b.md': '![a](img/a.png)\n' }),
      redirects: { old: { slug: 'p1' } },
      entityRef: undefined,
    };
    for (const shown of [site, larger, { ...larger, assets: {} }]) {
      const chunks = await encodeSite(shown);
      expect(Buffer.concat(chunks).equals(gzipSync(Buffer.from(JSON.stringify(shown), 'utf8'), { level: 9 }))).toBe(true);
    }
  });

  it('when a site is large, then it is split into chunks no bigger than the limit that decode in order', async () => {
    // Random bytes do not compress: the stored size stays about the asset's size.
    const noise = randomBytes(300_000);
    const big: DocSite = {
      ...site,
      assets: { ...site.assets, 'img/big.png': { contentType: 'image/png', base64: noise.toString('base64') } },
    };
    const chunks = await encodeSite(big, 64 * 1024);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
    await expect(decodeSite(chunks)).resolves.toEqual(big);
    await expect(decodeSite([...chunks].reverse())).rejects.toThrow(/not gzip data/);
  });

  it('when the stored bytes are garbage, then decoding refuses them with a reason', async () => {
    await expect(decodeSite([])).rejects.toThrow('stored docs site has no chunks');
    await expect(decodeSite([Buffer.from('not gzip')])).rejects.toThrow(/not gzip data/);
    await expect(decodeSite([gzipSync('{"siteName": ')])).rejects.toThrow(/not JSON/);
    await expect(decodeSite([gzipSync(JSON.stringify({ siteName: 'x', nav: [], pages: [], assets: {}, warnings: [] }))])).rejects.toThrow(
      /wrong shape at pages/,
    );
    await expect(decodeSite([gzipSync(JSON.stringify({ ...site, nav: [{ title: 3 }] }))])).rejects.toThrow(/wrong shape at nav\.0\.title/);
    await expect(
      decodeSite([gzipSync(JSON.stringify({ ...site, pages: [site.pages[0], { ...site.pages[1], title: 7 }] }))]),
    ).rejects.toThrow(/wrong shape at pages\.1\.title/);
    // A forged site cannot put a script URL behind the reader's "Edit this page".
    await expect(
      decodeSite([
        gzipSync(JSON.stringify({ ...site, pages: [{ ...site.pages[0], editUrl: 'javascript:alert(document.cookie)' }, site.pages[1]] })),
      ]),
    ).rejects.toThrow(/wrong shape at pages\.0\.editUrl: is not an http\(s\) URL/);
  });

  it('when the chunk limit is not a positive integer, then encoding refuses it', async () => {
    await expect(encodeSite(site, 0)).rejects.toThrow(/positive integer/);
  });
});
