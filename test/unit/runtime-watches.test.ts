import { describe, expect, it } from '@jest/globals';
import { RuntimeReadModel, watchRuntime, WARNING_EVENTS } from '../../src/controllers/runtime-view/watches.ts';
import { BACKSTAGE_ID_LABEL, COMPONENT_LABEL } from '../../src/scorecards/facts.ts';
import { Controller } from '../../src/runtime/controller.ts';
import type { WatchOptions } from '../../src/runtime/context.ts';
import { fakeContext, type FakeSource } from '../support/fake-context.ts';
import { at, fullPod, fullWarning, fullWorkload, pod, warning, workload } from '../support/runtime-objects.ts';

type Any = FakeSource<Record<string, unknown>>;

function setUp() {
  const context = fakeContext();
  // What each watch asked for; its transform is typed by the watch's own object type.
  const asked: (Omit<WatchOptions, 'transform'> & { transform?: unknown })[] = [];
  const watchFake = context.watch;
  context.watch = (type, options) => (asked.push(options), watchFake(type, options));
  const sources = watchRuntime(context);
  const changed: string[] = [];
  const model = new RuntimeReadModel(sources, (entities) => changed.push(...entities));
  const source = (plural: string, label = COMPONENT_LABEL) => context.source(`runtime-${plural}-${label}`) as Any;
  return { context, asked, model, changed, source, events: context.source('runtime-warning-events') as Any };
}

describe('the Runtime tab watches', () => {
  it('when it watches, then workloads and Pods are asked for by either binding label and Events by type=Warning only', () => {
    const { asked } = setUp();
    expect(asked.map((o) => [o.name, o.labelSelector ?? o.fieldSelector])).toEqual([
      [`runtime-deployments-${COMPONENT_LABEL}`, COMPONENT_LABEL],
      [`runtime-deployments-${BACKSTAGE_ID_LABEL}`, BACKSTAGE_ID_LABEL],
      [`runtime-statefulsets-${COMPONENT_LABEL}`, COMPONENT_LABEL],
      [`runtime-statefulsets-${BACKSTAGE_ID_LABEL}`, BACKSTAGE_ID_LABEL],
      [`runtime-pods-${COMPONENT_LABEL}`, COMPONENT_LABEL],
      [`runtime-pods-${BACKSTAGE_ID_LABEL}`, BACKSTAGE_ID_LABEL],
      ['runtime-warning-events', WARNING_EVENTS],
    ]);
  });

  it('when objects come, then every source keeps them pruned: what the tab reads, not managedFields, volumes or env', () => {
    const { asked, source, events } = setUp();
    expect(asked.every((o) => typeof o.transform === 'function')).toBe(true);
    source('deployments').upsert(fullWorkload({ name: 'orders-api', entity: 'orders' }));
    source('pods').upsert(fullPod({ name: 'orders-api-a', app: 'orders-api', entity: 'orders' }));
    events.upsert(fullWarning({ name: 'e1', regarding: { kind: 'Pod', name: 'orders-api-a' }, at: at(1) }));
    const kept = JSON.stringify([source('deployments').list(), source('pods').list(), events.list()]);
    for (const key of ['managedFields', 'annotations', 'volumes', 'env', 'ownerReferences']) expect(kept).not.toContain(`"${key}":`);
    expect(source('pods').get('shop', 'orders-api-a')).toMatchObject({ metadata: { name: 'orders-api-a', resourceVersion: '481516' } });
  });

  it('when the first lists bring an Event before the workload it regards, then the tab still shows it once read', async () => {
    const { context, model, source, events } = setUp();
    new Controller(context, {
      name: 'runtime',
      watches: model.watches(),
      reconcile: async () => 'done' as const,
      concurrency: 1,
      keys: () => [],
    });
    events.upsert(warning({ name: 'e1', regarding: { kind: 'Deployment', name: 'orders-api' }, at: at(1) }));
    source('deployments').upsert(workload({ name: 'orders-api', entity: 'orders' }));
    expect(model.current.of('shop', 'orders').events.map((e) => e.name)).toEqual(['e1']);
  });

  it('when objects change after the first read, then the tab follows, and a Pod carrying both labels stays until both informers lost it', () => {
    const { context, model, changed, source } = setUp();
    new Controller(context, {
      name: 'runtime',
      watches: model.watches(),
      reconcile: async () => 'done' as const,
      concurrency: 1,
      keys: () => [],
    });
    source('deployments').upsert(workload({ name: 'orders-api', entity: 'orders' }));
    expect(model.current.of('shop', 'orders').workloads).toHaveLength(1);
    const p = pod({ name: 'orders-api-a', app: 'orders-api', entity: 'orders' });
    source('pods').upsert(p);
    source('pods', BACKSTAGE_ID_LABEL).upsert(p);
    source('pods').remove(p);
    expect(model.current.of('shop', 'orders').workloads[0]!.pods.map((x) => x.name)).toEqual(['orders-api-a']);
    source('pods', BACKSTAGE_ID_LABEL).remove(p);
    expect(model.current.of('shop', 'orders').workloads[0]!.pods).toEqual([]);
    expect(changed).toContain('orders');
  });
});
