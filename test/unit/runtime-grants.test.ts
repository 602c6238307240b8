import { describe, expect, it } from '@jest/globals';
import { runtimeGrants, type RuntimeGrants } from '../../src/access/runtime-grants.ts';
import { AccessReviews, type AccessQuestion } from '../../src/access/reviews.ts';
import type { EntityRuntimeView } from '../../src/controllers/runtime-view/runtime-view.ts';
import { runtimeTab } from '../../src/http/ui/runtime-pages.ts';
import { createLogger } from '../../src/observability/logger.ts';

const pod = (name: string) => ({
  name,
  phase: 'Running',
  health: 'ok' as const,
  ready: '1/1',
  restarts: 2,
  age: '1 hour',
  terminating: false,
});
const workload = (kind: string, name: string) => ({
  kind,
  name,
  health: 'ok' as const,
  ready: 1,
  desired: 1,
  updated: 1,
  available: 1,
  images: [],
  restarts: 2,
  age: '1 day',
  problems: [],
  pods: [pod(`${name}-0`)],
  morePods: 0,
});
const event = (object: string) => ({ type: 'Warning', reason: 'BackOff', message: 'm', object, count: 1, lastAt: '', ago: '' });
const view: EntityRuntimeView = {
  namespace: 'shop',
  name: 'orders',
  workloads: [workload('Deployment', 'orders'), workload('StatefulSet', 'orders-db')],
  events: [event('Pod/orders-0'), event('ReplicaSet/orders-5d8f'), event('StatefulSet/orders-db')],
  failing: 0,
};
const grants = (over: Partial<RuntimeGrants>): RuntimeGrants => ({
  deployments: true,
  statefulSets: true,
  pods: true,
  events: true,
  delivery: () => true,
  ...over,
});

describe('what a person sees on the Runtime tab', () => {
  it('when they may list everything, then every workload, Pod and Event is shown and nothing is said to be hidden', () => {
    const tab = runtimeTab(view, [], grants({}));
    expect(tab.workloads.map((w) => [w.kind, w.pods.length])).toEqual([
      ['Deployment', 1],
      ['StatefulSet', 1],
    ]);
    expect(tab.events).toHaveLength(3);
    expect(tab.hidden).toEqual([]);
  });

  it('when they may not list Pods, then workloads show no Pods or restarts, Pod events are gone and the tab says so', () => {
    const tab = runtimeTab(view, [], grants({ pods: false }));
    expect(tab.workloads.map((w) => [w.kind, w.pods.length, w.restarts])).toEqual([
      ['Deployment', 0, 0],
      ['StatefulSet', 0, 0],
    ]);
    expect(tab.events.map((e) => e.object)).toEqual(['ReplicaSet/orders-5d8f', 'StatefulSet/orders-db']);
    expect(tab.hidden).toEqual(['pods']);
    expect(tab.podsHidden).toBe(true);
  });

  it('when they may not list StatefulSets, then that workload and its Events are left out and the tab is not called empty', () => {
    const tab = runtimeTab({ ...view, workloads: [view.workloads[1]!] }, [], grants({ statefulSets: false }));
    expect(tab.workloads).toEqual([]);
    expect(tab.events.map((e) => e.object)).toEqual(['Pod/orders-0', 'ReplicaSet/orders-5d8f']);
    expect(tab.empty).toBe(false);
    expect(tab.hidden).toEqual(['statefulsets']);
  });

  it('when they may not list Events, then no Event is shown', () => {
    expect(runtimeTab(view, [], grants({ events: false })).events).toEqual([]);
  });

  it('when only ages move on, then the version the live script compares stays; when a count changes, it changes', () => {
    const version = runtimeTab(view, [], grants({})).version;
    const older = {
      ...view,
      workloads: view.workloads.map((w) => ({ ...w, age: '2 days', pods: w.pods.map((p) => ({ ...p, age: '2 hours' })) })),
    };
    expect(runtimeTab(older, [], grants({})).version).toBe(version);
    const scaled = { ...view, workloads: view.workloads.map((w) => ({ ...w, ready: 0 })) };
    expect(runtimeTab(scaled, [], grants({})).version).not.toBe(version);
    // What a person may not see does not show through the version either.
    expect(runtimeTab(scaled, [], grants({ deployments: false, statefulSets: false })).version).toBe(
      runtimeTab(view, [], grants({ deployments: false, statefulSets: false })).version,
    );
  });

  it('when a delivery object is of a kind or namespace they may not list, then it is left out', () => {
    const argo = {
      kind: 'Application',
      namespace: 'argocd',
      name: 'orders',
      health: 'Healthy',
      sync: 'Synced',
      healthClass: 'ok' as const,
    };
    const flux = { ...argo, kind: 'Kustomization', namespace: 'shop' };
    const tab = runtimeTab(view, [argo, flux], grants({ delivery: (kind, ns) => kind === 'Kustomization' && ns === 'shop' }));
    expect(tab.delivery.map((d) => d.kind)).toEqual(['Kustomization']);
  });
});

describe('asking the apiserver what of the runtime a person may list', () => {
  it('when asked, then each question names the Kubernetes group of the objects, in the entity namespace and each delivery object namespace', async () => {
    const asked: AccessQuestion[] = [];
    const reviews = new AccessReviews({
      send: async (_subject, q) => {
        asked.push(q);
        return q.resource !== 'pods' && !(q.resource === 'applications' && q.namespace === 'argocd');
      },
      logger: createLogger('silent'),
    });
    const person = { username: 'ann', groups: ['shop'] };
    const delivery = [
      { kind: 'Application', namespace: 'argocd' },
      { kind: 'Kustomization', namespace: 'shop' },
      { kind: 'Kustomization', namespace: 'shop' },
    ];
    const got = await runtimeGrants(reviews, person, 'shop', delivery);
    expect([got.deployments, got.statefulSets, got.pods, got.events]).toEqual([true, true, false, true]);
    expect([got.delivery('Application', 'argocd'), got.delivery('Kustomization', 'shop'), got.delivery('HelmRelease', 'shop')]).toEqual([
      false,
      true,
      false,
    ]);
    expect(asked.map((q) => `${q.group}/${q.resource}@${q.namespace}`).sort()).toEqual([
      '/pods@shop',
      'apps/deployments@shop',
      'apps/statefulsets@shop',
      'argoproj.io/applications@argocd',
      'events.k8s.io/events@shop',
      'kustomize.toolkit.fluxcd.io/kustomizations@shop',
    ]);
    // A greenroom.dev question of the same resource name is another question, cached apart.
    expect(reviews.known(person, { verb: 'list', resource: 'deployments', namespace: 'shop' })).toBeUndefined();
  });
});
