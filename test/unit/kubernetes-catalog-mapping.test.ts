import { describe, expect, it } from '@jest/globals';
import { componentsFromWorkloads, type Workload } from '../../src/catalog-sources/kubernetes/mapping.ts';
import { selectorQuery } from '../../src/catalog-sources/kubernetes/provider.ts';

const mapping = { ownerLabel: 'greenroom.dev/owner', lifecycle: 'production' };
const workload = (
  kind: Workload['kind'],
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): Workload => ({
  kind,
  metadata: { name, namespace: 'shop', labels, ...(annotations ? { annotations } : {}) },
});

describe('components from workloads', () => {
  it('when a Deployment and its Service name one component, then one Component comes, owned and in its system', () => {
    const snapshot = componentsFromWorkloads(
      [
        workload('Service', 'orders', { 'app.kubernetes.io/name': 'orders', 'greenroom.dev/owner': 'team-orders' }),
        workload('Deployment', 'orders-v2', {
          'app.kubernetes.io/name': 'orders',
          'app.kubernetes.io/part-of': 'shop',
          'greenroom.dev/owner': 'team-orders',
        }),
      ],
      mapping,
    );
    expect(snapshot.entities).toEqual([
      {
        object: expect.objectContaining({
          kind: 'Component',
          metadata: { name: 'orders', annotations: {} },
          spec: expect.objectContaining({ owner: 'team-orders', system: 'shop', type: 'service', lifecycle: 'production' }),
        }),
        origin: { location: 'Deployment shop/orders-v2' },
      },
    ]);
    // The Service names no system, which does not disagree with the Deployment's.
    expect(snapshot.problems).toEqual([]);
  });

  it('when two workloads of one component name different owners, then the first is used and the other reported', () => {
    const snapshot = componentsFromWorkloads(
      [
        workload('Deployment', 'orders', { 'app.kubernetes.io/name': 'orders', 'greenroom.dev/owner': 'team-orders' }),
        workload('Service', 'orders', { 'app.kubernetes.io/name': 'orders', 'greenroom.dev/owner': 'team-billing' }),
      ],
      mapping,
    );
    expect(snapshot.entities.map((e) => e.object.spec.owner)).toEqual(['team-orders']);
    expect(snapshot.problems).toEqual([
      { location: 'Service shop/orders', reason: expect.stringMatching(/another owner or system than Deployment shop\/orders/) },
    ]);
  });

  it("when Backstage's kubernetes-id label is there, then it names the component, before app.kubernetes.io/name", () => {
    const snapshot = componentsFromWorkloads(
      [
        workload(
          'StatefulSet',
          'ledger-db-0',
          { 'backstage.io/kubernetes-id': 'ledger', 'app.kubernetes.io/name': 'postgres' },
          { 'greenroom.dev/owner': 'team-ledger' },
        ),
      ],
      mapping,
    );
    expect(snapshot.entities.map((e) => [e.object.metadata.name, e.object.spec.owner])).toEqual([['ledger', 'team-ledger']]);
  });

  it('when a workload names a component but no owner, then it is a problem naming the label to add; unlabelled workloads are ignored', () => {
    const snapshot = componentsFromWorkloads(
      [workload('Deployment', 'web', { 'app.kubernetes.io/name': 'web' }), workload('Deployment', 'sidecar', {})],
      mapping,
    );
    expect(snapshot.entities).toEqual([]);
    expect(snapshot.problems).toEqual([
      { location: 'Deployment shop/web', reason: expect.stringMatching(/add the label or annotation greenroom.dev\/owner/) },
    ]);
  });

  it('when the same workloads are listed in another order, then the snapshot and its revision are the same', () => {
    const list = [
      workload('Deployment', 'a', { 'app.kubernetes.io/name': 'a', 'greenroom.dev/owner': 't' }),
      workload('Deployment', 'b', { 'app.kubernetes.io/name': 'b', 'greenroom.dev/owner': 't' }),
    ];
    expect(componentsFromWorkloads([...list].reverse(), mapping)).toEqual(componentsFromWorkloads(list, mapping));
  });

  it('when a selector has labels and expressions, then the query says the same', () => {
    expect(
      selectorQuery({
        matchLabels: { tier: 'backend' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('tier=backend,env in (prod,staging),!legacy');
    expect(selectorQuery(undefined)).toBeUndefined();
  });
});
