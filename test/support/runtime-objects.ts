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

/**
 * What the apiserver adds around the fields the tab reads, as a real object carries it:
 * identity, annotations (with kubectl's last-applied copy of the spec on what kubectl
 * applied, not on Pods and Events) and managedFields.
 */
function apiserverMetadata(name: string, spec: unknown, applied: boolean) {
  return {
    uid: `0f6c2a4e-${name.length.toString(16).padStart(4, '0')}-4b1e-9c3d-7a8b9c0d1e2f`,
    resourceVersion: '481516',
    generation: 3,
    annotations: {
      ...(applied ? { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ metadata: { name }, spec }) } : {}),
      'prometheus.io/scrape': 'true',
    },
    managedFields: ['kubectl-client-side-apply', 'kube-controller-manager', 'kubelet'].map((manager) => ({
      manager,
      operation: 'Update',
      apiVersion: 'v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': spec, 'f:status': { 'f:conditions': {} } },
    })),
  };
}

/** A container spec as a real chart writes it: env, mounts, resources and probes. */
function fullContainer(name: string, image: string) {
  const probe = { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    args: ['--config=/etc/orders/config.yaml', '--log-format=json'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `ORDERS_SETTING_${i}`, value: `value-${i}-${'x'.repeat(24)}` })),
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
    ],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/orders', readOnly: true },
      { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    livenessProbe: probe,
    readinessProbe: probe,
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

const podVolumes = [
  { name: 'config', configMap: { name: 'orders-config', defaultMode: 420 } },
  {
    name: 'kube-api-access-x7k2p',
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  },
];

/** A Deployment or StatefulSet as the apiserver sends it, with all it carries besides what the tab reads. */
export function fullWorkload(f: WorkloadFixture) {
  const slim = workload(f);
  const podSpec = {
    ...slim.spec.template.spec,
    containers: slim.spec.template.spec.containers.map((c) => fullContainer(c.name, c.image)),
    volumes: podVolumes,
    serviceAccountName: 'orders',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
  };
  const spec = {
    ...slim.spec,
    selector: { ...slim.spec.selector, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] },
    template: { ...slim.spec.template, spec: podSpec },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  };
  return {
    ...slim,
    metadata: { ...slim.metadata, ...apiserverMetadata(f.name, spec, true) },
    spec,
    status: { ...slim.status, observedGeneration: 3, collisionCount: 0 },
  };
}

/**
 * A Pod as the apiserver sends it: owner, volumes, env, probes, managedFields, the status's
 * conditions, IPs and container states, and an init container that finished.
 */
export function fullPod(f: PodFixture & { terminating?: boolean }) {
  const slim = pod(f);
  const spec = {
    ...slim.spec,
    containers: slim.status.containerStatuses.map((c) => fullContainer(c.name, 'registry.example.com/shop/orders:1.4.2')),
    initContainers: [fullContainer('migrate', 'registry.example.com/shop/orders-migrate:1.4.2')],
    volumes: podVolumes,
    serviceAccountName: 'orders',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    priority: 0,
    enableServiceLinks: true,
  };
  const containerStatus = (c: { name: string; ready: boolean; restartCount: number; state: object }) => ({
    ...c,
    image: 'registry.example.com/shop/orders:1.4.2',
    imageID: `registry.example.com/shop/orders@sha256:${'ab'.repeat(32)}`,
    containerID: `containerd://${'cd'.repeat(32)}`,
    started: !f.waiting,
    lastState: c.restartCount > 0 ? { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T0, finishedAt: T0 } } : {},
  });
  return {
    ...slim,
    metadata: {
      ...slim.metadata,
      ...apiserverMetadata(f.name, spec, false),
      generateName: `${f.app}-7d9f-`,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${f.app}-7d9f`, uid: 'rs-uid', controller: true }],
      ...(f.terminating ? { deletionTimestamp: T0, deletionGracePeriodSeconds: 30 } : {}),
    },
    spec,
    status: {
      ...slim.status,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: T0,
      })),
      hostIP: '10.0.3.17',
      hostIPs: [{ ip: '10.0.3.17' }],
      podIP: '10.244.1.23',
      podIPs: [{ ip: '10.244.1.23' }],
      startTime: T0,
      qosClass: 'Burstable',
      initContainerStatuses: [
        containerStatus({
          name: 'migrate',
          ready: true,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T0, finishedAt: T0 } },
        }),
      ],
      containerStatuses: slim.status.containerStatuses.map(containerStatus),
    },
  };
}

/** A Warning Event as the apiserver sends it: reporting controller, related object, managedFields. */
export function fullWarning(f: EventFixture) {
  const slim = warning(f);
  return {
    ...slim,
    metadata: { ...slim.metadata, ...apiserverMetadata(f.name, {}, false) },
    reportingController: 'kubelet',
    reportingInstance: 'node-a',
    action: 'Restarting',
    related: { apiVersion: 'v1', kind: 'Node', name: 'node-a' },
    deprecatedSource: { component: 'kubelet', host: 'node-a' },
    deprecatedFirstTimestamp: f.at,
    deprecatedLastTimestamp: f.at,
    deprecatedCount: f.count ?? 1,
    regarding: { ...slim.regarding, uid: 'regarded-uid', resourceVersion: '1234', fieldPath: 'spec.containers{c0}' },
  };
}
