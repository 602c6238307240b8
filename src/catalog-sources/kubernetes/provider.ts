import type { KubernetesCatalog } from '../../api/v1alpha1/catalog-source.ts';
import { collectionPath } from '../../api/resource-paths.ts';
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { RawKubeClient } from '../../kube/raw-client.ts';
import type { CatalogProvider, SourceSnapshot } from '../provider.ts';
import { componentsFromWorkloads, type Workload } from './mapping.ts';

export interface KubernetesProviderOptions {
  /** The namespaces to read (already checked against what the source may read). */
  namespaces: readonly string[];
  /** Most workloads one read may list, all kinds and namespaces together. */
  maxEntries: number;
}

/** One page of a list of workloads (only what the mapping reads). */
interface WorkloadList {
  items?: { metadata: Workload['metadata'] }[];
  metadata?: { continue?: string };
}

const KINDS = [
  { kind: 'Deployment', type: RESOURCES.deployments },
  { kind: 'StatefulSet', type: RESOURCES.statefulSets },
  { kind: 'Service', type: RESOURCES.services },
] as const;

/** A label selector in the apiserver's query syntax (matchLabels and matchExpressions). */
export function selectorQuery(selector: KubernetesCatalog['selector']): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : undefined;
}

/**
 * The kubernetes catalog provider: the cluster describes itself. Each read lists the
 * Deployments, StatefulSets and Services of the namespaces (page by page, so the cap holds
 * before all is in memory) and maps those that name a component (mapping.ts). There is no
 * cheaper question than the read, so every check reads; the revision is a digest of the result.
 */
export function kubernetesProvider(client: RawKubeClient, spec: KubernetesCatalog, options: KubernetesProviderOptions): CatalogProvider {
  const labelSelector = selectorQuery(spec.selector);
  return {
    async read(signal: AbortSignal): Promise<SourceSnapshot> {
      const workloads: Workload[] = [];
      for (const namespace of options.namespaces)
        for (const { kind, type } of KINDS) {
          let next: string | undefined;
          do {
            signal.throwIfAborted();
            const page = await client.request<WorkloadList>({
              method: 'GET',
              path: collectionPath(type, namespace),
              query: { limit: '500', ...(next ? { continue: next } : {}), ...(labelSelector ? { labelSelector } : {}) },
            });
            for (const item of page.items ?? []) workloads.push({ kind, metadata: item.metadata });
            if (workloads.length > options.maxEntries)
              throw new Error(
                `the namespaces hold more than ${options.maxEntries} workloads; narrow spec.kubernetes.selector or namespaces`,
              );
            next = page.metadata?.continue || undefined;
          } while (next);
        }
      return componentsFromWorkloads(workloads, {
        ownerLabel: spec.ownerLabel ?? 'greenroom.dev/owner',
        lifecycle: spec.lifecycle ?? 'production',
      });
    },
  };
}
