import { describe, expect, it } from '@jest/globals';
import {
  MESSAGE_MAX,
  pruneEvent,
  prunePod,
  pruneWorkload,
  slimEvent,
  slimPod,
  slimWorkload,
} from '../../src/controllers/runtime-view/objects.ts';
import { RuntimeIndex } from '../../src/controllers/runtime-view/runtime-index.ts';
import { at, fullPod, fullWarning, fullWorkload } from '../support/runtime-objects.ts';

const size = (object: unknown): number => JSON.stringify(object).length;
/** An object as the informer cached it before pruning: whole but for managedFields. */
const withoutManagedFields = <T extends { metadata: object }>(object: T): T => {
  const { managedFields: _managedFields, ...metadata } = object.metadata as { managedFields?: unknown };
  return { ...object, metadata };
};
const longNote = `Failed to pull image "registry.example.com/shop/orders:1.4.3": ${'rpc error: code = NotFound; '.repeat(80)}`;

const workloads = {
  deployment: fullWorkload({
    name: 'orders-api',
    entity: 'orders',
    replicas: 3,
    ready: 1,
    images: ['registry.example.com/shop/orders:1.4.2', 'registry.example.com/proxy/envoy@sha256:' + 'ef'.repeat(32)],
    conditions: [
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: `pods "orders-api-x" is forbidden: ${'quota '.repeat(400)}`,
      },
    ],
  }),
  statefulSet: fullWorkload({ kind: 'StatefulSet', name: 'orders-db', entity: 'orders', replicas: 1 }),
};

const pods = {
  running: fullPod({ name: 'orders-api-7d9f-abcde', app: 'orders-api', entity: 'orders', restarts: [2, 0] }),
  waiting: fullPod({
    name: 'orders-api-7d9f-fghij',
    app: 'orders-api',
    entity: 'orders',
    phase: 'Pending',
    waiting: { reason: 'ImagePullBackOff', message: longNote },
  }),
  terminating: fullPod({ name: 'orders-api-7d9f-klmno', app: 'orders-api', entity: 'orders', terminating: true }),
};

const events = {
  'long note': fullWarning({
    name: 'orders-api.17f1',
    regarding: { kind: 'Pod', name: 'orders-api-7d9f-fghij' },
    note: longNote,
    at: at(3),
  }),
  series: fullWarning({ name: 'orders-api.17f2', regarding: { kind: 'Deployment', name: 'orders-api' }, count: 14, at: at(5) }),
};

