import { describe, expect, it } from '@jest/globals';
import type { EntityStatus } from '../../src/api/v1alpha1/index.ts';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { CatalogReconciler } from '../../src/controllers/catalog/reconcile.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { component, group } from '../fixtures/entities.ts';
import { Writable } from 'node:stream';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

function setup() {
  const graph = new CatalogGraph();
  const writes: { ref: string; status: EntityStatus }[] = [];
  const reconciler = new CatalogReconciler({
    graph,
    now: () => new Date('2026-11-24T10:00:00Z'),
    log: quiet,
    writeStatus: async (entity: Entity, status: EntityStatus) => {
      writes.push({ ref: entity.ref, status });
      return 'written';
    },
  });
  return { graph, writes, reconciler };
}

describe('the catalog reconciler', () => {
  it('when an entity has no status yet, then it writes one', async () => {
    const { graph, writes, reconciler } = setup();
    graph.upsert(group('team-a'));
    graph.upsert(component('checkout'));
    expect(await reconciler.reconcile('component:default/checkout')).toBe('written');
    expect(writes[0]?.status.relations).toEqual([{ type: 'ownedBy', target: 'group:default/team-a' }]);
  });

  it('when reconciled twice before the cache has seen the write, then it writes once', async () => {
    const { graph, writes, reconciler } = setup();
    graph.upsert(component('checkout'));
    await reconciler.reconcile('component:default/checkout');
    expect(await reconciler.reconcile('component:default/checkout')).toBe('unchanged');
    expect(writes).toHaveLength(1);
  });

  it('when the cache shows the written status, then nothing more is written', async () => {
    const { graph, writes, reconciler } = setup();
    const entity = component('checkout');
    graph.upsert(entity);
    await reconciler.reconcile(entity.ref);
    graph.upsert({ ...entity, resourceVersion: '2', status: writes[0]!.status });
    expect(await reconciler.reconcile(entity.ref)).toBe('unchanged');
  });

  it('when somebody else overwrote the status after our write, then the reconciler writes it back', async () => {
    const { graph, writes, reconciler } = setup();
    const entity = component('checkout');
    graph.upsert(entity);
    await reconciler.reconcile(entity.ref);
    graph.upsert({ ...entity, resourceVersion: '3', status: {} });
    expect(await reconciler.reconcile(entity.ref)).toBe('written');
    expect(writes).toHaveLength(2);
  });

  it('when the entity is gone from the graph, then nothing is written', async () => {
    const { writes, reconciler } = setup();
    expect(await reconciler.reconcile('component:default/ghost')).toBe('gone');
    expect(writes).toHaveLength(0);
  });
});
