import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { browsers, pageOpener, SCREENSHOTS } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// The scorecard pages of a real operator on the real control plane, seen through Debian's
// Chromium: a team with two services, a three-level scorecard (one rule that does not
// compile, one exemption), a Deployment that lifts one service to gold, and an initiative.
const namespace = 'dashboard-scorecards';
const start = operators(namespace);
const browser = browsers();
let base = '';

const DAY_MS = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const get = async <T>(kind: string, name: string): Promise<T> =>
  JSON.parse(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json'])) as T;
interface Scored {
  status?: { scorecards?: { level: string }[] };
}
interface InitiativeJson {
  status?: { progress?: { total: number }; history?: { date: string; ratio: number }[] };
}

const objects = `apiVersion: greenroom.dev/v1alpha1
kind: Group
metadata: {name: team-orders}
spec: {type: team, title: Orders team}
---
apiVersion: greenroom.dev/v1alpha1
kind: Component
metadata: {name: orders}
spec: {type: service, lifecycle: production, owner: team-orders, title: Orders}
---
apiVersion: greenroom.dev/v1alpha1
kind: Component
metadata: {name: payments}
spec: {type: service, lifecycle: experimental, owner: team-orders, title: Payments}
---
apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: production-readiness}
spec:
  title: Production readiness
  description: What a service needs before it takes customer traffic.
  selector: {kinds: [Component], types: [service]}
  levels:
    - {name: bronze, title: Bronze, description: Known and owned.}
    - {name: silver, title: Silver, description: Ready for production.}
    - {name: gold, title: Gold, description: Runs redundantly on pinned images.}
  rules:
    - {name: has-owner, level: bronze, title: Has an owner, expression: "has(self.spec.owner)", description: Every service has an owner}
    - {name: production, level: silver, title: In production, expression: "self.spec.lifecycle == 'production'", description: Lifecycle is production, howToFix: Set spec.lifecycle to production once others depend on it}
    - {name: deployed, level: gold, title: Two ready replicas, expression: "facts.hasWorkload && facts.readyReplicas >= 2", description: Runs with at least two ready replicas, howToFix: Label the Deployment greenroom.dev/component and run two replicas}
    - {name: pinned-images, level: gold, title: Pinned images, expression: "!facts.latestTag", description: Images are pinned}
    - {name: documented, level: silver, title: Documented, expression: "self.spec.owner ==", description: Has docs}
  exemptions:
    - {entity: payments, rule: deployed, reason: Scaled to zero outside business hours, expires: "${day(60)}T00:00:00Z"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, labels: {greenroom.dev/component: orders}}
spec:
  replicas: 2
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec: {containers: [{name: orders, image: "registry.example/orders:1.4.2"}]}
---
apiVersion: greenroom.dev/v1alpha1
kind: Initiative
metadata: {name: silver-by-spring}
spec: {title: Every service silver, description: Every service in production shape., scorecard: production-readiness, targetLevel: silver, deadline: "${day(20)}T00:00:00Z"}
`;

const levelOf = (name: string, level: string) =>
  eventually(`${name} to reach level "${level}"`, async () =>
    (await get<Scored>('component', name)).status?.scorecards?.[0]?.level === level ? true : undefined,
  );

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-n', namespace, '-f', '-'], objects);
  // No kubelet runs here, for speed: the harness writes the status a deployment controller
  // would. test/node/chart.test.ts scores a real Deployment's ready replicas on a real node.
  await kubectl([
    'patch',
    'deployment',
    'orders',
    '-n',
    namespace,
    '--subresource=status',
    '--type=merge',
    '-p',
    '{"status":{"replicas":2,"readyReplicas":2,"availableReplicas":2}}',
  ]);
  base = (await start()).url;
  await levelOf('orders', 'gold');
  await levelOf('payments', 'bronze');
  // The operator records one point a day; a week of earlier points stands in for the days
  // this test cannot wait. It keeps the points it finds, so a patch it races is made again.
  const week = [0, 0, 0.5, 0.5, 0.5, 0.5].map((ratio, i) => ({ date: day(i - 6), ratio }));
  await eventually(
    'the initiative to have a week of history',
    async () => {
      const status = (await get<InitiativeJson>('initiative', 'silver-by-spring')).status;
      if (status?.progress?.total !== 2) return undefined;
      if ((status.history?.length ?? 0) >= 7) return true;
      await kubectl([
        'patch',
        'initiative',
        'silver-by-spring',
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { history: [...week, ...(status.history ?? [])] } }),
      ]);
      return undefined;
    },
    30_000,
  );
});

