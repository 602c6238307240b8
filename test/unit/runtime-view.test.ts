import { describe, expect, it } from '@jest/globals';
import { RuntimeIndex } from '../../src/controllers/runtime-view/runtime-index.ts';
import { ageInWords, entityRuntime, imageView, PODS_SHOWN } from '../../src/controllers/runtime-view/runtime-view.ts';
import { at, pod, T0, warning, workload } from '../support/runtime-objects.ts';

const now = new Date(at(3 * 24 * 60 + 5));
const orders = { namespace: 'shop', name: 'orders' };

describe('the Runtime tab of an entity', () => {
  it('when a Deployment runs, then it shows ready over desired, updated and available, its images split into repository and tag, and its age', () => {
    const index = new RuntimeIndex();
    const images = ['registry.example.com:5000/shop/orders:1.4.2', 'busybox', 'ghcr.io/acme/proxy@sha256:abc123'];
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders', replicas: 3, ready: 2, images }));
    const [w] = entityRuntime(index, orders, now).workloads;
    expect(w).toMatchObject({
      kind: 'Deployment',
      name: 'orders-api',
      ready: 2,
      desired: 3,
      updated: 3,
      available: 2,
      age: '3 days',
      health: 'wait',
    });
    expect(w!.images.map((i) => [i.repository, i.tag, i.digest])).toEqual([
      ['registry.example.com:5000/shop/orders', '1.4.2', undefined],
      ['busybox', 'latest', undefined],
      ['ghcr.io/acme/proxy', undefined, 'sha256:abc123'],
    ]);
  });

  it('when Pods restart, then each Pod shows its restarts and the workload their sum, and a waiting container names its reason', () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders' }));
    index.update('Pod', 'shop', 'orders-api-a', pod({ name: 'orders-api-a', app: 'orders-api', entity: 'orders', restarts: [2, 1] }));
    const crashing = { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' };
    index.update(
      'Pod',
      'shop',
      'orders-api-b',
      pod({ name: 'orders-api-b', app: 'orders-api', entity: 'orders', restarts: [9], waiting: crashing }),
    );
    const view = entityRuntime(index, orders, now);
    const [w] = view.workloads;
    expect(w!.restarts).toBe(12);
    expect(w!.health).toBe('bad');
    expect(view.failing).toBe(1);
    // The crashing Pod comes first.
    expect(w!.pods.map((p) => [p.name, p.restarts, p.ready, p.health, p.waiting?.reason])).toEqual([
      ['orders-api-b', 9, '0/1', 'bad', 'CrashLoopBackOff'],
      ['orders-api-a', 3, '2/2', 'ok', undefined],
    ]);
    expect(w!.pods[0]!.waiting?.message).toContain('back-off');
  });

  it('when an image cannot be pulled, then the Pod is failing with ImagePullBackOff; while a container is being created, it is only waiting', () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders' }));
    index.update(
      'Pod',
      'shop',
      'p1',
      pod({ name: 'p1', app: 'orders-api', entity: 'orders', phase: 'Pending', waiting: { reason: 'ImagePullBackOff' } }),
    );
    index.update(
      'Pod',
      'shop',
      'p2',
      pod({ name: 'p2', app: 'orders-api', entity: 'orders', phase: 'Pending', waiting: { reason: 'ContainerCreating' } }),
    );
    const pods = entityRuntime(index, orders, now).workloads[0]!.pods;
    expect(pods.map((p) => [p.name, p.phase, p.health, p.waiting?.reason])).toEqual([
      ['p1', 'Pending', 'bad', 'ImagePullBackOff'],
      ['p2', 'Pending', 'wait', 'ContainerCreating'],
    ]);
  });

  it('when a condition is False, then it is listed with its message and the workload sorts before healthy ones', () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'a-healthy', workload({ name: 'a-healthy', entity: 'orders' }));
    const conditions = [
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
    ];
    index.update('Deployment', 'shop', 'z-broken', workload({ name: 'z-broken', entity: 'orders', ready: 0, conditions }));
    const view = entityRuntime(index, orders, now);
    expect(view.workloads.map((w) => [w.name, w.health])).toEqual([
      ['z-broken', 'bad'],
      ['a-healthy', 'ok'],
    ]);
    expect(view.workloads[0]!.problems).toEqual([
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
    ]);
  });

  it(`when a workload has more than ${PODS_SHOWN} Pods, then ${PODS_SHOWN} are listed and the rest counted`, () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders', replicas: 60 }));
    for (let i = 0; i < 60; i++) index.update('Pod', 'shop', `p${i}`, pod({ name: `p${i}`, app: 'orders-api', entity: 'orders' }));
    const [w] = entityRuntime(index, orders, now).workloads;
    expect(w!.pods).toHaveLength(PODS_SHOWN);
    expect(w!.morePods).toBe(10);
  });

  it('when Warnings were recorded, then each shows its reason, message, object, count and how long ago it last happened', () => {
    const index = new RuntimeIndex();
    index.update('Deployment', 'shop', 'orders-api', workload({ name: 'orders-api', entity: 'orders' }));
    index.update(
      'Event',
      'shop',
      'e1',
      warning({
        name: 'e1',
        regarding: { kind: 'Deployment', name: 'orders-api' },
        reason: 'FailedCreate',
        note: 'quota exceeded',
        at: at(3 * 24 * 60 + 5 - 90),
        count: 4,
      }),
    );
    expect(entityRuntime(index, orders, now).events).toEqual([
      {
        type: 'Warning',
        reason: 'FailedCreate',
        message: 'quota exceeded',
        object: 'Deployment/orders-api',
        count: 4,
        lastAt: at(3 * 24 * 60 - 85),
        ago: '1 hour ago',
      },
    ]);
  });

  it('when nothing is bound to the entity, then the view is empty', () => {
    expect(entityRuntime(new RuntimeIndex(), orders, now)).toEqual({
      namespace: 'shop',
      name: 'orders',
      workloads: [],
      events: [],
      failing: 0,
    });
  });
});

describe('ages and images in words', () => {
  it('when times differ by seconds, minutes, hours or days, then the age reads in the largest whole unit', () => {
    const base = new Date(T0);
    const ago = (ms: number) => new Date(base.getTime() - ms).toISOString();
    expect(ageInWords(ago(1_000), base)).toBe('1 second');
    expect(ageInWords(ago(59_000), base)).toBe('59 seconds');
    expect(ageInWords(ago(60_000), base)).toBe('1 minute');
    expect(ageInWords(ago(2 * 3_600_000 + 5), base)).toBe('2 hours');
    expect(ageInWords(ago(40 * 86_400_000), base)).toBe('40 days');
    expect(ageInWords(undefined, base)).toBe('—');
    expect(ageInWords('not a time', base)).toBe('—');
  });

  it('when an image has both a tag and a digest, then both are shown', () => {
    expect(imageView('nginx:1.27@sha256:feed')).toMatchObject({ repository: 'nginx', tag: '1.27', digest: 'sha256:feed' });
  });
});
