import { describe, expect, it } from '@jest/globals';
import { EVENTS_IN_ALL, EVENTS_PER_ENTITY, RuntimeIndex } from '../../src/controllers/runtime-view/runtime-index.ts';
import { at, pod, warning, workload } from '../support/runtime-objects.ts';

const podNames = (index: RuntimeIndex, entity: string, namespace = 'shop') =>
  index.of(namespace, entity).workloads.map((w) => `${w.workload.kind}/${w.workload.name}: ${w.pods.map((p) => p.name).join(',')}`);
const eventNames = (index: RuntimeIndex, entity: string) => index.of('shop', entity).events.map((e) => e.name);

function ordersWithPod(): RuntimeIndex {
  const index = new RuntimeIndex();
  index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders' }));
  index.update('Pod', 'shop', 'orders-api-7d9f-abcde', pod({ name: 'orders-api-7d9f-abcde', app: 'orders-api', entity: 'orders' }));
  return index;
}

describe('the Runtime read model: workloads and their Pods', () => {
  it('when workloads and Pods come, then each entity lists its own workloads with the Pods their selectors pick, in its namespace only', () => {
    const index = ordersWithPod();
    index.update('StatefulSet', 'shop', 'orders-db', workload({ kind: 'StatefulSet', name: 'orders-db', entity: 'orders' }));
    index.update('Pod', 'shop', 'orders-db-0', pod({ name: 'orders-db-0', app: 'orders-db', entity: 'orders' }));
    index.update('Deployment', 'web', 'orders-api', workload({ name: 'orders-api', namespace: 'web', entity: 'orders' }));
    index.update('Pod', 'web', 'orders-api-1', pod({ name: 'orders-api-1', namespace: 'web', app: 'other', entity: 'orders' }));
    expect(podNames(index, 'orders').sort()).toEqual([
      'Deployment/orders-api: orders-api-7d9f-abcde',
      'StatefulSet/orders-db: orders-db-0',
    ]);
    expect(podNames(index, 'orders', 'web')).toEqual(['Deployment/orders-api: ']);
  });

  it('when a namespace holds many Pods, then each workload gets exactly the Pods its selector picks, as Pods change labels and go', () => {
    const index = new RuntimeIndex();
    for (const app of ['a', 'b', 'c']) index.update('Deployment', 'shop', app, workload({ name: app, entity: 'orders' }));
    for (let i = 0; i < 300; i++)
      index.update('Pod', 'shop', `p${i}`, pod({ name: `p${i}`, app: ['a', 'b', 'c', 'none'][i % 4]!, entity: 'orders' }));
    const counts = () =>
      index
        .of('shop', 'orders')
        .workloads.map((w) => `${w.workload.name}:${w.pods.length}`)
        .sort();
    expect(counts()).toEqual(['a:75', 'b:75', 'c:75']);
    // A Pod relabelled from a to b moves; one deleted is gone; one that loses its binding label is no longer kept.
    index.update('Pod', 'shop', 'p0', pod({ name: 'p0', app: 'b', entity: 'orders' }));
    index.update('Pod', 'shop', 'p4', undefined);
    index.update('Pod', 'shop', 'p8', pod({ name: 'p8', app: 'a', entity: undefined }));
    expect(counts()).toEqual(['a:72', 'b:76', 'c:75']);
    // A selector of matchExpressions only still finds its Pods.
    const byExpression = workload({ name: 'd', entity: 'orders' });
    byExpression.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['c'] }] } as never;
    index.update('Deployment', 'shop', 'd', byExpression);
    expect(counts()).toEqual(['a:72', 'b:76', 'c:75', 'd:75']);
  });

  it('when a workload carries no binding label, then nothing of it is kept', () => {
    const index = new RuntimeIndex();
    expect(index.update('Deployment', 'shop', 'sidecar', workload({ name: 'sidecar', entity: undefined }))).toEqual([]);
    expect(index.of('shop', 'sidecar').workloads).toEqual([]);
  });

  it('when a workload is relabelled, then it moves to the entity it names now, and both entities are reported changed', () => {
    const index = ordersWithPod();
    expect(index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'checkout' }))).toEqual([
      'orders',
      'checkout',
    ]);
    expect(podNames(index, 'orders')).toEqual([]);
    expect(podNames(index, 'checkout')).toEqual(['Deployment/orders-api: orders-api-7d9f-abcde']);
  });

  it('when a workload or a Pod is deleted, then it is no longer shown', () => {
    const index = ordersWithPod();
    index.update('Pod', 'shop', 'orders-api-7d9f-abcde', undefined);
    expect(podNames(index, 'orders')).toEqual(['Deployment/orders-api: ']);
    expect(index.update('Deployment', 'shop', 'orders-api', undefined)).toEqual(['orders']);
    expect(index.of('shop', 'orders').workloads).toEqual([]);
  });

  it('when a workload is kept, then only the fields the tab shows are, not managed fields or the Pod template', () => {
    const index = ordersWithPod();
    const kept = JSON.stringify(index.of('shop', 'orders'));
    expect(kept).not.toContain('managedFields');
    expect(kept).not.toContain('kubectl');
  });
});