const newPage = pageOpener(browser);

/** The text of the first match as rendered (blocks and cells apart), white space collapsed. */
const text = async (scope: Page | Locator, selector: string): Promise<string> =>
  (await scope.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();

describe('the scorecard pages in Chromium', () => {
  it('when a reader opens Scorecards, then each scorecard shows its levels as a bar, rules worst first and the initiatives', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/`);
    await page.click('nav >> text=Scorecards');
    await page.waitForURL(/\/scorecards$/);
    await expect(text(page, 'h1')).resolves.toMatch(/^Scorecards 1 scorecard/);
    const card = page.locator('.scorecard-card', { hasText: 'Production readiness' });
    expect(await card.locator('.stack').getAttribute('aria-label')).toBe('Entities per level: Bronze: 1, Silver: 0, Gold: 1, no level: 0');
    const segments = card.locator('.stack > span');
    const classes: (string | null)[] = [];
    for (let i = 0; i < (await segments.count()); i++) classes.push(await segments.nth(i).getAttribute('class'));
    expect(classes).toEqual(['w-50 tier-1', 'w-50 tier-4']);
    const rules = (await card.locator('.rule-rates li').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rules[0]).toMatch(/^Documented Silver Does not compile/);
    expect(rules[1]).toMatch(/^In production Silver 50% \(1 of 2\)/);
    expect(rules.at(-1)).toMatch(/100%/);
    await expect(text(page, 'table.initiatives tbody tr')).resolves.toMatch(
      /^Every service silver Every service in production shape\. On track 50% \(1 of 2\) \S+ 20 days left Production readiness$/,
    );
    await page.screenshot({ path: `${SCREENSHOTS}scorecards.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('when a reader opens the scorecard, then levels list their rules with CEL, entities sort by score, and the broken rule shows where', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/scorecards`);
    await page.click('.scorecard-card h2 >> text=Production readiness');
    await page.waitForURL(new RegExp(`/scorecards/${namespace}/production-readiness$`));
    await expect(text(page, 'h1')).resolves.toBe('Production readiness Invalid rules');
    expect(await page.locator('.level-block h3 .badge').allTextContents()).toEqual(['Bronze', 'Silver', 'Gold']);
    const silver = page.locator('.level-block', { hasText: 'Ready for production' });
    expect(await silver.locator('pre.cel code').first().textContent()).toBe("self.spec.lifecycle == 'production'");
    await expect(text(silver, '.how-to-fix')).resolves.toBe('How to fix: Set spec.lifecycle to production once others depend on it');
    await expect(text(page, '.invalid-rules li')).resolves.toMatch(/^documented at position \d+/);
    expect(await page.locator('.invalid-rules mark').count()).toBe(1);
    expect(
      await page
        .locator('table.exemptions tbody tr')
        .allTextContents()
        .then((rows) => rows.map((r) => r.replace(/\s+/g, ' ').trim())),
    ).toEqual([`Payments deployed Scaled to zero outside business hours ${day(60)}`]);

    const names = () => page.locator('table.scorecard-entities tbody td:first-child a').allTextContents();
    expect(await names()).toEqual(['Orders', 'Payments']);
    await page.click('table.scorecard-entities th >> text=Score');
    await page.waitForURL(/sort=score&dir=asc/);
    expect(await names()).toEqual(['Payments', 'Orders']);
    await expect(text(page, 'table.scorecard-entities tbody tr')).resolves.toMatch(/Payments Bronze 75 1/);
    // The sort link jumps to the table; the full-page shot starts from the top.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SCREENSHOTS}scorecard.png`, fullPage: true });

    await page.click('table.scorecard-entities >> text=Payments');
    await page.waitForURL(new RegExp(`/catalog/component/${namespace}/payments$`));
    // The results are on the entity's Scorecards tab, whose badge counts the failing rule.
    await expect(text(page, 'nav.tabs a[data-tab=scorecards]')).resolves.toMatch(
      /^Scorecards ?1 ?1 failing ?: 1 scorecard, 1 failing rule$/,
    );
    await page.click('nav.tabs a[data-tab=scorecards]');
    await page.waitForURL(new RegExp(`/catalog/component/${namespace}/payments/scorecards$`));
    const section = page.locator('section.entity-scorecards');
    await expect(text(section, 'h3')).resolves.toBe('Production readiness Bronze level 1 of 3');
    await expect(text(section, '.score')).resolves.toMatch(/^score 75 of 100/);
    const failing = (await section.locator('.problems li').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(failing).toEqual([
      'In production Silver Lifecycle is production How to fix: Set spec.lifecycle to production once others depend on it',
    ]);
    await section.screenshot({ path: `${SCREENSHOTS}entity-scorecards.png` });
    expect(errors).toEqual([]);
  });

  it('when a reader opens the initiative, then it shows phase, days left, owners, who is behind and a chart of the week', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/scorecards`);
    await page.click('table.initiatives >> text=Every service silver');
    await page.waitForURL(new RegExp(`/initiatives/${namespace}/silver-by-spring$`));
    await expect(text(page, 'h1')).resolves.toBe('Every service silver On track');
    await expect(text(page, '.facts')).resolves.toMatch(
      new RegExp(`Deadline ${day(20)} Time left 20 days left At target 1 of 2 \\(50%\\)`, 'i'),
    );
    await expect(text(page, 'table.by-owner tbody tr')).resolves.toMatch(/^Orders team 1 of 2 \(50%\) 1$/);
    expect(await page.locator('table.by-owner a').getAttribute('href')).toBe(`/catalog/group/${namespace}/team-orders`);
    await expect(text(page, '.behind li')).resolves.toMatch(/^Component Payments Bronze score 75 · Orders team failing: production/i);

    const chart = page.locator('svg.progress-chart');
    expect(await chart.locator('title').first().textContent()).toBe('Share of entities at target over time');
    expect(await chart.locator('desc').textContent()).toMatch(
      new RegExp(`over 7 days, from 0% on ${day(-6)} to 50% on ${day(0)}; deadline ${day(20)}`),
    );
    const points = ((await chart.locator('polyline.line').getAttribute('points')) ?? '').split(' ');
    expect(points).toHaveLength(7);
    // 0% sits on the axis, 50% halfway up; time runs left to right.
    const [first, last] = [points[0]!.split(',').map(Number), points[6]!.split(',').map(Number)];
    expect(first[1]).toBeGreaterThan(last[1]!);
    expect(first[0]).toBeLessThan(last[0]!);
    expect(await chart.locator('.axis-label').allTextContents()).toEqual(
      expect.arrayContaining(['0%', '50%', '100%', day(-6), `due ${day(20)}`]),
    );
    expect(await chart.locator('line.deadline').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}initiative.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('when the team opens its page, then failing rules of what it owns and the initiative due soon need attention', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/catalog/group/${namespace}/team-orders`);
    const attention = page.locator('section.team-attention');
    await expect(text(attention, 'h2')).resolves.toBe('Needs attention 2');
    await expect(text(attention, '.initiative-due')).resolves.toMatch(
      /^Every service silver On track · due \S+ · 20 days left Still behind here: Payments$/,
    );
    await expect(text(attention, 'article:not(.initiative-due)')).resolves.toMatch(
      /^Component Payments · 1 failing rule In production Silver on Production readiness Lifecycle is production How to fix:/i,
    );
    await attention.screenshot({ path: `${SCREENSHOTS}team-attention.png` });
    expect(errors).toEqual([]);
  });

  it('when each page is read on a split screen (683 px), then nothing scrolls sideways', async () => {
    const { page, errors } = await newPage(683);
    for (const path of [
      '/scorecards',
      `/scorecards/${namespace}/production-readiness`,
      `/initiatives/${namespace}/silver-by-spring`,
      `/catalog/component/${namespace}/payments`,
      `/catalog/group/${namespace}/team-orders`,
    ]) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
    }
    await page.goto(`${base}/initiatives/${namespace}/silver-by-spring`);
    await page.screenshot({ path: `${SCREENSHOTS}initiative-narrow.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/scorecards/${namespace}/production-readiness`);
    await page.screenshot({ path: `${SCREENSHOTS}scorecard-dark-narrow.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
