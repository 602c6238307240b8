import { createHash } from 'node:crypto';
import { SOURCE_LABEL } from '../api/v1alpha1/catalog-source.ts';
import type { GreenroomObject } from '../convert/model.ts';
import type { SourcedEntity, SourceProblem, SourceSnapshot } from './provider.ts';

/** Where an entity written by a CatalogSource came from, kept on the entity for its page. */
export const ORIGIN_LOCATION_ANNOTATION = 'greenroom.dev/source-location';
export const ORIGIN_LINE_ANNOTATION = 'greenroom.dev/source-line';
export const ORIGIN_EDIT_URL_ANNOTATION = 'greenroom.dev/source-edit-url';
/**
 * A digest of what the source last wrote to the entity. Comparing digests, not specs, tells
 * "unchanged" from "updated" without tripping over defaults the apiserver added, and lets
 * an unchanged entity cost no request at all.
 */
export const SOURCE_DIGEST_ANNOTATION = 'greenroom.dev/source-digest';

/** A CatalogSource, as the plan needs it: the namespace everything is written to, and its name. */
export interface SourceIdentity {
  namespace: string;
  name: string;
}

/** An entity of the source's namespace as the informer cache holds it (only what the plan reads). */
export interface CatalogEntry {
  kind: string;
  name: string;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

export interface EntityKey {
  kind: string;
  name: string;
}

/** An entity the source holds that someone else already holds in the catalog: left alone, and said. */
export interface Conflict extends EntityKey {
  /** `CatalogSource <name>`, or `someone else` for an entity applied by hand or by GitOps. */
  holder: string;
  location: string;
}

export interface SyncPlan {
  /** Objects to server-side apply, each a create or an update. */
  apply: { object: GreenroomObject; change: 'create' | 'update' }[];
  unchanged: number;
  /** Entities this source wrote that it no longer holds. */
  remove: EntityKey[];
  conflicts: Conflict[];
  /** The snapshot's problems, then what placing its entities found. */
  problems: SourceProblem[];
  /** How many entities the source holds in the catalog once the plan is carried out. */
  held: number;
}

const keyOf = (kind: string, name: string) => `${kind}/${name}`;

/** The holder of a catalog entry: this source, another source, or someone else. */
function holderOf(entry: CatalogEntry): string | undefined {
  const source = entry.labels?.[SOURCE_LABEL];
  return source === undefined ? undefined : source;
}

/**
 * The object the source writes for an entity: in the source's namespace whatever the file
 * said, labelled with the source, with its origin and the digest of all of it.
 */
export function desiredObject(source: SourceIdentity, entity: SourcedEntity): GreenroomObject {
  const { object, origin } = entity;
  const annotations: Record<string, string> = { ...object.metadata.annotations, [ORIGIN_LOCATION_ANNOTATION]: origin.location };
  if (origin.line !== undefined) annotations[ORIGIN_LINE_ANNOTATION] = String(origin.line);
  if (origin.editUrl !== undefined) annotations[ORIGIN_EDIT_URL_ANNOTATION] = origin.editUrl;
  const placed: GreenroomObject = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata.name,
      namespace: source.namespace,
      labels: { ...object.metadata.labels, [SOURCE_LABEL]: source.name },
      annotations,
    },
    spec: object.spec,
  };
  annotations[SOURCE_DIGEST_ANNOTATION] = digestOf(placed);
  return placed;
}

/** SHA-256 of an object's identity, labels, annotations (but the digest) and spec, keys sorted. */
export function digestOf(object: GreenroomObject): string {
  const { [SOURCE_DIGEST_ANNOTATION]: _, ...annotations } = object.metadata.annotations;
  const canonical = JSON.stringify(
    [object.kind, object.metadata.name, object.metadata.labels ?? {}, annotations, object.spec],
    (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/**
 * What to do to bring the catalog of the source's namespace in step with a snapshot. An
 * entity is created when nobody holds it, updated when this source holds it and its digest
 * changed, and left alone (a conflict) when another source or a person holds it — never
 * overwritten. Entities this source holds that the snapshot no longer has are removed — but
 * not those of a file the snapshot has a problem with — and no other entity ever is. Two
 * entities of the snapshot with one kind and name: the first wins.
 */
export function planSync(source: SourceIdentity, snapshot: SourceSnapshot, current: readonly CatalogEntry[]): SyncPlan {
  const existing = new Map(current.map((entry) => [keyOf(entry.kind, entry.name), entry]));
  const plan: SyncPlan = { apply: [], unchanged: 0, remove: [], conflicts: [], problems: [...snapshot.problems], held: 0 };
  const wanted = new Set<string>();
  for (const entity of snapshot.entities) {
    const { kind, metadata } = entity.object;
    const key = keyOf(kind, metadata.name);
    const at = { location: entity.origin.location, ...(entity.origin.line === undefined ? {} : { line: entity.origin.line }) };
    if (wanted.has(key)) {
      plan.problems.push({
        ...at,
        reason: `${kind} ${metadata.name} is defined more than once in this source; the first definition is used`,
      });
      continue;
    }
    wanted.add(key);
    if (metadata.namespace !== undefined && metadata.namespace !== source.namespace)
      plan.problems.push({
        ...at,
        reason: `${kind} ${metadata.name} names namespace ${metadata.namespace}; a CatalogSource writes only to its own, ${source.namespace}`,
      });
    const entry = existing.get(key);
    const holder = entry && holderOf(entry);
    if (entry && holder !== source.name) {
      plan.conflicts.push({
        kind,
        name: metadata.name,
        location: entity.origin.location,
        holder: holder ? `CatalogSource ${holder}` : 'someone else',
      });
      continue;
    }
    plan.held++;
    const object = desiredObject(source, entity);
    if (!entry) plan.apply.push({ object, change: 'create' });
    else if (entry.annotations?.[SOURCE_DIGEST_ANNOTATION] !== object.metadata.annotations[SOURCE_DIGEST_ANNOTATION])
      plan.apply.push({ object, change: 'update' });
    else plan.unchanged++;
  }
  // A file that could not be read or converted this time (bad YAML, too big) still holds its
  // entities as far as the catalog knows: they are kept until the file is fixed or removed.
  const troubled = new Set(snapshot.problems.map((p) => p.location));
  for (const entry of current) {
    if (holderOf(entry) !== source.name || wanted.has(keyOf(entry.kind, entry.name))) continue;
    if (troubled.has(entry.annotations?.[ORIGIN_LOCATION_ANNOTATION] ?? '')) plan.held++;
    else plan.remove.push({ kind: entry.kind, name: entry.name });
  }
  return plan;
}
