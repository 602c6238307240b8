import { describe, expect, it } from '@jest/globals';
import type { EntityStatus } from '../../src/api/v1alpha1/index.ts';
import type { CatalogObject } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import type { EntityRef } from '../../src/catalog/refs.ts';
import { catalogController } from '../../src/controllers/catalog/controller.ts';
import { fakeContext, settle } from '../support/fake-context.ts';

// The catalog controller as a replica runs it — the generic controller, its watches and
// its reconciler — over a fake context: sources filled by hand, status writes recorded.
const object = (
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  generation = 1,
): CatalogObject & { metadata: { name: string } } => ({
  apiVersion: 'greenroom.dev/v1alpha1',
  kind,
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, generation, resourceVersion: String(generation) },
  spec,
});
const checkout = (dependsOn: string[] = []) =>
  object('Component', 'checkout', { type: 'service', lifecycle: 'production', owner: 'payments', dependsOn });
const payments = object('Group', 'payments', { type: 'team' });
const ledger = object('Resource', 'ledger', { type: 'database', owner: 'payments' });

function harness(leader = true) {
  const context = fakeContext({ leader });
  const graph = new CatalogGraph();
  const seen: string[] = [];
  const controller = catalogController(context, {
    graph,
    concurrency: 2,
    listeners: [
      { entityChanged: (e) => void seen.push(`changed ${e.ref}`), entityRemoved: (ref: EntityRef) => void seen.push(`removed ${ref}`) },
    ],
  });
  const written = (name: string) => context.writes.filter((w) => w.name === name).map((w) => w.status as EntityStatus);
  const ready = (name: string) =>
    written(name)
      .at(-1)
      ?.conditions?.find((c) => c.type === 'Ready');
  return { context, graph, controller, seen, written, ready };
}

describe('the catalog controller', () => {
  it('when entities were there before it started, then each is written once with its relations after every kind has synced', async () => {
    const { context, controller, written, ready, seen } = harness();
    context.source('group').upsert(payments);
    context.source('component').upsert(checkout(['resource:ledger']));
    context.source('resource').upsert(ledger);
    await controller.start();
    await settle();
    expect(written('checkout')).toHaveLength(1);
    expect(written('checkout')[0]!.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', target: 'group:shop/payments' },
        { type: 'dependsOn', target: 'resource:shop/ledger' },
      ]),
    );
    expect(ready('checkout')).toMatchObject({ status: 'True' });
    expect(written('payments')).toHaveLength(1);
    // The fan-out heard of every entity before anything was written.
    expect(seen.sort()).toEqual(['changed component:shop/checkout', 'changed group:shop/payments', 'changed resource:shop/ledger']);
    await controller.stop();
  });

  it('when a referenced entity is deleted, then the entity that names it is written again with a dangling reference and an Event', async () => {
    const { context, controller, ready, seen } = harness();
    context.source('group').upsert(payments);
    context.source('resource').upsert(ledger);
    context.source('component').upsert(checkout(['resource:ledger']));
    await controller.start();
    await settle();
    context.source('resource').remove(ledger);
    await settle();
    expect(ready('checkout')).toMatchObject({ status: 'False', reason: 'DanglingReference' });
    expect(seen).toContain('removed resource:shop/ledger');
    expect(context.recorded.map((r) => [r.object.name, r.event.type])).toContainEqual(['checkout', 'Warning']);
    await controller.stop();
  });

  it('when the replica is a follower, then it keeps the graph but writes nothing until it becomes leader', async () => {
    const { context, controller, graph, written } = harness(false);
    context.source('group').upsert(payments);
    context.source('component').upsert(checkout());
    await controller.start();
    await settle();
    expect(graph.get('component:shop/checkout')).toBeDefined();
    expect(written('checkout')).toEqual([]);
    context.leader = true;
    await controller.enqueueAll();
    await settle();
    expect(written('checkout')).toHaveLength(1);
    await controller.stop();
  });
});
