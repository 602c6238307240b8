import type { Entity } from '../catalog/entity.ts';
import { selectsLabels } from './select.ts';
import type { LabelSelector, RuntimeFacts, Workload } from './types.ts';

/** The label Greenroom reads to bind a workload to a catalog entity (by name, same namespace). */
export const COMPONENT_LABEL = 'greenroom.dev/component';
/** Backstage's Kubernetes plugin label, honoured so existing manifests bind without changes. */
export const BACKSTAGE_ID_LABEL = 'backstage.io/kubernetes-id';

interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface ContainerSpec {
  name?: string;
  image?: string;
  resources?: { limits?: Record<string, string | number | undefined> };
  livenessProbe?: object;
  readinessProbe?: object;
}

/**
 * An apps/v1 Deployment or StatefulSet as the apiserver returns it (only what facts read).
 * `kind` must be set: list responses leave it off their items, so the caller fills it in.
 */
export interface WorkloadObject {
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: ContainerSpec[] } };
  };
  status?: { readyReplicas?: number };
}

/** A policy/v1 PodDisruptionBudget (only what facts read). */
export interface PdbObject {
  metadata?: ObjectMeta;
  spec?: { selector?: LabelSelector };
}

/**
 * The entity name a workload says it belongs to, from its labels; undefined when it names
 * none. Greenroom's own label wins over Backstage's when both are set.
 */
export function bindsTo(workload: WorkloadObject): string | undefined {
  const labels = workload.metadata?.labels ?? {};
  return labels[COMPONENT_LABEL] || labels[BACKSTAGE_ID_LABEL] || undefined;
}

/**
 * What the cluster says about an entity: the workloads in its namespace that name it, each
 * judged on its own, and the aggregate rules usually test. `limitsSet`, `probesSet` and
 * `pdbCovered` hold only when every bound workload has them, and are false without workloads.
 */
export function factsFor(entity: Entity, workloads: readonly WorkloadObject[], pdbs: readonly PdbObject[]): RuntimeFacts {
  const bound = workloads
    .filter((w) => w.metadata?.namespace === entity.namespace && bindsTo(w) === entity.name)
    .map((w) => workloadFacts(w, pdbs))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const any = bound.length > 0;
  return {
    workloads: bound,
    hasWorkload: any,
    replicas: bound.reduce((sum, w) => sum + w.replicas, 0),
    readyReplicas: bound.reduce((sum, w) => sum + w.readyReplicas, 0),
    images: [...new Set(bound.flatMap((w) => w.images))].sort(),
    latestTag: bound.some((w) => w.latestTag),
    limitsSet: any && bound.every((w) => w.limitsSet),
    probesSet: any && bound.every((w) => w.probesSet),
    pdbCovered: any && bound.every((w) => w.pdbCovered),
  };
}

function workloadFacts(workload: WorkloadObject, pdbs: readonly PdbObject[]): Workload {
  const namespace = workload.metadata?.namespace ?? '';
  const containers = workload.spec?.template?.spec?.containers ?? [];
  const podLabels = workload.spec?.template?.metadata?.labels ?? {};
  const images = containers.map((c) => c.image ?? '');
  return {
    kind: workload.kind === 'StatefulSet' ? 'StatefulSet' : 'Deployment',
    namespace,
    name: workload.metadata?.name ?? '',
    // The apiserver defaults replicas to 1 when the manifest leaves it out.
    replicas: workload.spec?.replicas ?? 1,
    readyReplicas: workload.status?.readyReplicas ?? 0,
    images: [...new Set(images.filter(Boolean))],
    latestTag: images.some(floatingTag),
    limitsSet: containers.length > 0 && containers.every((c) => !!c.resources?.limits?.cpu && !!c.resources.limits.memory),
    probesSet: containers.length > 0 && containers.every((c) => !!c.livenessProbe && !!c.readinessProbe),
    pdbCovered: pdbs.some((pdb) => pdb.metadata?.namespace === namespace && pdbSelects(pdb, podLabels)),
  };
}

/**
 * policy/v1: a budget without a selector selects no pods, an empty selector every pod in its
 * namespace.
 */
function pdbSelects(pdb: PdbObject, podLabels: Record<string, string>): boolean {
  const selector = pdb.spec?.selector;
  return selector !== undefined && selectsLabels(selector, podLabels);
}

/**
 * An image whose content can change under the same reference: no tag (which pulls `latest`)
 * or the `latest` tag, unless pinned by digest. A registry port (`registry:5000/app`) is not a
 * tag: the tag is looked for only after the last slash.
 */
export function floatingTag(image: string): boolean {
  if (image.includes('@')) return false;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  return colon < 0 || lastPart.slice(colon + 1) === 'latest';
}
