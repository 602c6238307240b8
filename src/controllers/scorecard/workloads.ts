/**
 * The workload sources of the entity-score controller, read as one: Deployments and
 * StatefulSets bound to an entity by either label convention, each informer watching one.
 */
import type { Source } from '../../runtime/source.ts';
import type { WorkloadObject } from '../../scorecards/facts.ts';

/** The workload informers are Deployments by either label, then StatefulSets by either label. */
export const workloadKind = (index: number): string => (index < 2 ? 'Deployment' : 'StatefulSet');

/** Every workload bound by either label, in one namespace or (undefined) all. */
export function workloadsIn(informers: readonly Source<WorkloadObject>[], namespace: string | undefined): WorkloadObject[] {
  const seen = new Set<string>();
  const out: WorkloadObject[] = [];
  informers.forEach((informer, index) => {
    for (const o of informer.list(namespace)) {
      const kind = workloadKind(index);
      const id = `${kind}/${o.metadata!.namespace}/${o.metadata!.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      // Items of a list carry no kind; the informer says which resource they are.
      out.push({ ...o, kind });
    }
  });
  return out;
}

/** What the informers hold now for one workload (either label's informer; the first one's copy), kind set. */
export function cachedWorkload(
  informers: readonly Source<WorkloadObject>[],
  kind: string,
  namespace: string,
  name: string,
): WorkloadObject | undefined {
  for (const [index, informer] of informers.entries()) {
    if (workloadKind(index) !== kind) continue;
    const o = informer.get(namespace, name);
    if (o) return { ...o, kind };
  }
  return undefined;
}
