// The Runtime tab against a real node: a Deployment bound to a Component is scaled up and
// down by the deployment controller and the kubelet, and a crashing container makes the
// kubelet record Warning Events, and the operator's tab (its informers, read model and
// page, served by a separate `greenroom operator` process as deployed) follows each step.
// What is asserted is what a reader sees: the tab's HTML, read through Chromium's DOM.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { installCrds } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { browsers } from '../support/browser.ts';
import { eventually } from '../support/operator.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';

const run = promisify(execFile);

// Starting the node takes 10–20 s warm (a first build of its binaries several minutes);
// each step below waits on pods and the kubelet's back-off, seconds to a minute each.
jest.setTimeout(15 * 60_000);

const namespace = 'shop';
const component = 'orders';
const PROBE_IMAGE = 'greenroom.local/probe:v1';
// Pods come and go on the kubelet's schedule (a readiness probe, a 10 s back-off): generous.
const POLL_MS = 120_000;

let cluster: ControlPlane;
let operator: OperatorProcess;
let page: Page;

// Registered before the cluster's afterAll, so the operator is stopped while its apiserver still answers.
const startOperator = operatorProcesses({
  get kubeconfig() {
    return cluster.kubeconfigPath;
  },
  namespace,
});
const browser = browsers();

async function kubectl(args: string[], input?: string): Promise<string> {
  const child = run(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, '-n', namespace, ...args], {
    maxBuffer: 16 << 20,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    return (await child).stdout;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || String(error)}`);
  }
}

/**
 * A Deployment bound to the Component by its label, on the Deployment (what the tab lists)
 * and on the Pod template (what binds its Pods), running the node's probe image.
 */
function deployment(name: string, container: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { 'greenroom.dev/component': component } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, 'greenroom.dev/component': component } },
        spec: {
          // A scaled-down replica is gone within a second, whatever the probe does with SIGTERM.
          terminationGracePeriodSeconds: 1,
          containers: [{ image: PROBE_IMAGE, imagePullPolicy: 'Never', ...container }],
        },
      },
    },
  });
}

// `probe serve` answers HTTP on :8080; the readiness probe is what makes a replica ready.
const ORDERS = deployment('orders', {
  name: 'orders',
  args: ['serve'],
  ports: [{ containerPort: 8080 }],
  readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
});
// `probe get URL` exits 1 when URL does not answer, and nothing listens on port 1 in the
// pod: the container fails at once, every time, and the kubelet backs off restarting it.
const WORKER = deployment('orders-worker', { name: 'worker', args: ['get', 'http://127.0.0.1:1/'] });

interface PodSeen {
  name: string;
  /** The phase badge: Running, Pending, Terminating… */
  phase: string;
  /** The first waiting container's reason, when one waits. */
  waiting?: string;
}
interface WorkloadSeen {
  /** `Kind/name`. */
  workload: string;
  /** The article's health class: ok, wait or bad. */
  health: string;
  /** The readiness badge, e.g. `3/3 ready`. */
  readiness: string;
  images: { repository: string; tag: string }[];
  pods: PodSeen[];
}
interface EventSeen {
  reason: string;
  /** What it regards, `Kind/name`. */
  object: string;
  message: string;
}
interface TabSeen {
  summary: string;
  /** The note naming what the reader's Kubernetes access leaves out, when there is one. */
  hidden?: string | undefined;
  workloads: WorkloadSeen[];
  events: EventSeen[];
}

const squash = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();
const textOf = async (locator: Locator): Promise<string> => squash(await locator.textContent());
const optionalText = async (locator: Locator): Promise<string | undefined> =>
  (await locator.count()) > 0 ? textOf(locator.first()) : undefined;

/** Loads the Component's Runtime tab and reads what it shows, by the page's structure (runtime.njk). */
async function readTab(): Promise<TabSeen> {
  const response = await page.goto(`${operator.url}/catalog/component/${namespace}/${component}/runtime`);
  if (response?.status() !== 200) throw new Error(`the Runtime tab answered ${response?.status()}`);
  const tab = page.locator('section.entity-runtime');
  if ((await tab.count()) !== 1) throw new Error('the page has no Runtime section');
  const workloads: WorkloadSeen[] = [];
  for (const article of await tab.locator('article.runtime-workload').all()) {
    const classes = ((await article.getAttribute('class')) ?? '').split(/\s+/);
    const images = [];
    for (const image of await article.locator('ul.runtime-images > li').all())
      images.push({
        repository: await textOf(image.locator('code').first()),
        tag: (await optionalText(image.locator('.image-tag'))) ?? '',
      });
    const pods: PodSeen[] = [];
    for (const row of await article.locator('table.runtime-pods > tbody > tr').all()) {
      const waiting = await optionalText(row.locator('.pod-waiting > strong'));
      pods.push({
        name: await textOf(row.locator('td:first-child > code')),
        phase: await textOf(row.locator('td:nth-child(2) .badge')),
        ...(waiting ? { waiting } : {}),
      });
    }
    workloads.push({
      workload: (await article.getAttribute('data-workload')) ?? '',
      health: classes.find((c) => c !== 'runtime-workload') ?? '',
      readiness: await textOf(article.locator('h3 .badge')),
      images,
      pods,
    });
  }
  const events: EventSeen[] = [];
  for (const item of await tab.locator('ul.runtime-events > li').all())
    events.push({
      reason: await textOf(item.locator('strong').first()),
      object: await textOf(item.locator('code').first()),
      message: await textOf(item.locator('.detail')),
    });
  return {
    summary: (await optionalText(tab.locator('.runtime-summary'))) ?? '',
    hidden: await optionalText(tab.locator('.runtime-hidden')),
    workloads,
    events,
  };
}

/** Polls the tab until `accept` takes what it shows; the failure names the last tab seen and the operator's log. */
async function tabUntil(what: string, accept: (tab: TabSeen) => boolean): Promise<TabSeen> {
  let last: TabSeen | undefined;
  try {
    return await eventually(
      what,
      async () => {
        last = await readTab();
        return accept(last) ? last : undefined;
      },
      POLL_MS,
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- last tab seen ---\n${JSON.stringify(last, null, 2)}\n--- operator log ---\n${operator.logTail()}`,
    );
  }
}

