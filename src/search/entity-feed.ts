import type { Entity } from '../catalog/entity.ts';
import type { EntityRef } from '../catalog/refs.ts';
import type { SearchIndex } from './index.ts';

/**
 * Entity changes on their way into the search index, applied a slice at a time after the
 * informer's handler has returned. The catalog's read model is the graph; indexing an
 * entity for search costs more than keeping it in the graph, and at 100,000 entities doing
 * both inside each event put 10–25 s of indexing between operator start and a complete read
 * API. Now the graph is whole first and search catches up in slices, between which other
 * events and requests run. Of several changes to one entity waiting, only the last is applied.
 */
export class DeferredEntityFeed {
  private readonly pending = new Map<EntityRef, Entity | undefined>();
  private scheduled = false;
  private readonly index: Pick<SearchIndex, 'upsertEntity' | 'removeEntity'>;
  private readonly slice: number;
  private readonly schedule: (run: () => void) => void;

  constructor(
    index: Pick<SearchIndex, 'upsertEntity' | 'removeEntity'>,
    options: { slice?: number; schedule?: (run: () => void) => void } = {},
  ) {
    this.index = index;
    this.slice = options.slice ?? 500;
    this.schedule = options.schedule ?? ((run) => void setImmediate(run));
  }

  entityChanged(entity: Entity): void {
    this.pending.delete(entity.ref);
    this.pending.set(entity.ref, entity);
    this.arm();
  }

  entityRemoved(ref: EntityRef): void {
    this.pending.delete(ref);
    this.pending.set(ref, undefined);
    this.arm();
  }

  /** Changes not yet in the index. */
  get backlog(): number {
    return this.pending.size;
  }

  private arm(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let applied = 0;
    for (const [ref, entity] of this.pending) {
      this.pending.delete(ref);
      if (entity) this.index.upsertEntity(entity);
      else this.index.removeEntity(ref);
      if (++applied >= this.slice) break;
    }
    if (this.pending.size > 0) this.arm();
  }
}
