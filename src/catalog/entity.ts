import type { CatalogKind, EntityStatus } from '../api/v1alpha1/index.ts';
import { catalogKind } from '../api/v1alpha1/index.ts';
import { refOf, type EntityRef } from './refs.ts';

/** A catalog entity as the operator keeps it in memory: the object minus what it never reads. */
export interface Entity {
  ref: EntityRef;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  resourceVersion: string;
  creationTimestamp: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
  status: EntityStatus | undefined;
  /** When its spec last changed as far as this process knows (creation time at first sight). */
  changedAt?: string | undefined;
}

/** The shape of a catalog custom resource as it comes from the apiserver. */
export interface CatalogObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: EntityStatus;
}

/** Converts an object from the apiserver; undefined for objects that are not catalog entities. */
export function toEntity(object: CatalogObject): Entity | undefined {
  const kind = object.kind ? catalogKind(object.kind) : undefined;
  const meta = object.metadata;
  if (!kind || !meta?.name || !meta.namespace) return undefined;
  const created = meta.creationTimestamp;
  return {
    ref: refOf(kind.kind, meta.namespace, meta.name),
    kind: kind.kind,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid ?? '',
    generation: meta.generation ?? 0,
    resourceVersion: meta.resourceVersion ?? '',
    creationTimestamp: created instanceof Date ? created.toISOString() : created,
    labels: meta.labels ?? {},
    annotations: meta.annotations ?? {},
    spec: object.spec ?? {},
    status: object.status,
    changedAt: created instanceof Date ? created.toISOString() : created,
  };
}

/**
 * Carries "last changed" across updates: a new generation (a spec change) is stamped `now`;
 * a status-only update keeps the previous time.
 */
export function withChangedAt(next: Entity, previous: Entity | undefined, now: Date): Entity {
  if (!previous) return next;
  return { ...next, changedAt: previous.generation !== next.generation ? now.toISOString() : previous.changedAt };
}

/** The kind definition of an entity (always found: entities are built from known kinds). */
export function kindOf(entity: Pick<Entity, 'kind'>): CatalogKind {
  const kind = catalogKind(entity.kind);
  if (!kind) throw new Error(`unknown catalog kind ${entity.kind}`);
  return kind;
}
