/**
 * The Runtime tab's page data: what src/http/views/runtime.njk renders inside an entity's
 * page, from the pure view of the read model (src/controllers/runtime-view).
 */
import { createHash } from 'node:crypto';
import { SEES_ALL_RUNTIME, type RuntimeGrants } from '../../access/runtime-grants.ts';
import type { DeliveryStatus } from '../../controllers/runtime-view/delivery.ts';
import type { EntityRuntimeView, EventView, WorkloadView } from '../../controllers/runtime-view/runtime-view.ts';
import { BACKSTAGE_ID_LABEL, COMPONENT_LABEL } from '../../scorecards/facts.ts';
import { when } from './format.ts';

/** The partial the entity page includes for this tab. */
export const RUNTIME_TEMPLATE = 'runtime.njk';

export interface FactRule {
  scorecard: { title: string; href: string };
  rule: string;
  passing: boolean;
}

export interface RuntimeTab {
  template: typeof RUNTIME_TEMPLATE;
  entity: { namespace: string; name: string };
  /** No workload is bound: the page explains the labels to set instead. */
  empty: boolean;
  summary: string;
  workloads: (WorkloadView & { created: ReturnType<typeof when> })[];
  events: (EventView & { last: ReturnType<typeof when> })[];
  delivery: DeliveryStatus[];
  /** Where the scorecard rules that read these facts are listed. */
  scorecardsHref: string;
  /** The rules of the entity's scorecards that read runtime facts, passing or failing for it. */
  factRules: FactRule[];
  /** The labels that bind a workload, for the empty state's snippet. */
  labels: { component: string; backstage: string };
  /** What the person may not list in the entity's namespace (`pods`, `events`…), said instead of shown. */
  hidden: string[];
  /** Pods may not be listed: workloads show no Pods and no restart counts. */
  podsHidden: boolean;
  /**
   * Changes when what the tab shows changes, ages aside: the page's script (runtime-live.js)
   * swaps the section only then.
   */
  version: string;
}

/**
 * The tab's data: workloads failing first (as the view sorts them), Events newest first,
 * delivery when the cluster has it — each only as far as `grants` (the person's own RBAC on
 * those objects) allows; what is left out is named, so an empty list is never a lie.
 */
export function runtimeTab(
  view: EntityRuntimeView,
  delivery: readonly DeliveryStatus[] = [],
  grants = SEES_ALL_RUNTIME,
  factRules: readonly FactRule[] = [],
): RuntimeTab {
  const seen = seenBy(view, grants);
  const shownDelivery = delivery.filter((d) => grants.delivery(d.kind, d.namespace));
  return {
    template: RUNTIME_TEMPLATE,
    entity: { namespace: view.namespace, name: view.name },
    // "Nothing is bound" only when the person could see it if something were.
    empty: seen.workloads.length === 0 && grants.deployments && grants.statefulSets,
    summary: summaryOf(seen),
    workloads: seen.workloads.map((w) => ({ ...w, created: when(w.createdAt) })),
    events: seen.events.map((e) => ({ ...e, last: when(e.lastAt) })),
    delivery: shownDelivery,
    scorecardsHref: '/scorecards',
    factRules: [...factRules],
    labels: { component: COMPONENT_LABEL, backstage: BACKSTAGE_ID_LABEL },
    hidden: [
      ...(grants.deployments ? [] : ['deployments']),
      ...(grants.statefulSets ? [] : ['statefulsets']),
      ...(grants.pods ? [] : ['pods']),
      ...(grants.events ? [] : ['events']),
    ],
    podsHidden: !grants.pods,
    version: versionOf(seen, shownDelivery),
  };
}

/** A short digest of the view without its ages (which change every second and say nothing new). */
function versionOf(view: EntityRuntimeView, delivery: readonly DeliveryStatus[]): string {
  const json = JSON.stringify([view, delivery], (key, value: unknown) => (key === 'age' || key === 'ago' ? undefined : value));
  return createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

/** The view without what the grants deny: workloads of a kind not listable, Pods, and Events about objects not shown. */
export function seenBy(view: EntityRuntimeView, grants: RuntimeGrants): EntityRuntimeView {
  // A ReplicaSet's Events (FailedCreate: quota, admission) are its Deployment's story.
  const kindAllowed: Record<string, boolean> = {
    Deployment: grants.deployments,
    ReplicaSet: grants.deployments,
    StatefulSet: grants.statefulSets,
    Pod: grants.pods,
  };
  const workloads = view.workloads
    .filter((w) => kindAllowed[w.kind] === true)
    .map((w) => (grants.pods ? w : { ...w, pods: [], morePods: 0, restarts: 0 }));
  const events = grants.events ? view.events.filter((e) => kindAllowed[e.object.slice(0, e.object.indexOf('/'))] === true) : [];
  return { ...view, workloads, events, failing: workloads.filter((w) => w.health === 'bad').length };
}

function summaryOf(view: EntityRuntimeView): string {
  const n = view.workloads.length;
  if (n === 0) return 'No workload runs for it yet.';
  const workloads = `${n} ${n === 1 ? 'workload' : 'workloads'}`;
  if (view.failing > 0) return `${workloads}, ${view.failing} failing.`;
  const waiting = view.workloads.filter((w) => w.health === 'wait').length;
  return waiting > 0 ? `${workloads}, ${waiting} not fully ready.` : `${workloads}, all ready.`;
}
