import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningOperator } from '../../src/operator/run.ts';
import { kubectl, yaml } from '../support/kubectl.ts';
import { apply, eventually, operators } from '../support/operator.ts';
import { podOf, runningPod, writeStatus } from '../support/played-workloads.ts';
import { LOOPBACK_PROXY_AUTH } from '../support/proxy-auth.ts';

// The Runtime tab against the real apiserver (no ReplicaSet controller or kubelet here: the
// test creates the Pods and writes their statuses; the real-node test,
// test/node/runtime-tab.test.ts, runs real ones and scales them). Two people read the same
// Component: one may list Pods and Events in its namespace, the other only Deployments.
const namespace = 'runtime-tab';
const ops = { 'X-Forwarded-User': 'ops' };
const viewer = { 'X-Forwarded-User': 'viewer' };

const role = (name: string, rules: object[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
const binding = (name: string, user: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `proxy:${user}` }],
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
});
const readsCatalog = { apiGroups: ['greenroom.dev'], resources: ['components', 'groups'], verbs: ['get', 'list'] };
const readsWorkloads = { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list'] };

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'orders', namespace, labels: { 'greenroom.dev/component': 'orders' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders' } },
    template: {
      metadata: { labels: { app: 'orders', 'greenroom.dev/component': 'orders' } },
      spec: { containers: [{ name: 'orders', image: 'registry.example.com/shop/orders:1.4.2' }] },
    },
  },
};

const pod = (name: string) => podOf(deployment, name);
const status = (kind: string, name: string, value: object) => writeStatus(namespace, kind, name, value);
const running = (name: string) => status('pod', name, runningPod('orders', deployment.spec.template.spec.containers[0]!.image));

// Argo CD's Application, as far as the tab reads it: the real CRD's names, its schema left open.
const ARGO_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'applications.argoproj.io' },
  spec: {
    group: 'argoproj.io',
    scope: 'Namespaced',
    names: { kind: 'Application', plural: 'applications', singular: 'application', listKind: 'ApplicationList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

const start = operators(namespace);
let operator: RunningOperator;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-f', '-'],
    yaml(
      role('runtime-ops', [
        readsCatalog,
        readsWorkloads,
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list'] },
        { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['list'] },
      ]),
      binding('runtime-ops', 'ops'),
      role('runtime-viewer', [readsCatalog, readsWorkloads]),
      binding('runtime-viewer', 'viewer'),
    ),
  );
  await apply(
    namespace,
    { kind: 'Group', name: 'shop', spec: { type: 'team' } },
    {
      kind: 'Component',
      name: 'orders',
      annotations: { 'argocd/app-name': 'orders-prod' },
      spec: { type: 'service', lifecycle: 'production', owner: 'shop' },
    },
  );
  // The CRD before the operator: it discovers the delivery kinds the cluster serves when it starts.
  await kubectl(['apply', '-f', '-'], JSON.stringify(ARGO_CRD));
  await kubectl(['wait', '--for=condition=Established', 'crd/applications.argoproj.io', '--timeout=30s']);
  operator = await start({ auth: LOOPBACK_PROXY_AUTH, accessCacheSeconds: 1 });
});

afterAll(async () => {
  await kubectl(['delete', 'crd', 'applications.argoproj.io', '--wait=false']);
});

async function tab(headers: Record<string, string>): Promise<{ status: number; html: string }> {
  const res = await fetch(`${operator.url}/catalog/component/${namespace}/orders/runtime`, { headers });
  return { status: res.status, html: await res.text() };
}

/** The HTML of one workload's card on the tab, or undefined when the tab has none for it. */
function workloadCard(html: string, id: string): string | undefined {
  const at = html.indexOf(`data-workload="${id}"`);
  if (at < 0) return undefined;
  const end = html.indexOf('</article>', at);
  return html.slice(at, end);
}
const podNames = (card: string): string[] => [...card.matchAll(/<tr class="\w+">\s*<td><code>([^<]+)<\/code>/g)].map((m) => m[1]!);

