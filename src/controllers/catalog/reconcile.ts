import type { EntityStatus } from '../../api/v1alpha1/index.ts';
import type { Entity } from '../../catalog/entity.ts';
import { kindOf } from '../../catalog/entity.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import type { EventRecord } from '../../kube/events.ts';
import type { Logger } from '../../observability/logger.ts';
import { decideStatus, statusUpToDate, type ResolvedView } from './decide.ts';
import { readinessEvent } from './events.ts';
import { CONDITION } from './reasons.ts';

/** Writes one entity's status; the I/O edge of the reconciler. */
export type StatusSink = (entity: Entity, status: EntityStatus) => Promise<'written' | 'gone'>;

/** Records an Event about an entity; best effort, never throws. */
export type EventSink = (entity: Entity, event: EventRecord) => Promise<void>;

export interface ReconcilerDependencies {
  graph: CatalogGraph;
  writeStatus: StatusSink;
  recordEvent?: EventSink;
  now: () => Date;
  log: Logger;
}

export type ReconcileOutcome = 'unchanged' | 'written' | 'gone';

/** What the graph knows about one entity, gathered for the pure decision. */
export function resolvedView(graph: CatalogGraph, ref: EntityRef): ResolvedView {
  return {
    relations: graph.relationsOf(ref),
    dangling: graph.danglingOf(ref),
    unparsable: graph.unparsableOf(ref),
    cycles: graph.cyclesOf(ref),
  };
}

/**
 * The catalog reconciler: gather from the graph → decide (pure) → write status only when
 * it changed. It remembers what it last wrote per entity so that a second event arriving
 * before the informer has seen our own write does not write the same status again.
 */
export class CatalogReconciler {
  private readonly deps: ReconcilerDependencies;
  private readonly lastWritten = new Map<EntityRef, { seenVersion: string; status: EntityStatus }>();

  constructor(deps: ReconcilerDependencies) {
    this.deps = deps;
  }

  async reconcile(ref: EntityRef): Promise<ReconcileOutcome> {
    const entity = this.deps.graph.get(ref);
    if (!entity) {
      this.lastWritten.delete(ref);
      return 'gone';
    }
    const desired = decideStatus(entity, resolvedView(this.deps.graph, ref), this.deps.now());
    // While the cache still holds the version we wrote over, our write is the truth; once the
    // cache moved on (our write or anybody else's change), the cache is.
    let known = this.lastWritten.get(ref);
    if (known && known.seenVersion !== entity.resourceVersion) {
      // The cache has moved past the version we wrote over: the entry will not be used again,
      // and keeping it would hold a second copy of every written status for good.
      this.lastWritten.delete(ref);
      known = undefined;
    }
    const current = known ? known.status : entity.status;
    if (statusUpToDate(current, desired)) return 'unchanged';
    const log = this.deps.log.child({ kind: kindOf(entity).kind, namespace: entity.namespace, name: entity.name });
    const result = await this.deps.writeStatus(entity, desired);
    if (result === 'gone') {
      this.lastWritten.delete(ref);
      return 'gone';
    }
    this.lastWritten.set(ref, { seenVersion: entity.resourceVersion, status: desired });
    const event = readinessEvent(current, desired);
    if (event && this.deps.recordEvent) await this.deps.recordEvent(entity, event);
    const ready = desired.conditions?.find((c) => c.type === CONDITION.Ready);
    log.info({ ready: ready?.status, reason: ready?.reason, relations: desired.relations?.length ?? 0 }, 'status written');
    return 'written';
  }

  /** Forgets an entity that was deleted. */
  forget(ref: EntityRef): void {
    this.lastWritten.delete(ref);
  }
}
