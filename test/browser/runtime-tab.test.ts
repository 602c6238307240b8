import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { RunningOperator } from '../../src/operator/run.ts';
import { browsers, pageOpener, SCREENSHOTS, sidewaysOverflow } from '../support/browser.ts';
import { kubectl, yaml } from '../support/kubectl.ts';
import { apply, eventually, operators } from '../support/operator.ts';
import { podOf, runningPod, writeStatus } from '../support/played-workloads.ts';

// The Runtime tab of a Component in Chromium, against a real operator and apiserver: a
// Deployment whose Pods run, a StatefulSet whose one Pod crash-loops with a Warning Event
// about it, the page following a scale-up without being reloaded (runtime-live.js), and the
// empty state of a Component nothing is bound to. As in test/integration/runtime-tab.test.ts,
// the control plane runs no ReplicaSet/StatefulSet controller and no kubelet: the test creates
// the Pods itself, with the labels of the workload's Pod template, and writes the statuses the
// controllers and the kubelet would (`kubectl patch --subresource=status`).
const namespace = 'runtime-browser';
const start = operators(namespace);
const browser = browsers();
const newPage = pageOpener(browser);
const IMAGE = 'registry.example.com/shop/orders:1.4.2';
const DB_IMAGE = 'registry.example.com/shop/postgres:16.3';

const bound = { 'greenroom.dev/component': 'orders' };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'orders', namespace, labels: bound },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders' } },
    template: {
      metadata: { labels: { app: 'orders', ...bound } },
      spec: { containers: [{ name: 'orders', image: IMAGE }] },
    },
  },
};
const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'orders-db', namespace, labels: bound },
  spec: {
    replicas: 1,
    serviceName: 'orders-db',
    selector: { matchLabels: { app: 'orders-db' } },
    template: {
      metadata: { labels: { app: 'orders-db', ...bound } },
      spec: { containers: [{ name: 'postgres', image: DB_IMAGE }] },
    },
  },
};

const status = (kind: string, name: string, value: object) => writeStatus(namespace, kind, name, value);
const running = (name: string) => status('pod', name, runningPod('orders', IMAGE));
const CRASH_MESSAGE = 'back-off 5m0s restarting failed container=postgres pod=orders-db-0';
const crashLooping = (name: string) =>
  status('pod', name, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: [
      {
        name: 'postgres',
        ready: false,
        restartCount: 7,
        image: DB_IMAGE,
        imageID: '',
        started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: CRASH_MESSAGE } },
        lastState: {
          terminated: { exitCode: 1, reason: 'Error', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() },
        },
      },
    ],
  });
const deploymentReady = (n: number) =>
  status('deployment', 'orders', { observedGeneration: 1, replicas: n, readyReplicas: n, updatedReplicas: n, availableReplicas: n });

let operator: RunningOperator;
const tab = (name: string) => `${operator.url}/catalog/component/${namespace}/${name}/runtime`;
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const card = (page: Page, id: string) => page.locator(`[data-workload="${id}"]`);
const podNames = (page: Page, id: string) => card(page, id).locator('table.runtime-pods tbody tr td:first-child code').allTextContents();

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await apply(
    namespace,
    { kind: 'Group', name: 'shop', spec: { type: 'team' } },
    { kind: 'Component', name: 'orders', spec: { type: 'service', lifecycle: 'production', owner: 'shop' } },
    { kind: 'Component', name: 'invoices', spec: { type: 'service', lifecycle: 'experimental', owner: 'shop' } },
  );
  operator = await start();

  await kubectl(['apply', '-f', '-'], yaml(deployment, statefulSet));
  await kubectl(
    ['create', '-f', '-'],
    yaml(podOf(deployment, 'orders-a'), podOf(deployment, 'orders-b'), podOf(statefulSet, 'orders-db-0')),
  );
  for (const name of ['orders-a', 'orders-b']) await running(name);
  await crashLooping('orders-db-0');
  await deploymentReady(2);
  await status('statefulset', 'orders-db', {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 0,
    currentReplicas: 1,
    updatedReplicas: 1,
    availableReplicas: 0,
  });
  const uid = (await kubectl(['get', 'pod', 'orders-db-0', '-n', namespace, '-o', 'jsonpath={.metadata.uid}'])).trim();
  await kubectl(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'orders-db-0.backoff', namespace },
      // events.k8s.io/v1 wants microseconds.
      eventTime: new Date().toISOString().replace('Z', '000Z'),
      reportingController: 'kubelet',
      reportingInstance: 'node-a',
      action: 'Restarting',
      type: 'Warning',
      reason: 'BackOff',
      note: 'Back-off restarting failed container postgres in pod orders-db-0',
      regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name: 'orders-db-0', uid },
    }),
  );
  // The operator's informers have it all before a browser opens the tab.
  await eventually('the workloads, Pods and warning on the tab', async () => {
    const html = await (await fetch(tab('orders'))).text();
    return html.includes('2/2 ready') && html.includes('CrashLoopBackOff') && html.includes('Recent warnings') ? html : undefined;
  });
}, 180_000);

