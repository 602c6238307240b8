/**
 * The Runtime tab's page data: what src/http/views/runtime.njk renders inside an entity's
 * page, from the pure view of the read model (src/controllers/runtime-view).
 */
import type { DeliveryStatus } from '../../controllers/runtime-view/delivery.ts';
import type { EntityRuntimeView, EventView, WorkloadView } from '../../controllers/runtime-view/runtime-view.ts';
import { BACKSTAGE_ID_LABEL, COMPONENT_LABEL } from '../../scorecards/facts.ts';
import { when } from './format.ts';

/** The partial the entity page includes for this tab. */
export const RUNTIME_TEMPLATE = 'runtime.njk';

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
  /** The labels that bind a workload, for the empty state's snippet. */
  labels: { component: string; backstage: string };
}

/** The tab's data: workloads failing first (as the view sorts them), Events newest first, delivery when the cluster has it. */
export function runtimeTab(view: EntityRuntimeView, delivery: readonly DeliveryStatus[] = []): RuntimeTab {
  return {
    template: RUNTIME_TEMPLATE,
    entity: { namespace: view.namespace, name: view.name },
    empty: view.workloads.length === 0,
    summary: summaryOf(view),
    workloads: view.workloads.map((w) => ({ ...w, created: when(w.createdAt) })),
    events: view.events.map((e) => ({ ...e, last: when(e.lastAt) })),
    delivery: [...delivery],
    scorecardsHref: '/scorecards',
    labels: { component: COMPONENT_LABEL, backstage: BACKSTAGE_ID_LABEL },
  };
}

function summaryOf(view: EntityRuntimeView): string {
  const n = view.workloads.length;
  if (n === 0) return 'No workload runs for it yet.';
  const workloads = `${n} ${n === 1 ? 'workload' : 'workloads'}`;
  if (view.failing > 0) return `${workloads}, ${view.failing} failing.`;
  const waiting = view.workloads.filter((w) => w.health === 'wait').length;
  return waiting > 0 ? `${workloads}, ${waiting} not fully ready.` : `${workloads}, all ready.`;
}