const workloadOf = (tab: TabSeen, name: string) => tab.workloads.find((w) => w.workload === `Deployment/${name}`);

/** The names of the Deployment's pods as the apiserver lists them, sorted. */
async function podsOf(app: string): Promise<string[]> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])) as { items: { metadata: { name: string } }[] };
  return list.items.map((p) => p.metadata.name).sort();
}

beforeAll(async () => {
  cluster = await startControlPlane({ node: true, log: (line) => process.stderr.write(`${line}\n`) });
  const node = cluster.node;
  if (!node) throw new Error('startControlPlane({ node: true }) returned no node');
  await node.importImage(join(node.binaries.images, 'probe.tar'), 'greenroom.local/probe');
  // The CRDs as the chart and the demo install them.
  await installCrds(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }), fileURLToPath(new URL('../../crds/', import.meta.url)));
  await run(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, 'create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-f', '-'],
    [
      { kind: 'Group', metadata: { name: 'team-orders' }, spec: { type: 'team' } },
      { kind: 'Component', metadata: { name: component }, spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' } },
    ]
      .map((o) => JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', ...o }))
      .join('\n---\n'),
  );
  // --auth none (the default): anonymous and read-only, so the test reads pages as anyone would.
  operator = await startOperator('runtime-tab');
  // Without scripts: the tab's live script swaps its section every few seconds, and each read
  // here is of one server render, as a reader reloading the tab sees it.
  page = await (await browser()).newPage({ javaScriptEnabled: false });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('the Runtime tab of a Component whose workloads run on a real node', () => {
  it('when a Deployment labelled for the Component runs one replica, then the tab shows it 1/1 ready with its image and tag and its Running pod', async () => {
    await kubectl(['apply', '-f', '-'], ORDERS);
    const tab = await tabUntil('orders 1/1 ready with a Running pod', (t) => {
      const orders = workloadOf(t, 'orders');
      return orders?.readiness === '1/1 ready' && orders.pods.length === 1 && orders.pods[0]?.phase === 'Running';
    });
    const orders = workloadOf(tab, 'orders');
    expect(orders).toMatchObject({ health: 'ok', images: [{ repository: 'greenroom.local/probe', tag: 'v1' }] });
    expect(orders?.pods.map((p) => p.name)).toEqual(await podsOf('orders'));
    // No assertion on Events here: a readiness probe that ran before the server listened may have left an Unhealthy Warning.
    expect(tab.summary).toMatch(/^1 workload, all ready\./);
    // --auth none: no person, so no Kubernetes access of theirs leaves anything out.
    expect(tab.hidden).toBeUndefined();
  });

  it('when it is scaled to 3, then 3/3 ready and three Running pods; when scaled back to 1, then 1/1 and the others are gone', async () => {
    await kubectl(['scale', 'deployment', 'orders', '--replicas=3']);
    const up = await tabUntil('orders 3/3 ready with three Running pods', (t) => {
      const orders = workloadOf(t, 'orders');
      return orders?.readiness === '3/3 ready' && orders.pods.length === 3 && orders.pods.every((p) => p.phase === 'Running');
    });
    const three = workloadOf(up, 'orders')?.pods.map((p) => p.name) ?? [];
    expect(three).toEqual(await podsOf('orders'));
    expect(workloadOf(up, 'orders')?.health).toBe('ok');

    await kubectl(['scale', 'deployment', 'orders', '--replicas=1']);
    // On the way the removed pods may show as Terminating; the tab settles once they are deleted.
    const down = await tabUntil('orders 1/1 ready with one Running pod and no other', (t) => {
      const orders = workloadOf(t, 'orders');
      return orders?.readiness === '1/1 ready' && orders.pods.length === 1 && orders.pods[0]?.phase === 'Running';
    });
    const kept = workloadOf(down, 'orders')?.pods.map((p) => p.name) ?? [];
    expect(three).toEqual(expect.arrayContaining(kept));
    expect(kept).toEqual(await podsOf('orders'));
    expect(workloadOf(down, 'orders')?.health).toBe('ok');
  });

  it("when a second Deployment labelled for it crash-loops, then the tab marks it failing, shows its pod waiting in CrashLoopBackOff and the kubelet's BackOff Warning about that pod", async () => {
    await kubectl(['apply', '-f', '-'], WORKER);
    const tab = await tabUntil('orders-worker waiting in CrashLoopBackOff with a BackOff Warning about its pod', (t) => {
      const pod = workloadOf(t, 'orders-worker')?.pods[0];
      return pod?.waiting === 'CrashLoopBackOff' && t.events.some((e) => e.reason === 'BackOff' && e.object === `Pod/${pod.name}`);
    });
    const worker = workloadOf(tab, 'orders-worker');
    const [pod] = worker?.pods ?? [];
    expect(pod?.name).toEqual((await podsOf('orders-worker'))[0]);
    expect(worker?.health).toBe('bad');
    expect(worker?.readiness).toBe('0/1 ready');
    // Failing workloads come first, and the summary counts them.
    expect(tab.workloads.map((w) => w.workload)).toEqual(['Deployment/orders-worker', 'Deployment/orders']);
    expect(tab.summary).toMatch(/^2 workloads, 1 failing\./);
    const backOff = tab.events.find((e) => e.reason === 'BackOff' && e.object === `Pod/${pod?.name}`);
    expect(backOff?.message).toMatch(/^Back-off restarting failed container worker in pod /);
    expect(backOff?.message).toContain(pod?.name);
    // The crash loop is the worker's alone: orders stays ready.
    expect(workloadOf(tab, 'orders')).toMatchObject({ health: 'ok', readiness: '1/1 ready' });
  });
});
