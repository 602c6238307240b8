import { CATALOG_KINDS, RESOURCES } from '../../api/v1alpha1/index.ts';
import type { CatalogGraph } from '../../catalog/graph.ts';
import { refOf, type EntityRef } from '../../catalog/refs.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import { BACKSTAGE_ID_LABEL, bindsTo, COMPONENT_LABEL, type PdbObject, type WorkloadObject } from '../../scorecards/facts.ts';
import type { InitiativeObject, ScorecardObject } from '../../scorecards/store.ts';
import { WorkloadIndex } from '../../scorecards/workload-index.ts';
import { cachedWorkload, workloadKind, workloadsIn } from './workloads.ts';

/** What the scorecard controllers watch. */
export interface ScorecardSources {
  scorecards: Source<ScorecardObject>;
  initiatives: Source<InitiativeObject>;
  /** Deployments by either label convention, then StatefulSets by either (see workloads.ts). */
  workloads: Source<WorkloadObject>[];
  pdbs: Source<PdbObject>;
}

export function watchScorecardSources(context: ControllerContext): ScorecardSources {
  const workloads: Source<WorkloadObject>[] = [];
  // Only workloads that name an entity, by either label convention.
  for (const type of [RESOURCES.deployments, RESOURCES.statefulSets]) {
    for (const label of [COMPONENT_LABEL, BACKSTAGE_ID_LABEL])
      workloads.push(context.watch<WorkloadObject>(type, { name: `${type.plural}-${label}`, labelSelector: label }));
  }
  return {
    scorecards: context.watch<ScorecardObject>(RESOURCES.scorecards, { name: 'scorecard' }),
    initiatives: context.watch<InitiativeObject>(RESOURCES.initiatives, { name: 'initiative' }),
    workloads,
    pdbs: context.watch<PdbObject>(RESOURCES.podDisruptionBudgets, { name: 'poddisruptionbudget' }),
  };
}

/**
 * Workloads by the entity they bind to, built from the caches on first use and from then on
 * updated by each workload event (Deployment status updates are frequent).
 */
export class BoundWorkloads {
  private index: WorkloadIndex | undefined;
  private readonly workloads: readonly Source<WorkloadObject>[];

  constructor(workloads: readonly Source<WorkloadObject>[]) {
    this.workloads = workloads;
  }

  of(namespace: string, name: string): WorkloadObject[] {
    return this.built().of(namespace, name);
  }

  /** Records a workload's change; returns the entity name it was bound to before, if it moved. */
  update(kind: string, namespace: string, name: string): string | undefined {
    return this.index?.update(kind, namespace, name, cachedWorkload(this.workloads, kind, namespace, name));
  }

  private built(): WorkloadIndex {
    if (!this.index) {
      this.index = new WorkloadIndex();
      for (const w of workloadsIn(this.workloads, undefined)) this.index.update(w.kind!, w.metadata!.namespace!, w.metadata!.name!, w);
    }
    return this.index;
  }
}

/**
 * What makes an entity be scored again besides its own change (which the catalog tells):
 * a workload bound to it changing — and the entity a relabelled workload left — or a
 * PodDisruptionBudget in its namespace.
 */
export function entityScoreWatches(sources: ScorecardSources, graph: CatalogGraph, bound: BoundWorkloads): Watch[] {
  const entitiesNamed = (namespace: string, name: string | undefined): EntityRef[] =>
    name ? CATALOG_KINDS.map((kind) => refOf(kind.kind, namespace, name)).filter((ref) => graph.get(ref)) : [];
  const workloadWatches = sources.workloads.map((source, index) =>
    watch(source, ({ object }) => {
      const { namespace, name } = object.metadata as { namespace: string; name: string };
      const left = bound.update(workloadKind(index), namespace, name);
      return [...entitiesNamed(namespace, left), ...entitiesNamed(namespace, bindsTo(object))];
    }),
  );
  const pdbWatch = watch(sources.pdbs, ({ object }) => {
    const namespace = object.metadata!.namespace!;
    return workloadsIn(sources.workloads, namespace).flatMap((w) => entitiesNamed(namespace, bindsTo(w)));
  });
  return [...workloadWatches, pdbWatch];
}

/** A Scorecard's change (or deletion) is summarised again; an Initiative's is followed again. */
export const scorecardWatches = (sources: ScorecardSources): Watch[] => [watch(sources.scorecards, ({ object }) => [keyOf(object)])];
export const initiativeWatches = (sources: ScorecardSources): Watch[] => [
  watch(sources.initiatives, ({ type, object }) => (type === 'delete' ? [] : [keyOf(object)])),
];
