/**
 * The Runtime tab's watches: what each replica lists and watches to keep its
 * {@link RuntimeIndex}. Nothing is queued: this is a read model, like the docs sites.
 */
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';
import type { Source, WatchedObject } from '../../runtime/source.ts';
import { BACKSTAGE_ID_LABEL, COMPONENT_LABEL } from '../../scorecards/facts.ts';
import { pruneEvent, prunePod, pruneWorkload } from './objects.ts';
import { RuntimeIndex, type RuntimeKind } from './runtime-index.ts';

/** The Events the tab shows; Normal ones (most of a cluster's) are never sent to the replica. */
export const WARNING_EVENTS = 'type=Warning';

type Watched = WatchedObject & { metadata?: { name?: string; namespace?: string } };

/** The sources of the Runtime tab, by the kind they hold. */
export interface RuntimeSources {
  /** Each kind by either binding label: an object may be in both of its kind's informers. */
  byKind: { kind: Exclude<RuntimeKind, 'Event'>; sources: Source<Watched>[] }[];
  events: Source<Watched>;
}

/**
 * Deployments, StatefulSets and Pods that carry either binding label (a Pod carries its
 * template's labels), one informer per kind and label as the scorecards watch workloads, and
 * Warning Events (events.k8s.io/v1, by field selector) over the whole scope. Each informer
 * caches its objects pruned to what the index reads (objects.ts), not whole: in a big cluster
 * these are every labelled Pod and every Warning Event, and the replica's memory must stay
 * bounded by what the tab shows.
 */
export function watchRuntime(context: ControllerContext): RuntimeSources {
  const byLabel = (type: (typeof RESOURCES)[keyof typeof RESOURCES], transform: (object: Watched) => Watched) =>
    [COMPONENT_LABEL, BACKSTAGE_ID_LABEL].map((label) =>
      context.watch<Watched>(type, { name: `runtime-${type.plural}-${label}`, labelSelector: label, transform }),
    );
  return {
    byKind: [
      { kind: 'Deployment', sources: byLabel(RESOURCES.deployments, pruneWorkload) },
      { kind: 'StatefulSet', sources: byLabel(RESOURCES.statefulSets, pruneWorkload) },
      { kind: 'Pod', sources: byLabel(RESOURCES.pods, prunePod) },
    ],
    events: context.watch<Watched>(RESOURCES.events, {
      name: 'runtime-warning-events',
      fieldSelector: WARNING_EVENTS,
      transform: pruneEvent,
    }),
  };
}

/**
 * The read model over the sources: built from their caches on first use — workloads, then
 * Pods, then Events, since an Event is kept only once what it regards is known, and the
 * informers' first lists arrive in any order — and from then on updated by every event.
 */
export class RuntimeReadModel {
  private index: RuntimeIndex | undefined;
  private readonly sources: RuntimeSources;
  private readonly changed: (entities: string[], namespace: string) => void;

  /** `changed` hears which entities' tabs changed (for a live page); optional. */
  constructor(sources: RuntimeSources, changed: (entities: string[], namespace: string) => void = () => {}) {
    this.sources = sources;
    this.changed = changed;
  }

  /** The index, built on first use. */
  get current(): RuntimeIndex {
    if (this.index) return this.index;
    const index = new RuntimeIndex();
    for (const { kind, sources } of this.sources.byKind)
      for (const source of sources) for (const o of source.list()) index.update(kind, o.metadata!.namespace!, o.metadata!.name!, o);
    for (const e of this.sources.events.list()) index.update('Event', e.metadata!.namespace!, e.metadata!.name!, e);
    return (this.index = index);
  }

  /** Watches that keep the index up to date; they queue no keys. */
  watches(): Watch[] {
    const kinds = this.sources.byKind.flatMap(({ kind, sources }) =>
      sources.map((source) => watch(source, ({ object }) => this.record(kind, sources, object))),
    );
    return [...kinds, watch(this.sources.events, ({ object }) => this.record('Event', [this.sources.events], object))];
  }

  /** What the sources of a kind hold now for the object an event named (gone only when gone from all). */
  private record(kind: RuntimeKind, sources: readonly Source<Watched>[], object: Watched): [] {
    const { namespace, name } = object.metadata as { namespace: string; name: string };
    if (!this.index) return [];
    const current = sources.map((s) => s.get(namespace, name)).find((o) => o !== undefined);
    const entities = this.index.update(kind, namespace, name, current);
    if (entities.length > 0) this.changed(entities, namespace);
    return [];
  }
}
