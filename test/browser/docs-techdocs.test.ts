import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { browsers, pageOpener, SCREENSHOTS } from '../support/browser.ts';
import { publishCopy } from '../support/published-dirs.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// A TechDocs repository (test/fixtures/techdocs-monorepo, the one MkDocs is compared with)
// served by a real operator from a real git server, read in Debian's Chromium: the Mermaid
// diagram drawn at build time, content tabs switched without script, footnotes, task lists
// and an included site's section — all under the dashboard's CSP, which reports any refusal
// as a console error.
const namespace = 'docs-techdocs';
const start = operators(namespace);
const browser = browsers();
const newDir = tempDirs('techdocs-browser-');
let server: GitServer;
let base = '';
const site = `/docs/${namespace}/platform-docs`;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  server = await startGitServer();
  const url = await publishCopy(server, 'platform-docs', new URL('../fixtures/techdocs-monorepo/', import.meta.url), newDir());
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: payments-platform}\nspec: {type: service, lifecycle: production, owner: team-payments}\n',
      `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: platform-docs}\nspec: {entityRef: payments-platform, source: {git: {url: "${url}"}}}\n`,
    ].join('---\n'),
  );
  base = (await start()).url;
  await eventually('the docs to be served', async () => ((await fetch(`${base}${site}`)).status === 200 ? true : undefined), 60_000);
});
afterAll(async () => server?.stop());

const newPage = pageOpener(browser);

describe('TechDocs pages in Chromium', () => {
  it('when the home page is read, then the Mermaid diagram shows as a drawn image of the site', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}${site}`);
    const diagram = page.locator('.docs-body figure.mermaid img');
    await diagram.scrollIntoViewIfNeeded();
    await page.waitForFunction('document.querySelector(".docs-body figure.mermaid img").complete');
    expect(await diagram.getAttribute('src')).toMatch(new RegExp(`^${site}/_assets/\\.generated/diagrams/[0-9a-f]{16}\\.svg$`));
    const size = await diagram.evaluate((img: unknown) => (img as { naturalWidth: number; naturalHeight: number }).naturalWidth);
    expect(size).toBeGreaterThan(100);
    // The drawing names the diagram's nodes: it is this diagram, not a placeholder.
    const svg = await (await fetch(`${base}${await diagram.getAttribute('src')}`)).text();
    expect(svg).toMatch(/Auth service[\s\S]*Ledger service/);
    await page.locator('#how-a-payment-flows').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}docs-mermaid.png` });
    expect(errors).toEqual([]);
  });

  it('when a reader clicks a tab, then its content shows and the others hide, with no script', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}${site}`);
    const blocks = page.locator('.tabbed-set .tabbed-block');
    expect(await blocks.count()).toBe(3);
    await expect(blocks.nth(0).isVisible()).resolves.toBe(true);
    await expect(blocks.nth(1).isVisible()).resolves.toBe(false);
    await page.click('.tabbed-labels label:has-text("Libraries")');
    await expect(blocks.nth(0).isVisible()).resolves.toBe(false);
    await expect(blocks.nth(1).isVisible()).resolves.toBe(true);
    expect(await blocks.nth(1).textContent()).toMatch(/payments\.client/);
    // Keyboard: the radio group moves to the next tab with an arrow key.
    await page.keyboard.press('ArrowRight');
    await expect(blocks.nth(2).isVisible()).resolves.toBe(true);
    await page.click('.tabbed-labels label:has-text("Libraries")');
    await page.locator('.tabbed-set').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}docs-tabs.png` });
    expect(errors).toEqual([]);
  });

  it('when a reader follows a footnote, then the note is shown and links back', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}${site}`);
    await page.click('.docs-body sup.footnote-ref a');
    await page.waitForURL(/#fn:minor$/);
    const note = page.locator('li[id="fn:minor"]');
    expect(await note.textContent()).toMatch(/Cents for USD/);
    expect(await note.isVisible()).toBe(true);
    // The checklist above it shows ticked and open items a reader cannot change.
    expect(await page.locator('.task-list-item input:checked').count()).toBe(2);
    expect(await page.locator('.task-list-item input:not([disabled])').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}docs-footnote.png` });
    await page.click('li[id="fn:minor"] .footnote-backref');
    await page.waitForURL(/#fnref:minor$/);
    expect(errors).toEqual([]);
  });

  it('when a reader reads a code block, then its lines are numbered beside the code, not in it, and the marked line stands out', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}${site}/user-guide/installing`);
    const block = page.locator('.docs-body span.filename + pre code');
    await block.scrollIntoViewIfNeeded();
    const lines = block.locator('.line');
    expect(await lines.count()).toBe(2);
    // The numbers are drawn by the stylesheet from data-line: shown, but not text a reader copies.
    const styleOf = (expression: string) =>
      page.evaluate(`[...document.querySelectorAll('.docs-body span.filename + pre code .line')].map((line) => ${expression})`);
    expect(await styleOf("getComputedStyle(line, '::before').content")).toEqual(['"1"', '"2"']);
    expect(await block.textContent()).toBe('endpoint: https://payments.example.com\nretries: 3\n');
    // hl_lines="2": the second line has a background the first does not.
    const [plain, marked] = (await styleOf('getComputedStyle(line).backgroundColor')) as string[];
    expect(plain).toBe('rgba(0, 0, 0, 0)');
    expect(marked).not.toBe(plain);
    await page.locator('.docs-body span.filename').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}docs-code-lines.png` });
    expect(errors).toEqual([]);
  });

  it('when a reader opens an included site and a moved page, then the section and the redirect lead to the pages', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}${site}/getting-started`);
    await page.waitForURL(new RegExp(`${site}/user-guide/installing$`));
    await expect(page.locator('.docs-body h1').textContent()).resolves.toMatch(/Installing/);
    // The raw HTML image written relative to the page's URL shows.
    await page.waitForFunction('[...document.querySelectorAll(".docs-body img")].every((img) => img.complete)');
    const widths = await page
      .locator('.docs-body img')
      .evaluateAll((imgs: unknown[]) => imgs.map((img) => (img as { naturalWidth: number }).naturalWidth));
    expect(widths).toHaveLength(2);
    expect(widths.every((w) => w > 0)).toBe(true);
    // mkdocs.yml's repo_url and edit_uri give the page its edit link, as MkDocs makes it.
    expect(await page.locator('.docs-edit a').getAttribute('href')).toBe(
      'https://git.example.com/payments/platform/edit/main/docs/user-guide/installing.md',
    );
    await page.click('.docs-nav a:has-text("Auth service")');
    await page.waitForURL(new RegExp(`${site}/auth$`));
    await expect(page.locator('.docs-body h1').textContent()).resolves.toMatch(/Auth service/);
    // An included site's page links to its own file only on a GitHub or GitLab host; this git server is neither.
    expect(await page.locator('.docs-edit').count()).toBe(0);
    expect(await page.locator('.docs-nav').textContent()).toMatch(/Ledger service[\s\S]*Runbooks[\s\S]*Replaying a day[\s\S]*Accounts/);
    expect(errors).toEqual([]);
  });
});