describe('the Runtime tab of a Component (real apiserver)', () => {
  it('when nothing is bound yet, then the tab says which labels bind a workload', async () => {
    const { status, html } = await tab(ops);
    expect(status).toBe(200);
    expect(html).toContain('No Deployment or StatefulSet in <code>runtime-tab</code> is bound to orders');
    expect(html).toContain('greenroom.dev/component: orders');
  });

  it('when its Deployment and Pods come and go and report status, then the tab follows the replicas, the image tag and the Pods', async () => {
    await kubectl(['apply', '-f', '-'], JSON.stringify(deployment));
    // No ReplicaSet controller or kubelet on this control plane: the test creates the Pods and
    // writes the statuses they would (the real-node test runs real ones).
    await kubectl(['create', '-f', '-'], yaml(pod('orders-a'), pod('orders-b')));
    const two = await eventually('the Deployment and its two Pods on the tab', async () => {
      const card = workloadCard((await tab(ops)).html, 'Deployment/orders');
      return card && podNames(card).length === 2 ? card : undefined;
    });
    expect(two).toContain('0/2 ready');
    expect(two).toContain('registry.example.com/shop/orders</code> <span class="image-tag">1.4.2</span>');
    expect(podNames(two)).toEqual(['orders-a', 'orders-b']);
    expect(two).toContain('Pending');

    for (const name of ['orders-a', 'orders-b']) await running(name);
    await status('deployment', 'orders', { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    const ready = await eventually('both Pods running and the Deployment ready', async () => {
      const card = workloadCard((await tab(ops)).html, 'Deployment/orders');
      return card?.includes('2/2 ready') && !card.includes('Pending') ? card : undefined;
    });
    expect(ready).toContain('badge ok');

    await kubectl(['scale', 'deployment/orders', '-n', namespace, '--replicas=1']);
    await kubectl(['delete', 'pod', 'orders-b', '-n', namespace, '--wait=false']);
    await status('deployment', 'orders', { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    const one = await eventually('one Pod', async () => {
      const card = workloadCard((await tab(ops)).html, 'Deployment/orders');
      return card?.includes('1/1 ready') && podNames(card).length === 1 ? card : undefined;
    });
    expect(podNames(one)).toEqual(['orders-a']);
  });

  it('when a Warning Event is recorded about its Pod, then the tab lists it under recent warnings; a Normal one never', async () => {
    const pod = JSON.parse(await kubectl(['get', 'pod', 'orders-a', '-n', namespace, '-o', 'json'])).metadata as {
      name: string;
      uid: string;
    };
    const event = (name: string, type: string, reason: string, note: string) => ({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: new Date().toISOString().replace('Z', '000Z'),
      reportingController: 'kubelet',
      reportingInstance: 'node-a',
      action: 'Pulling',
      type,
      reason,
      note,
      regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.name, uid: pod.uid },
    });
    await kubectl(
      ['create', '-f', '-'],
      yaml(
        event('orders-backoff', 'Warning', 'BackOff', 'Back-off restarting failed container orders'),
        event('orders-pulled', 'Normal', 'Pulled', 'Successfully pulled image'),
      ),
    );
    const html = await eventually('the warning on the tab', async () => {
      const page = (await tab(ops)).html;
      return page.includes('Recent warnings') ? page : undefined;
    });
    expect(html).toContain(`<strong>BackOff</strong> <code>Pod/${pod.name}</code>`);
    expect(html).toContain('Back-off restarting failed container orders');
    expect(html).not.toContain('Pulled');
  });

  it('when Argo CD delivers it (an Application named by its argocd/app-name annotation), then the tab shows the Application degraded and why', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'orders-prod', namespace },
        spec: {
          project: 'default',
          destination: { namespace },
          source: { repoURL: 'https://git.example.com/shop/orders', path: 'deploy' },
        },
      }),
    );
    await status('application.argoproj.io', 'orders-prod', {
      health: { status: 'Degraded', message: 'Deployment orders exceeded its progress deadline' },
      sync: { status: 'Synced' },
    });
    const html = await eventually('the Application on the tab', async () => {
      const page = (await tab(ops)).html;
      return page.includes('Degraded') ? page : undefined;
    });
    expect(html).toContain(`Application <code>${namespace}/orders-prod</code> <span class="badge bad">Degraded</span>`);
    expect(html).toContain('Deployment orders exceeded its progress deadline');
  });

  it('when a person may list the Deployment but not Pods or Events, then the tab shows the Deployment alone and says what it leaves out', async () => {
    const { status, html } = await tab(viewer);
    expect(status).toBe(200);
    const card = workloadCard(html, 'Deployment/orders');
    expect(card).toContain('1/1 ready');
    expect(podNames(card!)).toEqual([]);
    expect(html).toContain('Not shown: pods, events');
    expect(html).not.toContain('BackOff');
    expect(html).not.toContain('orders-prod');
    // Someone who may not read the Component gets no page at all.
    expect((await tab({ 'X-Forwarded-User': 'stranger' })).status).toBe(404);
  });
});
