/**
 * What the Runtime tab shows of one entity, from the read model: pure, so the page and its
 * tests agree on every figure, and time comes in as `now`.
 */
import type { RuntimeCondition, RuntimeContainerStatus, RuntimeEvent, RuntimePod, RuntimeWorkload } from './objects.ts';
import type { BoundWorkload, RuntimeIndex } from './runtime-index.ts';

/** Pods listed per workload; a workload scaled to hundreds says how many more there are. */
export const PODS_SHOWN = 50;

/** How a workload or a Pod is doing, as a badge class. */
export type Health = 'bad' | 'wait' | 'ok';

/** An image reference split as people read it. */
export interface ImageView {
  /** Registry and repository, e.g. `registry.example.com/shop/orders`. */
  repository: string;
  /** The tag; `latest` when none is written and no digest pins it. */
  tag?: string | undefined;
  /** `sha256:…` when the image is pinned by digest. */
  digest?: string | undefined;
  reference: string;
}

export interface PodView {
  name: string;
  phase: string;
  health: Health;
  /** Ready containers over containers. */
  ready: string;
  restarts: number;
  node?: string | undefined;
  age: string;
  /** Why a container waits (CrashLoopBackOff, ImagePullBackOff…), the first one's. */
  waiting?: { container: string; reason: string; message?: string | undefined } | undefined;
  terminating: boolean;
}

export interface WorkloadView {
  kind: string;
  name: string;
  health: Health;
  ready: number;
  desired: number;
  updated: number;
  available: number;
  images: ImageView[];
  /** Container restarts summed over its Pods. */
  restarts: number;
  age: string;
  createdAt?: string | undefined;
  /** Conditions that say something is wrong: False ones, and ReplicaFailure when True. */
  problems: RuntimeCondition[];
  pods: PodView[];
  /** Pods beyond {@link PODS_SHOWN}. */
  morePods: number;
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  /** What it regards, `Kind/name`. */
  object: string;
  count: number;
  lastAt: string;
  ago: string;
}

export interface EntityRuntimeView {
  namespace: string;
  name: string;
  workloads: WorkloadView[];
  events: EventView[];
  /** Workloads whose health is bad. */
  failing: number;
}

const RANK: Record<Health, number> = { bad: 0, wait: 1, ok: 2 };
/** Waiting reasons that mean a container will not start by itself (the rest are on their way, e.g. ContainerCreating). */
const STUCK = /BackOff|Err|Invalid|CreateContainerConfigError/;

/** The Runtime tab of the entity `name` in `namespace` at `now`: failing workloads first, newest Events first. */
export function entityRuntime(index: RuntimeIndex, entity: { namespace: string; name: string }, now: Date): EntityRuntimeView {
  const kept = index.of(entity.namespace, entity.name);
  const workloads = kept.workloads
    .map((bound) => workloadView(bound, now))
    .sort((a, b) => RANK[a.health] - RANK[b.health] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return {
    namespace: entity.namespace,
    name: entity.name,
    workloads,
    events: kept.events.map((e) => eventView(e, now)),
    failing: workloads.filter((w) => w.health === 'bad').length,
  };
}

function workloadView({ workload, pods }: BoundWorkload, now: Date): WorkloadView {
  const podViews = pods.map((p) => podView(p, now)).sort((a, b) => RANK[a.health] - RANK[b.health] || a.name.localeCompare(b.name));
  const problems = workload.status.conditions.filter(isProblem);
  return {
    kind: workload.kind,
    name: workload.name,
    health: workloadHealth(workload, problems, podViews),
    ready: workload.status.ready,
    desired: workload.desired,
    updated: workload.status.updated,
    available: workload.status.available,
    images: workload.containers.map((c) => imageView(c.image)),
    restarts: podViews.reduce((sum, p) => sum + p.restarts, 0),
    age: ageInWords(workload.createdAt, now),
    createdAt: workload.createdAt,
    problems,
    pods: podViews.slice(0, PODS_SHOWN),
    morePods: Math.max(0, podViews.length - PODS_SHOWN),
  };
}

const isProblem = (c: RuntimeCondition): boolean => (c.type === 'ReplicaFailure' ? c.status === 'True' : c.status === 'False');

function workloadHealth(workload: RuntimeWorkload, problems: readonly RuntimeCondition[], pods: readonly PodView[]): Health {
  if (problems.length > 0 || pods.some((p) => p.health === 'bad')) return 'bad';
  return workload.status.ready < workload.desired ? 'wait' : 'ok';
}

function podView(pod: RuntimePod, now: Date): PodView {
  const waiting = pod.containers.find((c): c is RuntimeContainerStatus & { waiting: object } => c.waiting !== undefined);
  const ready = pod.containers.filter((c) => c.ready).length;
  return {
    name: pod.name,
    phase: pod.terminating ? 'Terminating' : pod.phase,
    health: podHealth(pod, waiting?.waiting.reason, ready),
    ready: `${ready}/${pod.containers.length}`,
    restarts: pod.containers.reduce((sum, c) => sum + c.restarts, 0),
    node: pod.node,
    age: ageInWords(pod.createdAt, now),
    waiting: waiting && { container: waiting.name, reason: waiting.waiting.reason, message: waiting.waiting.message },
    terminating: pod.terminating,
  };
}

function podHealth(pod: RuntimePod, waitingReason: string | undefined, ready: number): Health {
  if (pod.phase === 'Failed' || (waitingReason && STUCK.test(waitingReason))) return 'bad';
  if (pod.phase === 'Succeeded') return 'ok';
  return pod.phase === 'Running' && ready === pod.containers.length && !pod.terminating ? 'ok' : 'wait';
}

/**
 * `registry:5000/team/app:1.2@sha256:…` split into repository, tag and digest. A colon is a
 * tag's only after the last slash (before it, it is a registry's port).
 */
export function imageView(reference: string): ImageView {
  const [name = '', digest] = reference.split('@', 2);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tagged = colon > slash;
  const repository = tagged ? name.slice(0, colon) : name;
  const tag = tagged ? name.slice(colon + 1) : digest ? undefined : 'latest';
  return { repository, tag, digest, reference };
}

function eventView(event: RuntimeEvent, now: Date): EventView {
  return {
    type: event.type,
    reason: event.reason,
    message: event.message,
    object: `${event.regarding.kind}/${event.regarding.name}`,
    count: event.count,
    lastAt: event.lastAt,
    ago: `${ageInWords(event.lastAt, now)} ago`,
  };
}

/** How long ago `iso` was at `now`, in words ("3 hours"); "—" when unknown. */
export function ageInWords(iso: string | undefined, now: Date): string {
  const since = iso === undefined ? NaN : Date.parse(iso);
  if (!Number.isFinite(since)) return '—';
  const seconds = Math.max(0, Math.floor((now.getTime() - since) / 1000));
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