describe('the Runtime tab in Chromium', () => {
  it('when a Component is opened, then its tab bar has a Runtime tab; a Group has none', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${operator.url}/catalog/component/${namespace}/orders`);
    const runtimeLink = page.locator('nav.tabs a[data-tab=runtime]');
    expect(await runtimeLink.count()).toBe(1);
    expect((await runtimeLink.textContent())?.trim()).toMatch(/^Runtime/);
    await runtimeLink.click();
    await page.waitForURL(/\/catalog\/component\/runtime-browser\/orders\/runtime$/);
    expect(await page.locator('nav.tabs a[aria-current=page]').getAttribute('data-tab')).toBe('runtime');

    await page.goto(`${operator.url}/catalog/group/${namespace}/shop`);
    expect(await page.locator('nav.tabs a').count()).toBeGreaterThan(0);
    expect(await page.locator('nav.tabs a[data-tab=runtime]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('when a StatefulSet crash-loops beside a ready Deployment, then it is listed first and failing, with the waiting reason and the BackOff warning', async () => {
    const { page, errors } = await newPage();
    await page.goto(tab('orders'));
    expect(await text(page, '.runtime-summary')).toMatch(/^2 workloads, 1 failing\./);

    // Failing first: the StatefulSet, then the Deployment.
    expect(await page.locator('[data-workload]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-workload')))).toEqual([
      'StatefulSet/orders-db',
      'Deployment/orders',
    ]);
    const db = card(page, 'StatefulSet/orders-db');
    expect(await db.getAttribute('class')).toMatch(/\bbad\b/);
    expect(await text(page, '[data-workload="StatefulSet/orders-db"] h3')).toBe('StatefulSet orders-db 0/1 ready');
    expect(await db.locator('h3 .badge').getAttribute('class')).toMatch(/\bbad\b/);
    expect(await text(page, '[data-workload="StatefulSet/orders-db"] .runtime-facts')).toMatch(/7 restarts/);
    expect(await podNames(page, 'StatefulSet/orders-db')).toEqual(['orders-db-0']);
    const waiting = db.locator('.pod-waiting');
    expect(await waiting.locator('strong').textContent()).toBe('CrashLoopBackOff');
    expect(await waiting.textContent()).toContain('in postgres');
    expect(await waiting.locator('.detail').textContent()).toBe(CRASH_MESSAGE);
    const dbRow = db.locator('table.runtime-pods tbody tr');
    expect(await dbRow.locator('td').allTextContents()).toEqual([
      expect.stringContaining('orders-db-0'),
      'Running',
      '0/1',
      '7',
      '—',
      expect.any(String),
    ]);

    const orders = card(page, 'Deployment/orders');
    expect(await orders.getAttribute('class')).toMatch(/\bok\b/);
    expect(await text(page, '[data-workload="Deployment/orders"] h3')).toBe('Deployment orders 2/2 ready');
    expect(await orders.locator('.runtime-images code').textContent()).toBe('registry.example.com/shop/orders');
    expect(await orders.locator('.runtime-images .image-tag').textContent()).toBe('1.4.2');
    expect(await podNames(page, 'Deployment/orders')).toEqual(['orders-a', 'orders-b']);
    expect(await orders.locator('table.runtime-pods tbody tr td:nth-child(2)').allTextContents()).toEqual(['Running', 'Running']);

    const warnings = page.getByRole('heading', { name: 'Recent warnings' });
    expect(await warnings.isVisible()).toBe(true);
    const warning = page.locator('.runtime-events li');
    expect(await warning.count()).toBe(1);
    expect(await warning.locator('strong').textContent()).toBe('BackOff');
    expect(await warning.locator('code').textContent()).toBe('Pod/orders-db-0');
    expect(await warning.locator('.detail').textContent()).toBe('Back-off restarting failed container postgres in pod orders-db-0');

    await page.screenshot({ path: `${SCREENSHOTS}runtime.png`, fullPage: true });
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('when the window is half a laptop or a phone wide, then the tab fits without sideways scrolling and each card holds its Pods', async () => {
    for (const width of [683, 390]) {
      const { page } = await newPage(width);
      await page.goto(tab('orders'));
      await page.screenshot({ path: `${SCREENSHOTS}runtime-narrow-${width}.png`, fullPage: true });
      expect(`${width}: ${await sidewaysOverflow(page)}`).toBe(`${width}: 0`);
      // How far each workload's content reaches past its card's right edge (its Pod table included).
      const pastCard = await page.locator('[data-workload]').evaluateAll((cards) =>
        cards.map((c) => {
          const right = c.getBoundingClientRect().right;
          const furthest = Math.max(...Array.from(c.querySelectorAll('*')).map((e) => e.getBoundingClientRect().right));
          return `${c.getAttribute('data-workload')}: ${Math.max(0, Math.ceil(furthest - right))}`;
        }),
      );
      expect(pastCard).toEqual(['StatefulSet/orders-db: 0', 'Deployment/orders: 0']);
      // At a phone's width the Pods keep their name, phase, restarts and why one waits.
      const db = card(page, 'StatefulSet/orders-db');
      expect(await db.locator('.pod-waiting strong').isVisible()).toBe(true);
      expect(await db.locator('table.runtime-pods thead th:visible').allTextContents()).toEqual(
        width === 390 ? ['Pod', 'Phase', 'Restarts'] : ['Pod', 'Phase', 'Ready', 'Restarts', 'Age'],
      );
    }
  });

  it('when the Deployment is scaled up while the tab is open, then the page shows 3/3 ready and three Pods without being reloaded', async () => {
    const { page, errors } = await newPage();
    await page.goto(tab('orders'));
    expect(await text(page, '[data-workload="Deployment/orders"] h3')).toBe('Deployment orders 2/2 ready');
    // Set on this document: a reload or a navigation would lose it.
    await page.evaluate(() => {
      (globalThis as unknown as { __marker?: number }).__marker = 1;
    });
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);

    await kubectl(['scale', 'deployment/orders', '-n', namespace, '--replicas=3']);
    await kubectl(['create', '-f', '-'], JSON.stringify(podOf(deployment, 'orders-c')));
    await running('orders-c');
    await deploymentReady(3);

    // runtime-live.js polls every 5 s: give it a few rounds.
    await page.locator('[data-workload="Deployment/orders"] h3', { hasText: '3/3 ready' }).waitFor({ timeout: 20_000 });
    expect(await podNames(page, 'Deployment/orders')).toEqual(['orders-a', 'orders-b', 'orders-c']);
    expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(1);
    expect(navigations).toBe(0);
    // The rest of the section came along unchanged.
    expect(await page.locator('[data-workload]').first().getAttribute('data-workload')).toBe('StatefulSet/orders-db');
    expect(await page.locator('.runtime-events li strong').textContent()).toBe('BackOff');
    await page.screenshot({ path: `${SCREENSHOTS}runtime-live.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('when nothing is bound to a Component, then the tab shows the labels that would bind a workload', async () => {
    const { page, errors } = await newPage();
    await page.goto(tab('invoices'));
    expect(await page.locator('[data-workload]').count()).toBe(0);
    expect(await text(page, '.empty-inline p')).toBe(
      `No Deployment or StatefulSet in ${namespace} is bound to invoices. Label the workload and its Pod template with the entity's name:`,
    );
    const snippet = (await page.locator('.empty-inline pre.snippet').textContent()) ?? '';
    expect(snippet).toContain(`namespace: ${namespace}`);
    expect(snippet.match(/labels: \{greenroom\.dev\/component: invoices\}/g)).toHaveLength(2);
    expect(await page.getByRole('heading', { name: 'Recent warnings' }).count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}runtime-empty.png`, fullPage: true });
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  });
});
