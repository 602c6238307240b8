import { describe, expect, it } from '@jest/globals';
import { BACKSTAGE_ID_LABEL, COMPONENT_LABEL, type WorkloadObject } from '../../src/scorecards/facts.ts';
import { WorkloadIndex } from '../../src/scorecards/workload-index.ts';

const workload = (kind: string, name: string, labels: Record<string, string>, readyReplicas = 0, namespace = 'shop'): WorkloadObject => ({
  kind,
  metadata: { name, namespace, labels },
  status: { readyReplicas },
});
const names = (list: WorkloadObject[]) => list.map((w) => `${w.kind}/${w.metadata?.name}@${w.status?.readyReplicas}`).sort();

describe('workloads by the entity they bind to', () => {
  it('when workloads come, then each is found under the entity its label names, in its own namespace', () => {
    const index = new WorkloadIndex();
    index.update('Deployment', 'shop', 'orders-api', workload('Deployment', 'orders-api', { [COMPONENT_LABEL]: 'orders' }));
    index.update('StatefulSet', 'shop', 'orders-db', workload('StatefulSet', 'orders-db', { [BACKSTAGE_ID_LABEL]: 'orders' }));
    index.update('Deployment', 'web', 'orders-api', workload('Deployment', 'orders-api', { [COMPONENT_LABEL]: 'orders' }, 0, 'web'));
    index.update('Deployment', 'shop', 'unlabelled', workload('Deployment', 'unlabelled', {}));
    expect(names(index.of('shop', 'orders'))).toEqual(['Deployment/orders-api@0', 'StatefulSet/orders-db@0']);
    expect(names(index.of('web', 'orders'))).toEqual(['Deployment/orders-api@0']);
    expect(index.of('shop', 'unlabelled')).toEqual([]);
  });

  it('when a workload changes, then its current version replaces the old one, and a relabelled one moves to the entity it names now', () => {
    const index = new WorkloadIndex();
    index.update('Deployment', 'shop', 'api', workload('Deployment', 'api', { [COMPONENT_LABEL]: 'orders' }));
    // Still bound to the same entity: nothing left behind.
    expect(index.update('Deployment', 'shop', 'api', workload('Deployment', 'api', { [COMPONENT_LABEL]: 'orders' }, 3))).toBeUndefined();
    expect(names(index.of('shop', 'orders'))).toEqual(['Deployment/api@3']);
    expect(index.update('Deployment', 'shop', 'api', workload('Deployment', 'api', { [COMPONENT_LABEL]: 'carts' }, 3))).toBe('orders');
    expect(index.of('shop', 'orders')).toEqual([]);
    expect(names(index.of('shop', 'carts'))).toEqual(['Deployment/api@3']);
  });

  it('when a workload is gone or names no entity any more, then no entity has it; a StatefulSet of the same name is another workload', () => {
    const index = new WorkloadIndex();
    index.update('Deployment', 'shop', 'api', workload('Deployment', 'api', { [COMPONENT_LABEL]: 'orders' }));
    index.update('StatefulSet', 'shop', 'api', workload('StatefulSet', 'api', { [COMPONENT_LABEL]: 'orders' }));
    index.update('Deployment', 'shop', 'api', undefined);
    expect(names(index.of('shop', 'orders'))).toEqual(['StatefulSet/api@0']);
    expect(index.update('StatefulSet', 'shop', 'api', workload('StatefulSet', 'api', {}))).toBe('orders');
    expect(index.of('shop', 'orders')).toEqual([]);
  });
});