describe('the Runtime read model: Warning Events', () => {
  it('when a Warning regards a bound workload, one of its Pods or one of its ReplicaSets, then the entity shows it, newest first', () => {
    const index = ordersWithPod();
    index.update('Event', 'shop', 'e1', warning({ name: 'e1', regarding: { kind: 'Deployment', name: 'orders-api' }, at: at(1) }));
    index.update('Event', 'shop', 'e2', warning({ name: 'e2', regarding: { kind: 'Pod', name: 'orders-api-7d9f-abcde' }, at: at(3) }));
    index.update('Event', 'shop', 'e3', warning({ name: 'e3', regarding: { kind: 'ReplicaSet', name: 'orders-api-7d9f' }, at: at(2) }));
    expect(eventNames(index, 'orders')).toEqual(['e2', 'e3', 'e1']);
  });

  it('when an Event regards an object bound to no entity, or is not a Warning, then it is not kept at all', () => {
    const index = ordersWithPod();
    index.update('Event', 'shop', 'other', warning({ name: 'other', regarding: { kind: 'Pod', name: 'somebody-else' }, at: at(1) }));
    index.update('Event', 'shop', 'rs', warning({ name: 'rs', regarding: { kind: 'ReplicaSet', name: 'payments-5c6d' }, at: at(1) }));
    index.update(
      'Event',
      'shop',
      'normal',
      warning({ name: 'normal', type: 'Normal', regarding: { kind: 'Deployment', name: 'orders-api' }, at: at(1) }),
    );
    expect(index.eventCount).toBe(0);
  });

  it(`when more than ${EVENTS_PER_ENTITY} Warnings concern one entity, then only its newest ${EVENTS_PER_ENTITY} are kept`, () => {
    const index = ordersWithPod();
    for (let i = 0; i < EVENTS_PER_ENTITY + 5; i++)
      index.update('Event', 'shop', `e${i}`, warning({ name: `e${i}`, regarding: { kind: 'Deployment', name: 'orders-api' }, at: at(i) }));
    const shown = eventNames(index, 'orders');
    expect(shown).toHaveLength(EVENTS_PER_ENTITY);
    expect(shown[0]).toBe(`e${EVENTS_PER_ENTITY + 4}`);
    expect(shown).not.toContain('e4');
    expect(index.eventCount).toBe(EVENTS_PER_ENTITY);
  });

  it(`when Warnings about many entities pass ${EVENTS_IN_ALL} in all, then the oldest of all are dropped first`, () => {
    const index = new RuntimeIndex();
    const entities = Math.ceil(EVENTS_IN_ALL / EVENTS_PER_ENTITY) + 10;
    for (let e = 0; e < entities; e++) index.update('Deployment', 'shop', `w${e}`, workload({ name: `w${e}`, entity: `entity-${e}` }));
    // Entity e's Warnings happen at minutes e, e + entities, …: entity 0's first is the oldest of all.
    for (let round = 0; round < EVENTS_PER_ENTITY; round++)
      for (let e = 0; e < entities; e++)
        index.update(
          'Event',
          'shop',
          `w${e}-${round}`,
          warning({ name: `w${e}-${round}`, regarding: { kind: 'Deployment', name: `w${e}` }, at: at(round * entities + e) }),
        );
    expect(index.eventCount).toBe(EVENTS_IN_ALL);
    expect(eventNames(index, 'entity-0')).not.toContain('w0-0');
    expect(eventNames(index, `entity-${entities - 1}`)).toContain(`w${entities - 1}-${EVENTS_PER_ENTITY - 1}`);
  });

  it('when a Warning recurs (the same Event, counted again) or is deleted, then it is shown once with its new count, then not at all', () => {
    const index = ordersWithPod();
    const regarding = { kind: 'Deployment', name: 'orders-api' };
    index.update('Event', 'shop', 'e1', warning({ name: 'e1', regarding, at: at(1) }));
    index.update('Event', 'shop', 'e1', warning({ name: 'e1', regarding, at: at(5), count: 7 }));
    expect(index.of('shop', 'orders').events.map((e) => [e.name, e.count])).toEqual([['e1', 7]]);
    index.update('Event', 'shop', 'e1', undefined);
    expect(index.eventCount).toBe(0);
  });

  it('when a workload is relabelled away, then its Warnings no longer show on the entity it left', () => {
    const index = ordersWithPod();
    index.update('Event', 'shop', 'e1', warning({ name: 'e1', regarding: { kind: 'Deployment', name: 'orders-api' }, at: at(1) }));
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'checkout' }));
    expect(eventNames(index, 'orders')).toEqual([]);
  });
});
