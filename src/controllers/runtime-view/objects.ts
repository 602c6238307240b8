/**
 * What the Runtime tab keeps of each watched object: a few fields copied out of the
 * apiserver's JSON, so a replica holds hundreds of bytes per Pod rather than the whole
 * object (managed fields, volumes, env…), and every string from the cluster is cut to a bound.
 */
import type { LabelSelector } from '../../scorecards/types.ts';

/** The longest message (Event note, condition or waiting message) kept, in characters. */
export const MESSAGE_MAX = 1_024;

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface RuntimeCondition {
  type: string;
  status: string;
  reason?: string | undefined;
  message?: string | undefined;
}

/** A Deployment or StatefulSet as the tab shows it. */
export interface RuntimeWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  createdAt?: string | undefined;
  selector?: LabelSelector | undefined;
  /** spec.replicas; Kubernetes defaults it to 1. */
  desired: number;
  containers: { name: string; image: string }[];
  status: { ready: number; updated: number; available: number; current: number; conditions: RuntimeCondition[] };
}

export interface RuntimeContainerStatus {
  name: string;
  ready: boolean;
  restarts: number;
  /** Why the container is not running, when it waits (CrashLoopBackOff, ImagePullBackOff…). */
  waiting?: { reason: string; message?: string | undefined } | undefined;
}

export interface RuntimePod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  createdAt?: string | undefined;
  phase: string;
  node?: string | undefined;
  terminating: boolean;
  containers: RuntimeContainerStatus[];
}

/** A Warning Event (events.k8s.io/v1). */
export interface RuntimeEvent {
  namespace: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  regarding: { kind: string; name: string };
  /** How often it happened: series.count, or deprecatedCount, or 1. */
  count: number;
  /** When it last happened (ISO), for ordering and the page. */
  lastAt: string;
}

export type Json = Record<string, unknown>;

export const record = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown, max = 253): string | undefined => (typeof value === 'string' ? value.slice(0, max) : undefined);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}

function condition(value: unknown): RuntimeCondition {
  const c = record(value);
  return { type: text(c.type) ?? '', status: text(c.status) ?? 'Unknown', reason: text(c.reason), message: text(c.message, MESSAGE_MAX) };
}

/** A workload's selector with only well-formed parts (a malformed one then matches nothing). */
function slimSelector(value: unknown): LabelSelector {
  const s = record(value);
  const matchExpressions = list(s.matchExpressions).map((e) => {
    const r = record(e);
    const values = list(r.values).filter((v): v is string => typeof v === 'string');
    return { key: text(r.key) ?? '', operator: String(r.operator) as 'In', values };
  });
  return { matchLabels: stringMap(s.matchLabels), matchExpressions };
}

/** The parts of a Deployment or StatefulSet the tab shows. */
export function slimWorkload(kind: WorkloadKind, object: unknown): RuntimeWorkload {
  const o = record(object);
  const metadata = record(o.metadata);
  const spec = record(o.spec);
  const status = record(o.status);
  const containers = list(record(record(spec.template).spec).containers).map((c) => ({
    name: text(record(c).name) ?? '',
    image: text(record(c).image, 512) ?? '',
  }));
  return {
    kind,
    namespace: text(metadata.namespace) ?? '',
    name: text(metadata.name) ?? '',
    labels: stringMap(metadata.labels),
    createdAt: text(metadata.creationTimestamp),
    selector: slimSelector(spec.selector),
    desired: typeof spec.replicas === 'number' ? count(spec.replicas) : 1,
    containers,
    status: {
      ready: count(status.readyReplicas),
      updated: count(status.updatedReplicas),
      available: count(status.availableReplicas),
      current: count(status.replicas),
      conditions: list(status.conditions).map(condition),
    },
  };
}

function containerStatus(value: unknown): RuntimeContainerStatus {
  const c = record(value);
  const waiting = record(record(c.state).waiting);
  const reason = text(waiting.reason);
  return {
    name: text(c.name) ?? '',
    ready: c.ready === true,
    restarts: count(c.restartCount),
    waiting: reason ? { reason, message: text(waiting.message, MESSAGE_MAX) } : undefined,
  };
}

