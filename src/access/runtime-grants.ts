/**
 * What a person may see of what runs for an entity: the Runtime tab shows Kubernetes objects
 * that are not Greenroom's, so their own RBAC decides — `list` on Deployments, StatefulSets,
 * Pods and Events in the entity's namespace, and on each delivery object's kind in its
 * namespace — as `kubectl get` would for that person. Seeing the entity is not enough: a
 * Component may be readable by the whole company while its Pods are its team's.
 */
import type { AccessQuestion, AccessReviews, Subject } from './reviews.ts';

export interface RuntimeGrants {
  deployments: boolean;
  statefulSets: boolean;
  pods: boolean;
  events: boolean;
  /** Whether a delivery object (Argo CD Application, Flux Kustomization/HelmRelease) of `kind` in `namespace` may be shown. */
  delivery: (kind: string, namespace: string) => boolean;
}

/** Without a person (`--auth none`) nothing is hidden. */
export const SEES_ALL_RUNTIME: RuntimeGrants = { deployments: true, statefulSets: true, pods: true, events: true, delivery: () => true };

/** The group and plural of each delivery kind the tab shows. */
const DELIVERY_KINDS: Record<string, { group: string; resource: string }> = {
  Application: { group: 'argoproj.io', resource: 'applications' },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases' },
};

/** The questions for one namespace, in the order of {@link RuntimeGrants}' first four fields. */
export const runtimeQuestions = (namespace: string): AccessQuestion[] => [
  { verb: 'list', group: 'apps', resource: 'deployments', namespace },
  { verb: 'list', group: 'apps', resource: 'statefulsets', namespace },
  { verb: 'list', group: '', resource: 'pods', namespace },
  { verb: 'list', group: 'events.k8s.io', resource: 'events', namespace },
];

/**
 * Asks (through the cached reviews) what the subject may list in the entity's namespace and
 * of the delivery objects about to be shown; a review that fails is a denial (fail closed).
 */
export async function runtimeGrants(
  reviews: AccessReviews,
  subject: Subject,
  namespace: string,
  delivery: readonly { kind: string; namespace: string }[],
): Promise<RuntimeGrants> {
  const [deployments, statefulSets, pods, events] = await Promise.all(runtimeQuestions(namespace).map((q) => reviews.allowed(subject, q)));
  const deliveryKey = (kind: string, ns: string) => `${kind}/${ns}`;
  const allowed = new Set<string>();
  const asked = new Map<string, { kind: string; namespace: string }>();
  for (const d of delivery) if (DELIVERY_KINDS[d.kind]) asked.set(deliveryKey(d.kind, d.namespace), d);
  await Promise.all(
    [...asked].map(async ([key, d]) => {
      const { group, resource } = DELIVERY_KINDS[d.kind]!;
      if (await reviews.allowed(subject, { verb: 'list', group, resource, namespace: d.namespace })) allowed.add(key);
    }),
  );
  return {
    deployments: deployments!,
    statefulSets: statefulSets!,
    pods: pods!,
    events: events!,
    delivery: (kind, ns) => allowed.has(deliveryKey(kind, ns)),
  };
}
