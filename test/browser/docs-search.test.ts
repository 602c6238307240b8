import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { publishGit } from '../../src/templates/publish-git.ts';
import { browsers, pageOpener, SCREENSHOTS } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The docs reader and the search page of a real operator, over the sample docs of
// examples/docs built from a real git server, seen through Debian's Chromium.
const namespace = 'dashboard-docs';
const start = operators(namespace);
const browser = browsers();
const newDir = tempDirs('docs-browser-');
let server: GitServer;
let base = '';

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  server = await startGitServer();
  const url = await server.createRepository('checkout-docs');
  const copy = newDir();
  await cp(fileURLToPath(new URL('../../examples/docs/checkout-service/', import.meta.url)), copy, { recursive: true });
  await publishGit({ dir: copy, url });
  await kubectl(['apply', '-n', namespace, '-f', '-'], [
    'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-payments}\nspec: {type: team, title: Payments}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: checkout-service}\nspec: {type: service, lifecycle: production, owner: team-payments, title: Checkout service, description: Turns a basket into an order.}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: checkout-web}\nspec: {type: website, lifecycle: production, owner: team-payments, title: Checkout pages}\n',
    `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: checkout-docs}\nspec: {entityRef: checkout-service, source: {git: {url: "${url}"}}}\n`,
  ].join('---\n'));
  base = (await start()).url;
  await eventually('the docs to be served', async () => ((await fetch(`${base}/docs/${namespace}/checkout-docs`)).status === 200 ? true : undefined), 60_000);
});
afterAll(async () => server?.stop());

const newPage = pageOpener(browser);

describe('the docs reader and search in Chromium', () => {
  it('when a reader goes from the entity to its docs and pages through them, then nav, contents, code and notes show', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/catalog/component/${namespace}/checkout-service`);
    await page.click('#docs-h + * a >> nth=0');
    await page.waitForURL(new RegExp(`/docs/${namespace}/checkout-docs`));
    await expect(page.locator('.docs-body h1').textContent()).resolves.toMatch(/Checkout service/);
    expect(await page.locator('.docs-nav').textContent()).toMatch(/Operations[\s\S]*Runbook[\s\S]*Releasing/);
    expect(await page.locator('.docs-toc').textContent()).toMatch(/At a glance/);
    expect(await page.locator('.docs-body table').count()).toBe(1);
    expect(await page.locator('.docs-body .admonition').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}docs.png`, fullPage: true });

    await page.click('.docs-pager .next');
    await page.waitForURL(/\/architecture$/);
    expect(await page.locator('.docs-body pre code .hljs-keyword').count()).toBeGreaterThan(0);
    // A link inside the docs goes to the other page's anchor.
    await page.goto(`${base}/docs/${namespace}/checkout-docs/operations/runbook`);
    await page.click('.docs-body a:has-text("architecture")');
    await page.waitForURL(/\/architecture#payment$/);
    await page.click('.docs-back a');
    await page.waitForURL(/\/catalog\/component\//);
    expect(errors).toEqual([]);
  });

  it('when the docs are read on a narrow screen in the dark theme, then nothing scrolls sideways', async () => {
    const { page, errors } = await newPage(683);
    await page.goto(`${base}/docs/${namespace}/checkout-docs`);
    await page.click('[data-theme-toggle]');
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}docs-narrow.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('when someone searches from the header with a typo, then the doc page and the entity are found, grouped, with the match marked', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/`);
    await page.fill('header input[name=q]', 'idempotncy');
    await page.press('header input[name=q]', 'Enter');
    await page.waitForURL(/\/search\?q=idempotncy/);
    const docs = page.locator('.search-group:has(h2:has-text("Docs"))');
    expect(await docs.locator('.search-title').first().textContent()).toMatch(/Architecture/);
    expect(await docs.locator('mark').count()).toBeGreaterThan(0);

    await page.fill('header input[name=q]', 'checkout-service');
    await page.press('header input[name=q]', 'Enter');
    await page.waitForURL(/q=checkout-service/);
    expect(await page.locator('.search-group').first().locator('.search-title').first().textContent()).toMatch(/Checkout service/);
    await page.screenshot({ path: `${SCREENSHOTS}search.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
