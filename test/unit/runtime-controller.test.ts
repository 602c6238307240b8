import { describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Controller, watch } from '../../src/runtime/controller.ts';
import { keyOf } from '../../src/runtime/object-cache.ts';
import type { WorkResult } from '../../src/runtime/work-queue.ts';
import { fakeContext, settle } from '../support/fake-context.ts';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps' };
const object = (
  namespace: string,
  name: string,
  data: Record<string, string> = {},
): KubernetesObject & { data: Record<string, string> } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name },
  data,
});

/** A controller over one fake source whose reconcile records the keys it was given. */
function harness(options: { leader?: boolean; result?: (key: string) => WorkResult } = {}) {
  const context = fakeContext({ leader: options.leader ?? true });
  const source = context.watch<ReturnType<typeof object>>(CONFIGMAPS, { name: 'configmap' });
  const reconciled: string[] = [];
  const primed: number[] = [];
  const controller = new Controller(context, {
    name: 'test',
    watches: [watch(source, ({ object: o }) => [keyOf(o)])],
    reconcile: async (key) => (reconciled.push(key), options.result?.(key) ?? 'done'),
    concurrency: 2,
    keys: () => source.list().map(keyOf),
    prime: async () => void primed.push(source.list().length),
  });
  return { context, source: context.source<ReturnType<typeof object>>('configmap'), controller, reconciled, primed };
}

describe('the generic controller', () => {
  it('when objects arrive before the watches have synced, then nothing is reconciled until start, and then each object once', async () => {
    const { source, controller, reconciled, primed } = harness();
    source.upsert(object('a', 'one'));
    source.upsert(object('a', 'two'));
    await settle();
    expect(reconciled).toEqual([]);
    await controller.start();
    await settle();
    expect(reconciled.sort()).toEqual(['a/one', 'a/two']);
    // Primed once, with the full cache, before any key was queued.
    expect(primed).toEqual([2]);
    expect(controller.hasSynced()).toBe(true);
    await controller.stop();
  });

  it('when a watched object changes after start, then the keys its trigger names are reconciled', async () => {
    const { source, controller, reconciled } = harness();
    await controller.start();
    source.upsert(object('b', 'three'));
    await settle();
    source.upsert(object('b', 'three', { changed: 'yes' }));
    await settle();
    source.remove(object('b', 'three'));
    await settle();
    expect(reconciled).toEqual(['b/three', 'b/three', 'b/three']);
    await controller.stop();
  });

  it('when the replica is a follower, then nothing is reconciled; when it becomes leader, then enqueueAll primes and reconciles every key', async () => {
    const { context, source, controller, reconciled, primed } = harness({ leader: false });
    source.upsert(object('a', 'one'));
    await controller.start();
    source.upsert(object('a', 'two'));
    await settle();
    expect(reconciled).toEqual([]);
    expect(primed).toEqual([]);
    context.leader = true;
    await controller.enqueueAll();
    await settle();
    expect(reconciled.sort()).toEqual(['a/one', 'a/two']);
    expect(primed).toEqual([2]);
    await controller.stop();
  });

  it('when a reconcile asks to come back later, then the key is reconciled again once the clock has moved that far', async () => {
    const { context, source, controller, reconciled } = harness({ result: () => ({ requeueAfter: 60_000 }) });
    source.upsert(object('a', 'one'));
    await controller.start();
    await settle();
    expect(reconciled).toEqual(['a/one']);
    await context.clock.advance(59_000);
    expect(reconciled).toEqual(['a/one']);
    await context.clock.advance(1_000);
    expect(reconciled).toEqual(['a/one', 'a/one']);
    await controller.stop();
  });

  it('when the controller has stopped, then later events reconcile nothing', async () => {
    const { source, controller, reconciled } = harness();
    await controller.start();
    await controller.stop();
    source.upsert(object('a', 'late'));
    await settle();
    expect(reconciled).toEqual([]);
  });
});
