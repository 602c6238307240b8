import { bindsTo } from '../../scorecards/facts.ts';
import {
  slimEvent,
  slimPod,
  slimWorkload,
  type RuntimeEvent,
  type RuntimePod,
  type RuntimeWorkload,
  type WorkloadKind,
} from './objects.ts';
import { matchesSelector } from './selector.ts';

/** Warning Events kept for one entity: a page shows the latest few, not a log. */
export const EVENTS_PER_ENTITY = 20;
/** Warning Events kept in all, whatever the number of entities: the replica's memory bound. */
export const EVENTS_IN_ALL = 5_000;

/** The kinds the index is told about. */
export type RuntimeKind = WorkloadKind | 'Pod' | 'Event';

/** One bound workload and the Pods its selector picks. */
export interface BoundWorkload {
  workload: RuntimeWorkload;
  pods: RuntimePod[];
}

/** What the cluster runs for one entity, as kept. */
export interface EntityRuntimeObjects {
  workloads: BoundWorkload[];
  /** Newest first. */
  events: RuntimeEvent[];
}

const entityKey = (namespace: string, entity: string): string => `${namespace}/${entity}`;

/**
 * The Runtime tab's read model, one per replica: the workloads bound to an entity (by the
 * labels scorecards read), the labelled Pods of their namespaces, and the latest Warning
 * Events about them, updated one watched object at a time. It keeps a small copy of each
 * object (objects.ts), and Events only when they concern a bound object, at most
 * {@link EVENTS_PER_ENTITY} per entity and {@link EVENTS_IN_ALL} in all, the oldest dropped first.
 */
export class RuntimeIndex {
  /** `Kind/namespace/name` → the workload and the entity key it is filed under. */
  private readonly workloads = new Map<string, { key: string; workload: RuntimeWorkload }>();
  private readonly workloadsOf = new Map<string, Set<string>>();
  /** Namespace → Pod name → Pod; only Pods that carry a binding label are watched. */
  private readonly pods = new Map<string, Map<string, RuntimePod>>();
  /**
   * Namespace → `key=value` → names of the Pods with that label: a tab looks up its workloads'
   * Pods by one of their selector's matchLabels pairs, never scanning every Pod of a busy
   * namespace (30,000 Pods took 10 ms a read).
   */
  private readonly podsByLabel = new Map<string, Map<string, Set<string>>>();
  /** `namespace/name` of an Event → the entity key it is filed under. */
  private readonly eventFiled = new Map<string, string>();
  /** Entity key → its Events, oldest first. */
  private readonly eventsOf = new Map<string, RuntimeEvent[]>();

  /** Events kept now, in all. */
  get eventCount(): number {
    return this.eventFiled.size;
  }

  /**
   * Records what the caches hold now for one object (undefined once it is gone). Returns the
   * names of the entities whose Runtime tab changed (a relabelled workload names both).
   */
  update(kind: RuntimeKind, namespace: string, name: string, object: unknown): string[] {
    if (kind === 'Pod') return this.updatePod(namespace, name, object);
    if (kind === 'Event') return this.updateEvent(namespace, name, object);
    return this.updateWorkload(kind, namespace, name, object);
  }

  /** The workloads bound to the entity `name` in `namespace`, with their Pods and Events. */
  of(namespace: string, name: string): EntityRuntimeObjects {
    const key = entityKey(namespace, name);
    const workloads = [...(this.workloadsOf.get(key) ?? [])].map((id) => {
      const workload = this.workloads.get(id)!.workload;
      return { workload, pods: this.candidatePods(namespace, workload).filter((pod) => matchesSelector(workload.selector, pod.labels)) };
    });
    // Only Events about what is bound now: a workload relabelled away takes its Events along.
    const about = new Set(
      workloads.flatMap(({ workload, pods }) => [`${workload.kind}/${workload.name}`, ...pods.map((p) => `Pod/${p.name}`)]),
    );
    const deployments = workloads.filter((w) => w.workload.kind === 'Deployment').map((w) => w.workload.name);
    const concerns = (e: RuntimeEvent): boolean =>
      about.has(`${e.regarding.kind}/${e.regarding.name}`) ||
      (e.regarding.kind === 'ReplicaSet' && deployments.some((d) => replicaSetOf(e.regarding.name) === d));
    return { workloads, events: (this.eventsOf.get(key) ?? []).filter(concerns).reverse() };
  }

  private updateWorkload(kind: WorkloadKind, namespace: string, name: string, object: unknown): string[] {
    const id = `${kind}/${namespace}/${name}`;
    const before = this.workloads.get(id);
    if (before) {
      const ids = this.workloadsOf.get(before.key)!;
      ids.delete(id);
      if (ids.size === 0) this.workloadsOf.delete(before.key);
      this.workloads.delete(id);
    }
    const workload = object === undefined ? undefined : slimWorkload(kind, object);
    const entity = workload && bindsTo({ metadata: { labels: workload.labels } });
    if (workload && entity) {
      const key = entityKey(namespace, entity);
      this.workloads.set(id, { key, workload });
      this.workloadsOf.set(key, (this.workloadsOf.get(key) ?? new Set()).add(id));
    }
    return [...new Set([before && entityName(before.key), entity].filter((e): e is string => !!e))];
  }

