/**
 * The Runtime tab's read model on every replica (the dashboard is served by each): the
 * workload, Pod and Warning Event informers feed the index through a controller that queues
 * nothing — like the docs sites, it is kept, not reconciled — and Argo CD / Flux health is
 * watched when the cluster serves them.
 */
import type { ControllerContext } from '../../runtime/context.ts';
import { Controller } from '../../runtime/controller.ts';
import type { DeliveryEntity, DeliveryStatus } from './delivery.ts';
import { DeliveryWatch } from './delivery-watch.ts';
import { entityRuntime, type EntityRuntimeView } from './runtime-view.ts';
import { RuntimeReadModel, watchRuntime } from './watches.ts';

/** What the dashboard reads of what runs for an entity. */
export interface RuntimeShelf {
  runtimeOf(entity: DeliveryEntity, now: Date): { view: EntityRuntimeView; delivery: DeliveryStatus[] };
}

export interface RuntimeViews {
  controller: Controller;
  delivery: DeliveryWatch;
  shelf: RuntimeShelf;
}

export function runtimeViews(context: ControllerContext): RuntimeViews {
  const model = new RuntimeReadModel(watchRuntime(context));
  const delivery = new DeliveryWatch(context);
  const controller = new Controller(context, {
    name: 'runtime-view',
    watches: model.watches(),
    concurrency: 1,
    keys: () => [],
    // Discovery only: the delivery informers fill in behind, never holding up readiness.
    waitFor: () => delivery.start(),
    reconcile: async () => 'done',
  });
  return {
    controller,
    delivery,
    shelf: {
      runtimeOf: (entity, now) => ({ view: entityRuntime(model.current, entity, now), delivery: delivery.of(entity) }),
    },
  };
}
