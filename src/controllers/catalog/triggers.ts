import { CATALOG_KINDS, catalogResource } from '../../api/v1alpha1/index.ts';
import { compactCatalogObject, StringPool } from '../../catalog/compact.ts';
import { toEntity, withChangedAt, type CatalogObject, type Entity } from '../../catalog/entity.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';

/**
 * Told of every entity as the catalog sees it change or go: the search index and the
 * scorecards. The catalog calls them in the order given, synchronously, before it queues
 * anything.
 */
export interface EntityListener {
  entityChanged(entity: Entity): void;
  entityRemoved(ref: EntityRef): void;
}

/**
 * What enqueues catalog work: every catalog kind is watched, each event is first kept in the
 * graph (the read model every replica serves from) and passed to the listeners, and then
 * the entities the graph says it affected — the entity itself, and those whose relations or
 * references it changes — are queued.
 */
export function catalogWatches(context: ControllerContext, graph: CatalogGraph, listeners: readonly EntityListener[]): Watch[] {
  const pool = new StringPool();
  return CATALOG_KINDS.map((kind) =>
    watch(
      context.watch<CatalogObject & { metadata: { name: string } }>(catalogResource(kind), {
        name: kind.kind.toLowerCase(),
        transform: (object) => compactCatalogObject(object, pool),
      }),
      ({ type, object }) => {
        // Objects come from a raw list/watch: timestamps are strings, as CatalogObject says.
        const entity = toEntity(object);
        if (!entity) return [];
        if (type === 'delete') {
          for (const listener of listeners) listener.entityRemoved(entity.ref);
          // The entity itself too: its reconcile finds it gone and forgets what it last wrote.
          return [...graph.remove(entity.ref), entity.ref];
        }
        const current = withChangedAt(entity, graph.get(entity.ref), nowOf(context));
        for (const listener of listeners) listener.entityChanged(current);
        return graph.upsert(current);
      },
    ),
  );
}
