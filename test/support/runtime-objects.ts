/** Deployments, StatefulSets, Pods and Warning Events as the apiserver sends them, for the Runtime tab's tests. */
import { COMPONENT_LABEL } from '../../src/scorecards/facts.ts';

export const T0 = '2026-03-01T12:00:00Z';

export interface WorkloadFixture {
  kind?: 'Deployment' | 'StatefulSet';
  name: string;
  namespace?: string;
  entity?: string | undefined;
  app?: string;
  replicas?: number;
  ready?: number;
  images?: string[];
  createdAt?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

export function workload(f: WorkloadFixture) {
  const app = f.app ?? f.name;
  return {
    apiVersion: 'apps/v1',
    kind: f.kind ?? 'Deployment',
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'shop',
      labels: f.entity === undefined ? {} : { [COMPONENT_LABEL]: f.entity },
      creationTimestamp: f.createdAt ?? T0,
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: {
      replicas: f.replicas ?? 2,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app, ...(f.entity ? { [COMPONENT_LABEL]: f.entity } : {}) } },
        spec: { containers: (f.images ?? ['registry.example.com/shop/orders:1.4.2']).map((image, i) => ({ name: `c${i}`, image })) },
      },
    },
    status: {
      replicas: f.replicas ?? 2,
      readyReplicas: f.ready ?? f.replicas ?? 2,
      updatedReplicas: f.replicas ?? 2,
      availableReplicas: f.ready ?? f.replicas ?? 2,
      conditions: f.conditions ?? [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
    },
  };
}

export interface PodFixture {
  name: string;
  namespace?: string;
  app: string;
  entity?: string | undefined;
  phase?: string;
  restarts?: number[];
  waiting?: { reason: string; message?: string };
  node?: string;
  createdAt?: string;
}

export function pod(f: PodFixture) {
  const restarts = f.restarts ?? [0];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'shop',
      labels: { app: f.app, ...(f.entity ? { [COMPONENT_LABEL]: f.entity } : {}) },
      creationTimestamp: f.createdAt ?? T0,
    },
    spec: { nodeName: f.node ?? 'node-a' },
    status: {
      phase: f.phase ?? 'Running',
      containerStatuses: restarts.map((restartCount, i) => ({
        name: `c${i}`,
        ready: !f.waiting,
        restartCount,
        state: f.waiting && i === 0 ? { waiting: f.waiting } : { running: { startedAt: T0 } },
      })),
    },
  };
}

export interface EventFixture {
  name: string;
  namespace?: string;
  regarding: { kind: string; name: string };
  reason?: string;
  note?: string;
  at: string;
  type?: string;
  count?: number;
}

export function warning(f: EventFixture) {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: f.name, namespace: f.namespace ?? 'shop', creationTimestamp: f.at },
    eventTime: f.at,
    type: f.type ?? 'Warning',
    reason: f.reason ?? 'BackOff',
    note: f.note ?? 'Back-off restarting failed container',
    regarding: { apiVersion: 'v1', ...f.regarding, namespace: f.namespace ?? 'shop' },
    ...(f.count ? { series: { count: f.count, lastObservedTime: f.at } } : {}),
  };
}

/** An ISO time `minutes` after T0. */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
