import { createHash } from 'node:crypto';
import { API_VERSION } from '../../api/v1alpha1/group-version.ts';
import { componentSpec } from '../../api/v1alpha1/component.ts';
import { toKubernetesName } from '../../convert/names.ts';
import type { SourcedEntity, SourceProblem, SourceSnapshot } from '../provider.ts';

/** Kubernetes' recommended labels, and Backstage's Kubernetes plugin label. */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const BACKSTAGE_ID_LABEL = 'backstage.io/kubernetes-id';
/** The component type a workload may state (default service). */
export const TYPE_LABEL = 'greenroom.dev/component-type';

/** A Deployment, StatefulSet or Service as listed (only what the mapping reads). */
export interface Workload {
  kind: 'Deployment' | 'StatefulSet' | 'Service';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface WorkloadMapping {
  /** Label or annotation naming the owning Group. */
  ownerLabel: string;
  lifecycle: string;
}

/** The order workloads of one component are looked at: its Deployment speaks before its Service. */
const KIND_ORDER = { Deployment: 0, StatefulSet: 1, Service: 2 } as const;

const where = (w: Workload) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`;

/** The component a workload says it is part of, or undefined when it carries neither label. */
function componentNameOf(workload: Workload): string | undefined {
  const labels = workload.metadata.labels ?? {};
  return labels[BACKSTAGE_ID_LABEL] ?? labels[NAME_LABEL];
}

/**
 * Components from the cluster's workloads: every Deployment, StatefulSet and Service that
 * names its component (backstage.io/kubernetes-id, else app.kubernetes.io/name) becomes, with
 * the others of that name, one Component — owner from the mapping's label or annotation,
 * system from app.kubernetes.io/part-of. The workloads of one name must agree on the owner
 * and on the system where both name one; a workload without an owner, or one that
 * disagrees, is a problem naming it (the first, Deployments before Services, is used).
 */
export function componentsFromWorkloads(workloads: readonly Workload[], mapping: WorkloadMapping): SourceSnapshot {
  const sorted = [...workloads].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || where(a).localeCompare(where(b)));
  const problems: SourceProblem[] = [];
  const byName = new Map<string, { entity: SourcedEntity; from: string }>();
  for (const workload of sorted) {
    const declared = componentNameOf(workload);
    if (declared === undefined) continue;
    const location = where(workload);
    const name = toKubernetesName(declared);
    if (!name) {
      problems.push({ location, reason: `its component name ${JSON.stringify(declared)} leaves no valid Kubernetes name` });
      continue;
    }
    const labels = workload.metadata.labels ?? {};
    const owner = labels[mapping.ownerLabel] ?? workload.metadata.annotations?.[mapping.ownerLabel];
    if (!owner) {
      problems.push({ location, reason: `it names component ${name} but no owner: add the label or annotation ${mapping.ownerLabel}` });
      continue;
    }
    const spec = {
      type: labels[TYPE_LABEL] ?? 'service',
      lifecycle: mapping.lifecycle,
      owner,
      ...(labels[PART_OF_LABEL] ? { system: labels[PART_OF_LABEL] } : {}),
    };
    const parsed = componentSpec.safeParse(spec);
    if (!parsed.success) {
      problems.push({
        location,
        reason: `component ${name}: ${parsed.error.issues.map((i) => `spec.${i.path.join('.')} ${i.message}`).join('; ')}`,
      });
      continue;
    }
    const earlier = byName.get(name);
    if (earlier) {
      const theirs = earlier.entity.object.spec;
      // A Service often carries fewer labels than its Deployment: only a different value disagrees.
      const otherSystem = spec.system !== undefined && theirs.system !== undefined && theirs.system !== spec.system;
      if (theirs.owner !== spec.owner || otherSystem)
        problems.push({
          location,
          reason: `it names component ${name} with another owner or system than ${earlier.from}; ${earlier.from} is used`,
        });
      continue;
    }
    const object = {
      apiVersion: API_VERSION,
      kind: 'Component',
      metadata: { name, annotations: {} },
      spec: parsed.data as Record<string, unknown>,
    };
    byName.set(name, { entity: { object, origin: { location } }, from: location });
  }
  const entities = [...byName.values()].map((v) => v.entity).sort((a, b) => a.object.metadata.name.localeCompare(b.object.metadata.name));
  const revision = createHash('sha256')
    .update(JSON.stringify([entities, problems]))
    .digest('hex')
    .slice(0, 16);
  return { revision: `sha256:${revision}`, entities, problems };
}
