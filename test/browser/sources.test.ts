import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browsers, pageOpener, SCREENSHOTS, sidewaysOverflow } from '../support/browser.ts';
import { pushFiles } from '../support/git-repos.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { gitSecret, GIT_USER, gitServers } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The Sources page of a real operator in Chromium: a Backstage repository (the demo's
// examples/backstage-import, plus one broken file) kept in the catalog by a git
// CatalogSource on a real git server, and a source whose repository does not exist.
const namespace = 'sources-page';
const start = operators(namespace);
const browser = browsers();
const newGitServer = gitServers();
const newDir = tempDirs('sources-page-');
const newPage = pageOpener(browser);
let base = '';

const example = fileURLToPath(new URL('../../examples/backstage-import/', import.meta.url));

/** Every file of a directory, by path relative to it. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  return files;
}

beforeAll(async () => {
  const git = await newGitServer();
  const repo = await git.createRepository('reviews');
  await pushFiles(newDir(), repo, GIT_USER, {
    files: {
      ...filesOf(example),
      'services/broken/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x\n',
    },
    message: 'reviews team catalog',
  });
  await kubectl(['create', 'namespace', namespace]);
  await gitSecret(namespace, git.url);
  const source = (name: string, url: string) =>
    `apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: ${name}}\nspec:\n  interval: 1m\n  git: {url: "${url}", paths: [catalog-info.yaml], secretRef: {name: greenroom-git}}\n`;
  await kubectl(['apply', '-n', namespace, '-f', '-'], [source('reviews', repo), source('archived', `${git.url}/gone.git`)].join('---\n'));
  base = (await start()).url;
  await eventually(
    'both sources to be checked',
    async () => {
      const page = await (await fetch(`${base}/sources`)).text();
      return /Failing/.test(page) && /Synced/.test(page) ? true : undefined;
    },
    60_000,
  );
});

describe('the Sources page in Chromium', () => {
  it('when a reader opens Sources, a source and one of its entities, then state, counts, problems, entities and origin are shown and linked', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/`);
    await page.click('nav >> text=Sources');
    await page.waitForURL(/\/sources$/);
    const rows = page.locator('table.sources tbody tr');
    expect(await rows.count()).toBe(2);
    // The failing source comes first: it is the one that needs someone.
    expect(await rows.nth(0).textContent()).toMatch(/archived[\s\S]*Failing/);
    expect(await rows.nth(1).textContent()).toMatch(/reviews[\s\S]*Synced[\s\S]*\b7\b[\s\S]*\b1\b/);
    await page.screenshot({ path: `${SCREENSHOTS}sources.png`, fullPage: true });

    await rows.nth(1).locator('a', { hasText: 'reviews' }).first().click();
    await page.waitForURL(/\/sources\/sources-page\/reviews$/);
    expect(await page.locator('h1').textContent()).toMatch(/reviews\s+Synced/);
    expect(await page.locator('ul.problems').textContent()).toMatch(/services\/broken\/catalog-info\.yaml/);
    expect(await page.locator('#held-h').textContent()).toMatch(/Entities\s+7/);
    await page.screenshot({ path: `${SCREENSHOTS}source.png`, fullPage: true });

    await page.click('ul.cards >> text=reviews-service');
    await page.waitForURL(/\/catalog\/component\/sources-page\/reviews-service$/);
    expect(await page.locator('.origin').textContent()).toMatch(
      /From CatalogSource reviews · services\/reviews-api\/catalog-info\.yaml:1 · at commit [0-9a-f]{7}/,
    );
    await page.click('.origin >> text=reviews');
    await page.waitForURL(/\/sources\/sources-page\/reviews$/);

    await page.goto(`${base}/sources/${namespace}/archived`);
    expect(await page.locator('#failing-h').textContent()).toMatch(/The latest check failed/);
    expect(errors).toEqual([]);
  });

  it('when the window is half a laptop screen wide, then the Sources pages fit without sideways scrolling', async () => {
    const { page } = await newPage(683);
    for (const path of ['/sources', `/sources/${namespace}/reviews`]) {
      await page.goto(base + path);
      const overflow = await sidewaysOverflow(page);
      expect(`${path}: ${overflow}`).toBe(`${path}: 0`);
    }
  });
});
