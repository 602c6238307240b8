import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browsers, pageOpener, SCREENSHOTS, sidewaysOverflow } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { apply, eventually, operators } from '../support/operator.ts';

// The dashboard of a real operator, over the sample catalog on the real control plane,
// seen through Debian's Chromium.
const namespace = 'dashboard';
const start = operators(namespace);
const browser = browsers();
let base = '';

/** The bits of the page's globals these tests read (the project has no DOM typings). */
type BrowserGlobals = { document: { documentElement: { dataset: { theme?: string } } } };

const samples = fileURLToPath(new URL('../../examples/catalog/', import.meta.url));

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  for (const file of readdirSync(samples).filter((f) => f.endsWith('.yaml'))) {
    await kubectl(['apply', '-n', namespace, '-f', '-'], readFileSync(samples + file, 'utf8'));
  }
  const operator = await start();
  base = operator.url;
  await eventually(
    'the sample catalog to be reconciled',
    async () => {
      const body = (await (await fetch(`${base}/api/v1/entities?namespace=${namespace}&limit=500`)).json()) as {
        total: number;
        items: { ready: string }[];
      };
      return body.total >= 30 && body.items.every((i) => i.ready !== 'Unknown') ? true : undefined;
    },
    60_000,
  );
});

const newPage = pageOpener(browser);

describe('the dashboard in Chromium', () => {
  it('when a reader goes home → catalog → entity → owner → a graph node, then each page shows its content', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/software catalog/);
    expect(await page.locator('.counts').textContent()).toMatch(/components/);
    expect(
      await page
        .locator('#attention + *')
        .first()
        .textContent()
        .then(() => page.content()),
    ).toMatch(/search-indexer|Search indexer/);
    await page.screenshot({ path: `${SCREENSHOTS}home.png`, fullPage: true });

    await page.click('nav >> text=Catalog');
    await page.waitForURL(/\/catalog$/);
    expect(await page.locator('table.catalog tbody tr').count()).toBeGreaterThan(10);
    await page.screenshot({ path: `${SCREENSHOTS}catalog.png`, fullPage: true });

    // The header's box searches catalog and docs; the Components group leads to the entity.
    await page.fill('header input[name=q]', 'checkout');
    await page.press('header input[name=q]', 'Enter');
    await page.waitForURL(/\/search\?q=checkout/);
    await page.click('.search-group:has(h2:has-text("Components")) .search-title >> nth=0');
    await page.waitForURL(/\/catalog\/component\//);
    expect(await page.locator('h1').textContent()).toMatch(/checkout/i);
    expect(await page.locator('#rel-h').count()).toBe(1);
    expect(await page.locator('svg.graph .node').count()).toBeGreaterThan(1);
    await page.screenshot({ path: `${SCREENSHOTS}entity.png`, fullPage: true });

    await page.click('.entity-head .meta >> text=owned by >> a');
    await page.waitForURL(/\/catalog\/group\//);
    expect(await page.locator('#owned-h').textContent()).toMatch(/Owns/);
    expect(await page.locator('.cards li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}group.png`, fullPage: true });

    const node = page.locator('svg.graph a.node:not(.root)').first();
    const target = await node.getAttribute('href');
    await node.click();
    await page.waitForURL((url) => url.pathname === target);
    expect(errors).toEqual([]);
  });

  it('when filters and pages are chosen, then the URL and the rows change with them', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/catalog`);
    await page.selectOption('select[name=kind]', 'component');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/kind=component/);
    const kinds = await page.locator('table.catalog tbody tr td:nth-child(2)').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k.trim() === 'Component')).toBe(true);

    await page.goto(`${base}/catalog`);
    const firstPage = await page.locator('table.catalog tbody tr').allTextContents();
    await page.click('a[rel=next]');
    await page.waitForURL(/page=2/);
    const secondPage = await page.locator('table.catalog tbody tr').allTextContents();
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage).not.toEqual(firstPage);

    await page.goto(`${base}/catalog`);
    await page.click('th >> text=Owner');
    await page.waitForURL(/sort=owner/);
  });

  it('when a description carries <script> and <img onerror>, then they show as text and nothing runs', async () => {
    const payload = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
    await apply(namespace, {
      kind: 'Component',
      name: 'xss-probe',
      spec: { type: 'service', lifecycle: 'experimental', owner: 'team-storefront', description: payload, title: '<b>bold?</b>' },
    });
    await eventually('xss-probe in the graph', async () =>
      (await fetch(`${base}/api/v1/entities/component/${namespace}/xss-probe`)).ok ? true : undefined,
    );
    const { page, errors } = await newPage();
    for (const path of [`/catalog/component/${namespace}/xss-probe`, '/catalog?q=pwned', '/']) {
      await page.goto(base + path);
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    await page.goto(`${base}/catalog/component/${namespace}/xss-probe`);
    expect(await page.locator('.description').textContent()).toBe(payload);
    expect(await page.locator('h1').textContent()).toMatch(/<b>bold\?<\/b>/);
    expect(await page.locator('.description img, .description script').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('when a change is applied with kubectl, then a reload a second later shows it', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/catalog/component/${namespace}/checkout-service`);
    const words = `Changed at ${Date.now()}`;
    await kubectl([
      'patch',
      'component',
      'checkout-service',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { description: words } }),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    await page.reload();
    expect(await page.locator('.description').textContent()).toBe(words);
  });

  it('when the theme is switched to dark, then the page renders dark and remembers it', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/`);
    await page.click('[data-theme-toggle]');
    const theme = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.dataset.theme);
    await page.goto(`${base}/catalog/component/${namespace}/web-storefront`);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.dataset.theme)).toBe(theme);
    await page.screenshot({ path: `${SCREENSHOTS}entity-${theme}.png`, fullPage: true });
  });

  it('when the window is half a laptop screen wide, then pages fit without sideways scrolling', async () => {
    const { page } = await newPage(683);
    for (const [name, path] of [
      ['home', '/'],
      ['catalog', '/catalog'],
      ['entity', `/catalog/component/${namespace}/checkout-service`],
    ]) {
      await page.goto(base + path);
      const overflow = await sidewaysOverflow(page);
      expect(`${name}: ${overflow}`).toBe(`${name}: 0`);
      await page.screenshot({ path: `${SCREENSHOTS}${name}-narrow.png`, fullPage: true });
    }
  });

  it('when a group page is opened, then members, parent and everything owned (with how) are listed and drawn', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/catalog/group/${namespace}/engineering`);
    expect(await page.locator('#owned-h').textContent()).toMatch(/Owns/);
    expect(await page.locator('.cards li >> text=via').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.graph .edge').count()).toBeGreaterThan(0);
  });

  it('when an entity does not exist, then a useful 404 page offers a search', async () => {
    const { page } = await newPage();
    const response = await page.goto(`${base}/catalog/component/${namespace}/no-such-thing`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('main').textContent()).toMatch(/Search the catalog for “no-such-thing”/);
  });
});