/** The parts of a Pod the tab shows (init containers' statuses too: a Pod stuck in one waits there). */
export function slimPod(object: unknown): RuntimePod {
  const o = record(object);
  const metadata = record(o.metadata);
  const status = record(o.status);
  return {
    namespace: text(metadata.namespace) ?? '',
    name: text(metadata.name) ?? '',
    labels: stringMap(metadata.labels),
    createdAt: text(metadata.creationTimestamp),
    phase: text(status.phase) ?? 'Pending',
    node: text(record(o.spec).nodeName),
    terminating: typeof metadata.deletionTimestamp === 'string',
    containers: [...list(status.initContainerStatuses), ...list(status.containerStatuses)].map(containerStatus),
  };
}

/** The time an Event last happened: its series' last observation, its eventTime, or older fields. */
function lastTime(o: Json): string {
  const candidates = [record(o.series).lastObservedTime, o.deprecatedLastTimestamp, o.eventTime, record(o.metadata).creationTimestamp];
  const found = candidates.find((t) => typeof t === 'string' && Number.isFinite(Date.parse(t)));
  // Normalised (eventTime has microseconds, the others seconds), so the text sorts as time does.
  return new Date(typeof found === 'string' ? Date.parse(found) : 0).toISOString();
}

/** The parts of an events.k8s.io/v1 Event the tab shows. */
export function slimEvent(object: unknown): RuntimeEvent {
  const o = record(object);
  const metadata = record(o.metadata);
  const regarding = record(o.regarding);
  const seriesCount = count(record(o.series).count);
  return {
    namespace: text(metadata.namespace) ?? '',
    name: text(metadata.name) ?? '',
    type: text(o.type) ?? '',
    reason: text(o.reason, 128) ?? '',
    message: text(o.note, MESSAGE_MAX) ?? '',
    regarding: { kind: text(regarding.kind) ?? '', name: text(regarding.name) ?? '' },
    count: seriesCount || count(o.deprecatedCount) || 1,
    lastAt: lastTime(o),
  };
}

/**
 * A watched object cut down to what the Runtime tab reads (see the prune functions below):
 * what its informers cache instead of the apiserver's whole object. Its metadata keeps what
 * the informer itself needs — name and namespace (the cache key), resourceVersion (its change
 * check) and uid — besides the fields the slim functions read.
 */
