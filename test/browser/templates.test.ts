import { beforeAll, describe, expect, it } from '@jest/globals';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { browsers, pageOpener, SCREENSHOTS } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { operators } from '../support/operator.ts';
import { allowGitHost, finished, gitServers, templateNamespace } from '../support/template-runs.ts';

// The templates pages of a real operator (in-process executor, a real git server), seen
// through Debian's Chromium: from the form to the YAML, from kubectl to the run page.
const namespace = 'dashboard-templates';
const start = operators(namespace);
const browser = browsers();
const newGitServer = gitServers();
let base = '';
let git: GitServer;

beforeAll(async () => {
  await templateNamespace(namespace);
  git = await newGitServer();
  await allowGitHost(namespace, git.url);
  base = (await start({ templateExecutor: 'in-process' })).url;
});

const newPage = pageOpener(browser);

describe('the templates pages in Chromium', () => {
  it('when an engineer fills the form, copies the YAML into kubectl and opens the run, then the run page shows every step and the outputs', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/templates`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Templates/i);
    expect(await page.content()).toMatch(/Docs site|docs-site/i);
    await page.screenshot({ path: `${SCREENSHOTS}templates.png`, fullPage: true });

    await page.click('text=TypeScript HTTP service');
    await page.waitForURL(/\/templates\/dashboard-templates\/typescript-service$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('TypeScript HTTP service');

    // Fields in the author's order (ui:order), not the apiserver's sorted keys.
    expect(
      (await page.locator('form.parameters label').allTextContents()).map((l) => l.replace(/required/, '').trim()).slice(0, 3),
    ).toEqual(['Name', 'Description', 'Owner']);
    // First with a name that is not a name and no owner: the page says what to fix, at the field.
    await page.fill('input[name=name]', 'Shop Search');
    await page.click('button[type=submit]');
    await page.waitForURL(/_check=1/);
    expect(await page.locator('.field.invalid').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.problems-box').textContent()).toMatch(/problems? to fix/);
    expect(await page.locator('.run-yaml').count()).toBe(0);

    const remote = await git.createRepository('shop-search');
    await page.fill('input[name=name]', 'shop-search');
    await page.fill('input[name=owner]', 'team-storefront');
    await page.fill('input[name=system]', 'storefront');
    await page.fill('input[name=repoUrl]', remote);
    await page.click('button[type=submit]');
    await page.waitForSelector('.run-yaml pre');
    await page.screenshot({ path: `${SCREENSHOTS}template-form.png`, fullPage: true });
    const yaml = (await page.locator('.run-yaml pre').textContent())!;
    expect(yaml).toMatch(/kind: TemplateRun/);

    // The YAML as copied from the page is what kubectl creates.
    await kubectl(['create', '-f', '-'], yaml);
    const run = await finished(namespace, 'typescript-service-shop-search');
    expect(run.status?.phase).toBe('Succeeded');

    await page.goto(`${base}/templates/${namespace}/typescript-service`);
    await page.click('.runs >> text=typescript-service-shop-search');
    await page.waitForURL(/\/runs\/dashboard-templates\/typescript-service-shop-search$/);
    expect(await page.locator('h1 .badge').textContent()).toBe('Succeeded');
    const steps = await page.locator('table tbody tr').allTextContents();
    expect(steps.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^render Succeeded.*rendered 11 files/),
      expect.stringMatching(/^publish Succeeded.*pushed [0-9a-f]{12}/),
      expect.stringMatching(/^register Succeeded.*component:dashboard-templates\/shop-search/),
    ]);
    expect(await page.locator(`a[href="${remote}"]`).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}run.png`, fullPage: true });

    // The registered Component's page is one click away.
    await page.click(`a[href="/catalog/component/${namespace}/shop-search"] >> nth=0`);
    await page.waitForURL(/\/catalog\/component\/dashboard-templates\/shop-search$/);
    expect(await page.content()).toMatch(/team-storefront|Storefront/);
    expect(errors).toEqual([]);
  });

  it('when the run page is read on a narrow screen, then nothing scrolls sideways', async () => {
    const { page, errors } = await newPage(683);
    await page.goto(`${base}/runs/${namespace}/typescript-service-shop-search`);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}run-narrow.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