  /**
   * The Pods a workload's selector could pick: those with the rarest of its matchLabels pairs,
   * or (a selector of matchExpressions only) every Pod of the namespace.
   */
  private candidatePods(namespace: string, workload: RuntimeWorkload): RuntimePod[] {
    const pods = this.pods.get(namespace);
    if (!pods) return [];
    const byLabel = this.podsByLabel.get(namespace);
    let fewest: Set<string> | undefined;
    for (const [k, v] of Object.entries(workload.selector?.matchLabels ?? {})) {
      const names = byLabel?.get(`${k}=${v}`);
      if (!names) return [];
      if (!fewest || names.size < fewest.size) fewest = names;
    }
    return fewest ? [...fewest].map((n) => pods.get(n)!) : [...pods.values()];
  }

  private fileLabels(namespace: string, name: string, labels: Readonly<Record<string, string>>, file: boolean): void {
    let byLabel = this.podsByLabel.get(namespace);
    if (!byLabel) {
      if (!file) return;
      this.podsByLabel.set(namespace, (byLabel = new Map()));
    }
    for (const [k, v] of Object.entries(labels)) {
      const label = `${k}=${v}`;
      const names = byLabel.get(label);
      if (file) byLabel.set(label, (names ?? new Set()).add(name));
      else if (names) {
        names.delete(name);
        if (names.size === 0) byLabel.delete(label);
      }
    }
    if (byLabel.size === 0) this.podsByLabel.delete(namespace);
  }

  private updatePod(namespace: string, name: string, object: unknown): string[] {
    const pods = this.pods.get(namespace) ?? new Map<string, RuntimePod>();
    const before = pods.get(name);
    const pod = object === undefined ? undefined : slimPod(object);
    const entity = pod && bindsTo({ metadata: { labels: pod.labels } });
    if (before) this.fileLabels(namespace, name, before.labels, false);
    if (pod && entity) {
      pods.set(name, pod);
      this.fileLabels(namespace, name, pod.labels, true);
    } else pods.delete(name);
    if (pods.size === 0) this.pods.delete(namespace);
    else this.pods.set(namespace, pods);
    const was = before && bindsTo({ metadata: { labels: before.labels } });
    return [...new Set([was, entity].filter((e): e is string => !!e))];
  }

  private updateEvent(namespace: string, name: string, object: unknown): string[] {
    const id = `${namespace}/${name}`;
    const before = this.eventFiled.get(id);
    if (before !== undefined) this.dropEvent(before, id);
    const event = object === undefined ? undefined : slimEvent(object);
    const entity = event && event.type === 'Warning' ? this.entityConcerned(namespace, event) : undefined;
    if (event && entity) this.keepEvent(entityKey(namespace, entity), id, event);
    return [...new Set([before && entityName(before), entity].filter((e): e is string => !!e))];
  }

  /** The entity an Event is about, when it regards a bound workload, one of their ReplicaSets, or a labelled Pod. */
  private entityConcerned(namespace: string, event: RuntimeEvent): string | undefined {
    const { kind, name } = event.regarding;
    if (kind === 'Pod') {
      const pod = this.pods.get(namespace)?.get(name);
      return pod && bindsTo({ metadata: { labels: pod.labels } });
    }
    const workloadName = kind === 'ReplicaSet' ? replicaSetOf(name) : name;
    const workloadKind = kind === 'ReplicaSet' ? 'Deployment' : kind;
    const filed = workloadName && this.workloads.get(`${workloadKind}/${namespace}/${workloadName}`);
    return filed ? entityName(filed.key) : undefined;
  }

  private keepEvent(key: string, id: string, event: RuntimeEvent): void {
    const events = this.eventsOf.get(key) ?? [];
    // Oldest first; Events mostly arrive in time order, so the insertion point is near the end.
    let at = events.length;
    while (at > 0 && events[at - 1]!.lastAt > event.lastAt) at--;
    events.splice(at, 0, event);
    this.eventsOf.set(key, events);
    this.eventFiled.set(id, key);
    if (events.length > EVENTS_PER_ENTITY) this.dropEvent(key, eventId(events[0]!));
    while (this.eventFiled.size > EVENTS_IN_ALL) this.dropOldest();
  }

  private dropEvent(key: string, id: string): void {
    this.eventFiled.delete(id);
    const events = this.eventsOf.get(key);
    if (!events) return;
    const remaining = events.filter((e) => eventId(e) !== id);
    if (remaining.length === 0) this.eventsOf.delete(key);
    else this.eventsOf.set(key, remaining);
  }

  /** Drops the oldest Event of all: each entity's list is oldest first, so only their heads compete. */
  private dropOldest(): void {
    let oldest: { key: string; event: RuntimeEvent } | undefined;
    for (const [key, events] of this.eventsOf) if (!oldest || events[0]!.lastAt < oldest.event.lastAt) oldest = { key, event: events[0]! };
    if (oldest) this.dropEvent(oldest.key, eventId(oldest.event));
  }
}

const eventId = (event: RuntimeEvent): string => `${event.namespace}/${event.name}`;
const entityName = (key: string): string => key.slice(key.indexOf('/') + 1);

/** The Deployment a ReplicaSet `<deployment>-<pod-template-hash>` belongs to (the hash has no dash). */
export function replicaSetOf(replicaSet: string): string | undefined {
  const dash = replicaSet.lastIndexOf('-');
  return dash > 0 ? replicaSet.slice(0, dash) : undefined;
}