describe('pruning what the Runtime tab caches', () => {
  it.each(Object.entries(workloads))(
    'when a %s is pruned, then slimWorkload reads the same from it as from the whole object',
    (_, object) => {
      expect(slimWorkload(object.kind, pruneWorkload(object))).toEqual(slimWorkload(object.kind, object));
    },
  );

  it.each(Object.entries(pods))('when a %s Pod is pruned, then slimPod reads the same from it as from the whole Pod', (_, object) => {
    expect(slimPod(prunePod(object))).toEqual(slimPod(object));
  });

  it.each(Object.entries(events))(
    'when an Event with a %s is pruned, then slimEvent reads the same from it as from the whole Event',
    (_, object) => {
      expect(slimEvent(pruneEvent(object))).toEqual(slimEvent(object));
    },
  );

  it('when an Event carries only deprecated fields (core/v1 style), then slimEvent still reads the same time and count', () => {
    const {
      eventTime: _eventTime,
      series: _series,
      ...old
    } = fullWarning({ name: 'e', regarding: { kind: 'Pod', name: 'p' }, count: 6, at: at(9) });
    const pruned = pruneEvent({ ...old, eventTime: null, deprecatedCount: 6 });
    expect(slimEvent(pruned)).toEqual(slimEvent({ ...old, eventTime: null, deprecatedCount: 6 }));
    expect(slimEvent(pruned)).toMatchObject({ count: 6, lastAt: at(9) });
  });

  it('when objects are malformed, then the slim functions still read the same from the pruned ones', () => {
    const odd = {
      metadata: { name: 'odd', namespace: 'shop', labels: { a: 'b', n: 3 }, creationTimestamp: 7 },
      spec: {
        replicas: '2',
        selector: { matchLabels: { app: 'odd', n: 1 }, matchExpressions: ['x', { key: 'k', operator: 5, values: ['a', 2] }, { key: 'j' }] },
        template: { spec: { containers: [null, { name: 'c', image: 'i'.repeat(600) }] } },
        nodeName: 9,
      },
      status: {
        conditions: [1, { type: 'Ready' }],
        containerStatuses: [{ name: 'c', ready: 'yes', restartCount: -1, state: { waiting: { reason: '' } } }, 'x'],
        initContainerStatuses: {},
        phase: 3,
      },
      type: ['Warning'],
      regarding: 'Pod/odd',
      series: [],
    };
    expect(slimWorkload('Deployment', pruneWorkload(odd))).toEqual(slimWorkload('Deployment', odd));
    expect(slimPod(prunePod(odd))).toEqual(slimPod(odd));
    expect(slimEvent(pruneEvent(odd))).toEqual(slimEvent(odd));
    expect(slimWorkload('StatefulSet', pruneWorkload(undefined))).toEqual(slimWorkload('StatefulSet', undefined));
    expect(slimPod(prunePod(null))).toEqual(slimPod(null));
    expect(slimEvent(pruneEvent('x'))).toEqual(slimEvent('x'));
  });

  it('when objects are pruned, then what the informer needs stays: name, namespace, resourceVersion and uid', () => {
    for (const [prune, object] of [
      [pruneWorkload, workloads.deployment],
      [prunePod, pods.running],
      [pruneEvent, events.series],
    ] as const) {
      const { name, namespace, resourceVersion, uid } = object.metadata;
      expect(prune(object)).toMatchObject({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name, namespace, resourceVersion, uid },
      });
    }
  });

  it('when objects are pruned, then managedFields, annotations, volumes, env and unread status are gone', () => {
    const pruned = JSON.stringify([pruneWorkload(workloads.deployment), prunePod(pods.running), pruneEvent(events.series)]);
    const keys = [
      'managedFields',
      'annotations',
      'volumes',
      'env',
      'ownerReferences',
      'podIP',
      'imageID',
      'lastState',
      'reportingController',
    ];
    for (const key of keys) expect(pruned).not.toContain(`"${key}":`);
    expect(pruned).not.toContain('last-applied-configuration');
  });

  it('when long messages are pruned, then they are cut to the bound the tab keeps', () => {
    expect(longNote.length).toBeGreaterThan(MESSAGE_MAX);
    expect(pruneEvent(events['long note']).note).toHaveLength(MESSAGE_MAX);
    expect(JSON.stringify(prunePod(pods.waiting))).not.toContain(longNote);
  });

  it('when a realistic Pod or Deployment is pruned, then it is under a quarter of what was cached before (all but managedFields)', () => {
    for (const [pruned, whole] of [
      [prunePod(pods.running), pods.running],
      [pruneWorkload(workloads.deployment), workloads.deployment],
    ] as const)
      expect(size(pruned)).toBeLessThan(size(withoutManagedFields(whole)) / 4);
  });

  it('when an Event with a long note is pruned, then its note is cut and the rest is gone: under half of what was cached before', () => {
    const whole = events['long note'];
    expect(size(pruneEvent(whole))).toBeLessThan(size(withoutManagedFields(whole)) / 2);
    expect(size(pruneEvent(whole))).toBeLessThan(MESSAGE_MAX + 512);
  });

  it('when the index is fed pruned objects, then each entity shows exactly what it shows from whole ones', () => {
    const feed = (prune: boolean): RuntimeIndex => {
      const index = new RuntimeIndex();
      for (const w of Object.values(workloads)) index.update(w.kind, 'shop', w.metadata.name, prune ? pruneWorkload(w) : w);
      for (const p of Object.values(pods)) index.update('Pod', 'shop', p.metadata.name, prune ? prunePod(p) : p);
      for (const e of Object.values(events)) index.update('Event', 'shop', e.metadata.name, prune ? pruneEvent(e) : e);
      return index;
    };
    const whole = feed(false).of('shop', 'orders');
    expect(whole.workloads.map((w) => w.pods.length)).toEqual([3, 0]);
    expect(whole.events).toHaveLength(2);
    expect(feed(true).of('shop', 'orders')).toEqual(whole);
  });
});
