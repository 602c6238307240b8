import { describe, expect, it } from '@jest/globals';
import { buildSite } from '../../src/docs/build.ts';
import { buildInChildProcess } from '../../src/docs/build-process.ts';
import { OOM_SCORE_ADJ } from '../../src/shared/bounded-child.ts';
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFetched, DEFAULT_DOCS_LIMITS, fetchBudget, LimitExceededError, type DocsLimits } from '../../src/docs/limits.ts';
import { readSkeletonDir } from '../../src/file-tree/skeleton.ts';
import type { DocSite } from '../../src/docs/site.ts';
import { decodeSite, encodeSite, siteDigest } from '../../src/docs/store.ts';
import { site as synthetic, techdocsPage } from '../../bench/synthetic-docs.ts';

const BASE = '/docs/team/handbook';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const tree = (entries: Record<string, string | Buffer>) => new Map(Object.entries(entries));
const limits = (overrides: Partial<DocsLimits>): DocsLimits => ({ ...DEFAULT_DOCS_LIMITS, ...overrides });

/** What a call threw, for checking which limit it names. */
function thrown(call: () => unknown): LimitExceededError {
  try {
    call();
  } catch (error) {
    return error as LimitExceededError;
  }
  throw new Error('nothing was thrown');
}

describe('docs build limits', () => {
  it('when the source holds more files or bytes than allowed, then the fetch is refused naming the limit and its flag', () => {
    const files = tree({ 'docs/a.md': '# A', 'docs/b.md': '# B', 'docs/c.md': 'x'.repeat(100) });
    expect(thrown(() => checkFetched(files, limits({ maxFiles: 2 })))).toMatchObject({
      limit: 'maxFiles',
      message: 'the source holds 3 files, which exceeds the limit of 2 (--docs-max-files)',
    });
    expect(thrown(() => checkFetched(files, limits({ maxFetchBytes: 50 })))).toMatchObject({
      limit: 'maxFetchBytes',
      message: expect.stringContaining('(--docs-max-fetch-bytes)'),
    });
    expect(() => checkFetched(files, DEFAULT_DOCS_LIMITS)).not.toThrow();
  });

  it('when the docs have too many pages, a page too big or too many asset bytes, then the build fails naming that limit', () => {
    const pages = tree({
      'docs/index.md': '# Home\n\n![a](a.png) ![b](b.png)\n',
      'docs/big.md': `# Big\n\n${'word '.repeat(400)}`,
      'docs/a.png': PNG,
      'docs/b.png': PNG,
    });
    expect(thrown(() => buildSite(pages, { base: BASE, limits: limits({ maxPages: 1 }) }))).toMatchObject({
      limit: 'maxPages',
      message: expect.stringContaining('--docs-max-pages'),
    });
    expect(thrown(() => buildSite(pages, { base: BASE, limits: limits({ maxPageBytes: 1000 }) }))).toMatchObject({
      limit: 'maxPageBytes',
      message: expect.stringMatching(/^page big\.md has \d+ bytes.*--docs-max-page-bytes/),
    });
    expect(thrown(() => buildSite(pages, { base: BASE, limits: limits({ maxAssetBytes: PNG.length + 1 }) }))).toMatchObject({
      limit: 'maxAssetBytes',
    });
    expect(buildSite(pages, { base: BASE }).pages).toHaveLength(2);
  });

  it('when the built site is bigger than allowed, then encoding it fails naming --docs-max-site-bytes', async () => {
    const site = buildSite(tree({ 'docs/index.md': `# Home\n\n${'word '.repeat(2000)}` }), { base: BASE });
    await expect(encodeSite(site, 900 * 1024, 5000)).rejects.toMatchObject({
      limit: 'maxSiteBytes',
      message: expect.stringContaining('--docs-max-site-bytes'),
    });
  });
});

describe('reading a checkout within the limits', () => {
  it('when a checkout holds a file past the byte or file limit, then reading stops at that file, naming it and the flag, instead of holding the whole repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenroom-budget-'));
    try {
      await writeFile(join(dir, 'a.md'), '# A');
      await writeFile(join(dir, 'b.md'), 'x'.repeat(1024 * 1024));
      await writeFile(join(dir, 'c.md'), '# C');
      await expect(readSkeletonDir(dir, fetchBudget(limits({ maxFetchBytes: 1000 })))).rejects.toMatchObject({
        limit: 'maxFetchBytes',
        message: expect.stringMatching(/at b\.md.*\(--docs-max-fetch-bytes\)/),
      });
      await expect(readSkeletonDir(dir, fetchBudget(limits({ maxFiles: 2 })))).rejects.toMatchObject({
        limit: 'maxFiles',
        message: expect.stringMatching(/c\.md is one too many.*\(--docs-max-files\)/),
      });
      expect((await readSkeletonDir(dir, fetchBudget(DEFAULT_DOCS_LIMITS))).size).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reading a stored site back', () => {
  const site = buildSite(
    tree({
      'mkdocs.yml': 'nav:\n  - Home: index.md\n  - Chat: https://chat.example.com\n',
      'docs/index.md': '# Home\n\n![a](a.png)\n',
      'docs/a.png': PNG,
    }),
    { base: BASE },
  );

  it('when the chunks are not the bytes whose digest the DocSource records, then they are refused', async () => {
    const chunks = await encodeSite(site);
    await expect(decodeSite(chunks, { digest: siteDigest(chunks) })).resolves.toEqual(site);
    const forged = await encodeSite({ ...site, siteName: 'Forged' });
    await expect(decodeSite(forged, { digest: siteDigest(chunks) })).rejects.toThrow(/does not match the digest/);
  });

  it('when a stored site holds a javascript asset or a nav link that is not http(s), then it is refused', async () => {
    const script: DocSite = {
      ...site,
      assets: { 'app.js': { contentType: 'text/javascript', base64: Buffer.from('alert(1)').toString('base64') } },
    };
    await expect(decodeSite(await encodeSite(script))).rejects.toThrow(/assets\.app\.js\.contentType/);
    const nav: DocSite = { ...site, nav: [{ title: 'Chat', url: 'javascript:alert(1)' }] };
    await expect(decodeSite(await encodeSite(nav))).rejects.toThrow(/nav link at nav\.0 that is not an http\(s\) URL/);
    const page: DocSite = { ...site, nav: [{ title: 'Elsewhere', slug: '../../../api' }] };
    await expect(decodeSite(await encodeSite(page))).rejects.toThrow(/naming no page/);
  });
});

