// The browser smoke test of a deployed Greenroom (tools/kind-smoke.sh runs it): the home
// page, the catalog with the sample entities, an entity page and a search, in Chromium.
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:8080';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(`smoke test failed: ${what}`);
  process.stdout.write(`ok  ${what}\n`);
};
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The sample catalog needs a moment to be reconciled after it is applied.
  for (let i = 0; i < 30 && !/components/.test((await (await page.goto(`${base}/`))?.text()) ?? ''); i++) await page.waitForTimeout(2000);
  check(/software catalog/.test((await page.locator('h1').textContent()) ?? ''), 'the home page shows the catalog');
  await page.goto(`${base}/catalog`);
  check((await page.locator('table.catalog tbody tr').count()) > 10, 'the catalog lists the sample entities');
  await page.goto(`${base}/search?q=checkout`);
  await page.click('.search-group .search-title >> nth=0');
  check(/\/catalog\//.test(page.url()), 'a search result opens its entity page');
  check((await (await fetch(`${base}/readyz`)).text()) === 'ok', '/readyz says ok');
  check(errors.length === 0, 'no script errors');
} finally {
  await browser.close();
}
