import { describe, expect, it } from '@jest/globals';
import { deliveryStatus, type DeliveryStatus } from '../../src/controllers/runtime-view/delivery.ts';
import { RuntimeIndex } from '../../src/controllers/runtime-view/runtime-index.ts';
import { entityRuntime } from '../../src/controllers/runtime-view/runtime-view.ts';
import { runtimeTab } from '../../src/http/ui/runtime-pages.ts';
import { runtimeFactRules } from '../../src/http/ui/scorecard-sections.ts';
import type { ScorecardObject } from '../../src/scorecards/store.ts';
import { component } from '../fixtures/entities.ts';
import { viewsEnvironment } from '../../src/http/views.ts';
import { COMPONENT_LABEL } from '../../src/scorecards/facts.ts';
import { at, pod, warning, workload } from '../support/runtime-objects.ts';

const env = viewsEnvironment();
const now = new Date(at(120));

function render(index: RuntimeIndex, delivery: DeliveryStatus[] = []): string {
  const tab = runtimeTab(entityRuntime(index, { namespace: 'shop', name: 'orders' }, now), delivery);
  return env.renderString(`{% include "${tab.template}" %}`, { runtime: tab });
}

function crashingOrders(note: string): RuntimeIndex {
  const index = new RuntimeIndex();
  index.update(
    'Deployment',
    'shop',
    'orders-api',
    workload({ name: 'orders-api', entity: 'orders', replicas: 2, ready: 1, images: ['ghcr.io/acme/orders:2.0.1'] }),
  );
  index.update(
    'Pod',
    'shop',
    'orders-api-a',
    pod({ name: 'orders-api-a', app: 'orders-api', entity: 'orders', restarts: [7], waiting: { reason: 'CrashLoopBackOff' } }),
  );
  index.update('Pod', 'shop', 'orders-api-b', pod({ name: 'orders-api-b', app: 'orders-api', entity: 'orders', node: 'node-b' }));
  index.update(
    'Event',
    'shop',
    'e1',
    warning({ name: 'e1', regarding: { kind: 'Pod', name: 'orders-api-a' }, reason: 'BackOff', note, at: at(110), count: 12 }),
  );
  return index;
}

describe('the Runtime tab page', () => {
  it('when a workload runs, then the tab shows its readiness, image and tag, its Pods with phase badges and waiting reasons, and its warnings', () => {
    const html = render(crashingOrders('Back-off restarting failed container orders'));
    expect(html).toContain('1 workload, 1 failing.');
    expect(html).toMatch(/Deployment <code>orders-api<\/code> <span class="badge bad">1\/2 ready<\/span>/);
    expect(html).toContain('<code title="ghcr.io/acme/orders:2.0.1">ghcr.io/acme/orders</code> <span class="image-tag">2.0.1</span>');
    expect(html).toContain('7 restarts');
    expect(html).toMatch(/<code>orders-api-a<\/code><div class="pod-waiting"><strong>CrashLoopBackOff<\/strong>/);
    expect(html).toContain('<span class="badge ok">Running</span>');
    expect(html).toContain('node-b');
    expect(html).toMatch(/<strong>BackOff<\/strong> <code>Pod\/orders-api-a<\/code> <span class="muted">×12<\/span>/);
    expect(html).toContain('10 minutes ago');
    expect(html).toContain('href="/scorecards"');
  });

  it('when an Event message holds markup, then it is shown as text, never run', () => {
    const html = render(crashingOrders('<script>alert(1)</script> & <img src=x onerror=alert(2)>'));
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;');
  });

  it('when a workload reports ready replicas but none of its Pods carries the binding label, then the tab says to label the Pod template', () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders', replicas: 1, ready: 1 }));
    const html = render(index);
    expect(html).toContain('No Pods found, though it reports some');
    expect(html).toContain(`<code>${COMPONENT_LABEL}: orders</code> label. Label its Pod template too.`);
    const scaledToZero = new RuntimeIndex();
    scaledToZero.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders', replicas: 0, ready: 0 }));
    expect(render(scaledToZero)).toContain('No Pods: scaled to zero.');
  });

  it('when nothing is bound to the entity, then the tab explains which labels to set, with a snippet naming the entity', () => {
    const html = render(new RuntimeIndex());
    expect(html).toContain('No Deployment or StatefulSet in <code>shop</code> is bound to orders.');
    expect(html).toContain(`labels: {${COMPONENT_LABEL}: orders}`);
    expect(html).toContain('backstage.io/kubernetes-id');
    expect(html).toContain('scorecard rules that use these facts');
    expect(html).not.toContain('Recent warnings');
  });

  it('when Argo CD or Flux deliver the entity, then their health shows with the message of a failing one', () => {
    const degraded = deliveryStatus({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'orders', namespace: 'argocd' },
      status: {
        health: { status: 'Degraded', message: 'Deployment "orders-api" exceeded its progress deadline' },
        sync: { status: 'Synced' },
      },
    })!;
    const html = render(crashingOrders('x'), [degraded]);
    expect(html).toMatch(
      /Application <code>argocd\/orders<\/code> <span class="badge bad">Degraded<\/span> <span class="muted">Synced<\/span>/,
    );
    expect(html).toContain('Deployment &quot;orders-api&quot; exceeded its progress deadline');
  });

  it('when scorecards that score the entity have rules on runtime facts, then the tab lists those rules, passing or failing for it, and no others', () => {
    const readiness: ScorecardObject = {
      metadata: { name: 'readiness', namespace: 'shop', uid: 'sc' },
      spec: {
        title: 'Production readiness',
        levels: [{ name: 'bronze' }],
        rules: [
          { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
          { name: 'replicas', title: 'Two replicas or more', level: 'bronze', expression: 'facts.replicas >= 2' },
          { name: 'probes', level: 'bronze', expression: 'facts.hasReadinessProbe' },
        ],
      },
    };
    const orders = {
      ...component('orders', {}, 'shop'),
      status: {
        scorecards: [
          {
            scorecard: 'shop/readiness',
            level: '',
            score: 66,
            evaluatedAt: at(100),
            failing: [{ rule: 'replicas', level: 'bronze', message: 'x' }],
          },
          // A scorecard this person may not see (absent from the store) lists nothing.
          { scorecard: 'platform/hidden', level: '', score: 0, evaluatedAt: at(100), failing: [] },
        ],
      },
    };
    const rules = runtimeFactRules({ scorecards: () => [readiness], initiatives: () => [] }, orders);
    expect(rules.map((r) => [r.rule, r.passing, r.scorecard.title])).toEqual([
      ['Two replicas or more', false, 'Production readiness'],
      ['probes', true, 'Production readiness'],
    ]);
    const tab = runtimeTab(entityRuntime(new RuntimeIndex(), { namespace: 'shop', name: 'orders' }, now), [], undefined, rules);
    const html = env.renderString(`{% include "${tab.template}" %}`, { runtime: tab });
    expect(html).toContain('Scorecard rules on these facts');
    expect(html).toContain('<span class="badge bad">failing</span> Two replicas or more');
  });
});