// Each test starts node processes; on a shared machine they take seconds.
const CHILD_TIMEOUT_MS = 60_000;

describe('building in a child process', () => {
  const files = tree({ 'docs/index.md': '# Home\n\nSee ![a](a.png).\n', 'docs/a.png': PNG });

  it(
    'when the docs fit, then the child gives back the stored form of the very site an in-process build makes',
    async () => {
      const built = await buildInChildProcess(files, { base: BASE }, { limits: DEFAULT_DOCS_LIMITS });
      expect(built).toMatchObject({ siteName: 'Home', pageCount: 1, warnings: [] });
      expect(await decodeSite(built.chunks)).toEqual(buildSite(files, { base: BASE }));
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'when a site at the page limit uses TechDocs extensions and diagrams throughout, then it builds within the default heap',
    async () => {
      // 500 pages of tabs, footnotes, admonitions… and 50 Mermaid diagrams. Pages used to be
      // held as the renderers' ropes of appended pieces until stored, which ran this site out
      // of the 64 MiB heap; they are flat strings now.
      const site = synthetic(DEFAULT_DOCS_LIMITS.maxPages, techdocsPage);
      const built = await buildInChildProcess(site, { base: BASE }, { limits: DEFAULT_DOCS_LIMITS });
      expect(built.pageCount).toBe(DEFAULT_DOCS_LIMITS.maxPages);
      const stored = await decodeSite(built.chunks);
      expect(Object.keys(stored.assets).filter((path) => path.startsWith('.generated/diagrams/'))).toHaveLength(50);
      expect(stored.pages.find((p) => p.slug === 'page-3')?.html).toContain('<div class="tabbed-set tabbed-alternate">');
    },
    CHILD_TIMEOUT_MS * 2,
  );

  it(
    'when the build process is up, then it is the first the kernel ends should the container run out of memory, not the operator',
    async () => {
      const child = fork(new URL('../../src/docs/build-child.ts', import.meta.url), [], {
        execArgv: ['--disable-warning=ExperimentalWarning'],
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      try {
        const adj = async (pid: number) => (await readFile(`/proc/${pid}/oom_score_adj`, 'utf8')).trim();
        let seen = '';
        for (let i = 0; i < 200 && seen !== String(OOM_SCORE_ADJ); i++) {
          seen = await adj(child.pid!);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(seen).toBe(String(OOM_SCORE_ADJ));
        expect(await adj(process.pid)).not.toBe(String(OOM_SCORE_ADJ));
      } finally {
        child.kill();
      }
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'when a limit is passed in the child, then the build fails with that limit',
    async () => {
      await expect(buildInChildProcess(files, { base: BASE }, { limits: limits({ maxAssetBytes: 1 }) })).rejects.toMatchObject({
        name: 'LimitExceededError',
        limit: 'maxAssetBytes',
      });
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'when the build needs more than its heap, then only the child dies and the build fails naming --docs-build-memory-mb',
    async () => {
      const huge = tree({
        'docs/index.md': Array.from({ length: 200_000 }, (_, i) => `- item **${i}** with [a link](index.md) and \`code\``).join('\n'),
      });
      const failure = buildInChildProcess(
        huge,
        { base: BASE },
        { limits: limits({ maxPageBytes: 1e9, maxSiteBytes: 1e9, buildMemoryMb: 32 }) },
      );
      await expect(failure).rejects.toMatchObject({
        limit: 'buildMemoryMb',
        message: expect.stringContaining('ran out of its 32 MiB of memory (--docs-build-memory-mb)'),
      });
      // This process (the operator's stand-in) is still here and builds the next site.
      await expect(buildInChildProcess(files, { base: BASE }, { limits: DEFAULT_DOCS_LIMITS })).resolves.toMatchObject({ pageCount: 1 });
    },
    CHILD_TIMEOUT_MS,
  );
});