export interface PrunedObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** `fields` without the ones that are undefined, so a pruned object carries no empty keys. */
function present(fields: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

/** A string kept whole (a cache key or a time the slim functions parse), or nothing. */
const whole = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
/**
 * An object's fields, pruned; nothing when the value is not an object or none of the fields
 * read is there (the slim functions read all of these as `{}`).
 */
function nested(value: unknown, prune: (o: Json) => Json): Json | undefined {
  const fields = present(prune(record(value)));
  return Object.keys(fields).length > 0 ? fields : undefined;
}
/** Each element pruned, as many as there were: the slim functions make one entry of every element, whatever its shape. */
const each = (value: unknown, prune: (o: Json) => Json): Json[] | undefined =>
  Array.isArray(value) ? value.map((element) => present(prune(record(element)))) : undefined;

/** The metadata every pruned object keeps, plus the fields of it the slim functions read. */
function prunedMetadata(object: Json, read: (metadata: Json) => Json): PrunedObject {
  const metadata = record(object.metadata);
  return present({
    apiVersion: whole(object.apiVersion),
    kind: whole(object.kind),
    metadata: present({
      name: whole(metadata.name),
      namespace: whole(metadata.namespace),
      uid: whole(metadata.uid),
      resourceVersion: whole(metadata.resourceVersion),
      ...read(metadata),
    }),
  }) as PrunedObject;
}

const prunedCondition = (c: Json): Json => ({
  type: text(c.type),
  status: text(c.status),
  reason: text(c.reason),
  message: text(c.message, MESSAGE_MAX),
});

/**
 * A Deployment or StatefulSet as its informer caches it: only what {@link slimWorkload} (and
 * through it the index's binding and selector matching) reads, so slimWorkload gives the same
 * from this as from the whole object. Annotations (a last-applied-configuration is a copy of
 * the whole spec), the Pod template's volumes, env and probes are not kept.
 */
export function pruneWorkload(object: unknown): PrunedObject {
  const o = record(object);
  const spec = record(o.spec);
  const status = record(o.status);
  return {
    ...prunedMetadata(o, (m) => ({ labels: stringMap(m.labels), creationTimestamp: text(m.creationTimestamp) })),
    spec: present({
      replicas: number(spec.replicas),
      selector: nested(spec.selector, (s) => ({
        matchLabels: stringMap(s.matchLabels),
        matchExpressions: each(s.matchExpressions, (e) => ({
          key: text(e.key),
          // As slimSelector reads it: whatever is there, as text.
          operator: e.operator === undefined ? undefined : String(e.operator),
          values: list(e.values).filter((v): v is string => typeof v === 'string'),
        })),
      })),
      template: {
        spec: present({
          containers: each(record(record(spec.template).spec).containers, (c) => ({ name: text(c.name), image: text(c.image, 512) })),
        }),
      },
    }),
    status: present({
      readyReplicas: number(status.readyReplicas),
      updatedReplicas: number(status.updatedReplicas),
      availableReplicas: number(status.availableReplicas),
      replicas: number(status.replicas),
      conditions: each(status.conditions, prunedCondition),
    }),
  };
}

const prunedContainerStatus = (c: Json): Json => ({
  name: text(c.name),
  ready: typeof c.ready === 'boolean' ? c.ready : undefined,
  restartCount: number(c.restartCount),
  state: nested(c.state, (state) => ({
    waiting: nested(state.waiting, (w) => ({ reason: text(w.reason), message: text(w.message, MESSAGE_MAX) })),
  })),
});

/**
 * A Pod as its informer caches it: only what {@link slimPod} (and through it the index's
 * binding and selector matching) reads, so slimPod gives the same from this as from the whole
 * Pod. The spec's containers, volumes and env, and the status's running and terminated states
 * are not kept.
 */
export function prunePod(object: unknown): PrunedObject {
  const o = record(object);
  const status = record(o.status);
  return {
    ...prunedMetadata(o, (m) => ({
      labels: stringMap(m.labels),
      creationTimestamp: text(m.creationTimestamp),
      deletionTimestamp: whole(m.deletionTimestamp),
    })),
    spec: present({ nodeName: text(record(o.spec).nodeName) }),
    status: present({
      phase: text(status.phase),
      initContainerStatuses: each(status.initContainerStatuses, prunedContainerStatus),
      containerStatuses: each(status.containerStatuses, prunedContainerStatus),
    }),
  };
}

/**
 * A Warning Event as its informer caches it: only what {@link slimEvent} reads, its note cut
 * to {@link MESSAGE_MAX} as slimEvent cuts it, so slimEvent gives the same from this as from
 * the whole Event. Its times are kept whole: slimEvent parses them.
 */
export function pruneEvent(object: unknown): PrunedObject {
  const o = record(object);
  return {
    ...prunedMetadata(o, (m) => ({ creationTimestamp: whole(m.creationTimestamp) })),
    ...present({
      type: text(o.type),
      reason: text(o.reason, 128),
      note: text(o.note, MESSAGE_MAX),
      regarding: nested(o.regarding, (r) => ({ kind: text(r.kind), name: text(r.name) })),
      series: nested(o.series, (s) => ({ count: number(s.count), lastObservedTime: whole(s.lastObservedTime) })),
      deprecatedCount: number(o.deprecatedCount),
      deprecatedLastTimestamp: whole(o.deprecatedLastTimestamp),
      eventTime: whole(o.eventTime),
    }),
  };
}

/**
 * An Argo CD Application or Flux Kustomization/HelmRelease as its informer caches it: only
 * what delivery.ts reads (an Application's status lists every resource it manages, often
 * hundreds of kilobytes). Messages are cut to {@link MESSAGE_MAX} as delivery.ts cuts them.
 */
export function pruneDelivery(object: unknown): PrunedObject {
  const o = record(object);
  const spec = record(o.spec);
  const status = record(o.status);
  const cut = (c: Json) =>
    present({ type: text(c.type), status: text(c.status), reason: text(c.reason), message: text(c.message, MESSAGE_MAX) });
  return {
    ...prunedMetadata(o, (m) => ({ labels: stringMap(m.labels) })),
    spec: present({
      destination: nested(spec.destination, (d) => ({ namespace: text(d.namespace) })),
      targetNamespace: text(spec.targetNamespace),
      suspend: typeof spec.suspend === 'boolean' ? spec.suspend : undefined,
    }),
    status: present({
      health: nested(status.health, (h) => ({ status: text(h.status), message: text(h.message, MESSAGE_MAX) })),
      sync: nested(status.sync, (s) => ({ status: text(s.status) })),
      conditions: Array.isArray(status.conditions) ? status.conditions.map((c) => cut(record(c))) : undefined,
      operationState: nested(status.operationState, (s) => ({ message: text(s.message, MESSAGE_MAX) })),
    }),
  };
}
