/**
 * How the entity is delivered, when the cluster runs Argo CD or Flux: their objects read
 * generically (plain JSON, no client types), so Greenroom needs neither installed.
 */
import type { ResourceKind } from '../../api/v1alpha1/resources.ts';
import type { RawKubeClient } from '../../kube/raw-client.ts';
import { bindsTo } from '../../scorecards/facts.ts';
import { MESSAGE_MAX, record, type Json } from './objects.ts';
import type { Health } from './runtime-view.ts';

/** Backstage's annotation naming an entity's Argo CD Applications (comma-separated, as its plugin reads it). */
export const ARGOCD_APP_ANNOTATION = 'argocd/app-name';
/** Application names read from the annotation, at most. */
const APP_NAMES_MAX = 10;

/** The delivery kinds the tab reads, when the cluster serves them. */
export const DELIVERY_RESOURCES = {
  argoApplications: { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', kind: 'Application' },
  fluxKustomizations: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', kind: 'Kustomization' },
  fluxHelmReleases: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', kind: 'HelmRelease' },
} as const satisfies Record<string, ResourceKind>;

/** One Argo CD Application or Flux Kustomization/HelmRelease as the tab shows it. */
export interface DeliveryStatus {
  kind: string;
  namespace: string;
  name: string;
  /** Argo CD's health (Healthy, Degraded…), or Flux's Ready condition read as Ready / Not ready / Suspended. */
  health: string;
  /** Argo CD's sync status (Synced, OutOfSync), or Flux's Ready reason (ReconciliationSucceeded…). */
  sync: string;
  message?: string | undefined;
  healthClass: Health;
}

const text = (v: unknown, max = 253): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);

/** The status of an Argo CD Application, Flux Kustomization or HelmRelease; undefined for any other kind. */
export function deliveryStatus(object: unknown): DeliveryStatus | undefined {
  const o = record(object);
  const metadata = record(o.metadata);
  const base = { kind: String(o.kind), namespace: text(metadata.namespace) ?? '', name: text(metadata.name) ?? '' };
  if (o.kind === 'Application' && String(o.apiVersion).startsWith('argoproj.io/')) return { ...base, ...argoStatus(record(o.status)) };
  if ((o.kind === 'Kustomization' || o.kind === 'HelmRelease') && /\.toolkit\.fluxcd\.io\//.test(String(o.apiVersion)))
    return { ...base, ...fluxStatus(o) };
  return undefined;
}

const ARGO_FAILING = new Set(['Degraded', 'Missing']);

function argoStatus(status: Json): Omit<DeliveryStatus, 'kind' | 'namespace' | 'name'> {
  const health = text(record(status.health).status) ?? 'Unknown';
  const sync = text(record(status.sync).status) ?? 'Unknown';
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
  const message =
    text(record(status.health).message, MESSAGE_MAX) ??
    text(conditions[0]?.message, MESSAGE_MAX) ??
    text(record(status.operationState).message, MESSAGE_MAX);
  // Healthy but OutOfSync is on its way (or drifted), not failing.
  const healthClass: Health = ARGO_FAILING.has(health) ? 'bad' : health === 'Healthy' && sync === 'Synced' ? 'ok' : 'wait';
  return { health, sync, message, healthClass };
}

function fluxStatus(o: Json): Omit<DeliveryStatus, 'kind' | 'namespace' | 'name'> {
  const conditions = Array.isArray(record(o.status).conditions) ? (record(o.status).conditions as unknown[]).map(record) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const sync = text(ready?.reason) ?? 'Unknown';
  const message = text(ready?.message, MESSAGE_MAX);
  if (record(o.spec).suspend === true) return { health: 'Suspended', sync, message, healthClass: 'wait' };
  if (ready?.status === 'True') return { health: 'Ready', sync, message, healthClass: 'ok' };
  if (ready?.status === 'False') return { health: 'Not ready', sync, message, healthClass: 'bad' };
  return { health: 'Reconciling', sync, message, healthClass: 'wait' };
}

/** What an entity is to bind delivery objects: its name, namespace and annotations. */
export interface DeliveryEntity {
  namespace: string;
  name: string;
  annotations: Readonly<Record<string, string>>;
}

/**
 * The delivery objects of an entity, failing first. Argo CD Applications are those its
 * `argocd/app-name` annotation names (as Backstage binds them); Flux Kustomizations and
 * HelmReleases those labelled for it with the workloads' labels (`greenroom.dev/component`
 * or `backstage.io/kubernetes-id`), so one label convention binds everything. Either must
 * also be in the entity's namespace or deploy into it (spec.destination.namespace,
 * spec.targetNamespace): an annotation or label written by one tenant must not show another
 * team's delivery to the people who may see this entity.
 */
export function deliveryFor(entity: DeliveryEntity, objects: readonly unknown[]): DeliveryStatus[] {
  const appNames = new Set(
    (entity.annotations[ARGOCD_APP_ANNOTATION] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .slice(0, APP_NAMES_MAX),
  );
  const RANK: Record<Health, number> = { bad: 0, wait: 1, ok: 2 };
  return objects
    .filter((object) => {
      const o = record(object);
      const metadata = record(o.metadata);
      const spec = record(o.spec);
      const target = o.kind === 'Application' ? record(spec.destination).namespace : spec.targetNamespace;
      if (metadata.namespace !== entity.namespace && target !== entity.namespace) return false;
      if (o.kind === 'Application') return appNames.has(String(metadata.name));
      return bindsTo({ metadata: { labels: record(metadata.labels) as Record<string, string> } }) === entity.name;
    })
    .map(deliveryStatus)
    .filter((s): s is DeliveryStatus => s !== undefined)
    .sort((a, b) => RANK[a.healthClass] - RANK[b.healthClass] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/**
 * Which delivery kinds the cluster serves, from API discovery (`GET /apis`): the lead watches
 * only those, so a cluster without Argo CD or Flux costs nothing and logs no errors.
 */
export async function deliveryResourcesPresent(client: Pick<RawKubeClient, 'request'>): Promise<ResourceKind[]> {
  const list = record(await client.request<unknown>({ method: 'GET', path: '/apis' }));
  const served = new Set<string>();
  for (const group of Array.isArray(list.groups) ? list.groups : [])
    for (const version of Array.isArray(record(group).versions) ? (record(group).versions as unknown[]) : [])
      served.add(String(record(version).groupVersion));
  return Object.values(DELIVERY_RESOURCES).filter((r) => served.has(`${r.group}/${r.version}`));
}
