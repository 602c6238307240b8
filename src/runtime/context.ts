import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { ResourceType } from '../api/resource-paths.ts';
import { eventRecorder, type EventRecorder } from '../kube/events.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus, mergeStatus, type MergeOptions, type MergeResult, type WriteResult } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { systemClock, type Clock } from './clock.ts';
import { ScopedInformer, type Source, type WatchedObject, type WatchScope } from './source.ts';

/** A greenroom.dev kind whose status a controller writes. */
export interface StatusKind {
  kind: string;
  plural: string;
}

/** Status writes, the one kind of write every controller makes (see src/kube/status-writer.ts). */
export interface StatusWriter {
  /** Server-side apply of the whole status this field manager owns. */
  apply(kind: StatusKind, namespace: string, name: string, status: unknown, fieldManager?: string): Promise<WriteResult>;
  /** A JSON merge patch of some status fields (objects with two writers). */
  merge(type: ResourceType, namespace: string, name: string, status: object, options?: MergeOptions): Promise<MergeResult>;
}

/** Watch periods, shortened by tests. */
export interface InformerTimings {
  silenceTimeoutMs?: number;
  relistIntervalMs?: number;
}

/**
 * Everything a controller needs from the replica it runs in, passed in once instead of a
 * handful of options per controller. The cluster's is {@link clusterContext}; unit tests
 * build a fake one (test/support/fake-context.ts) and drive a controller without a cluster.
 */
export interface ControllerContext {
  logger: Logger;
  registry: Registry;
  /** The runtime's timers and time: queue delays and backoff, and by default decision time too. */
  clock: Clock;
  /**
   * The time decisions are made at (initiative phases, docs checks, run deadlines) when it is
   * not the clock's: tests move it by days while queue delays stay real. Read it with nowOf.
   */
  decisionTime?: (() => Date) | undefined;
  /** Only the leader writes; followers keep their caches for the read API. */
  isLeader(): boolean;
  /** Namespaces every controller watches. */
  scope: WatchScope;
  /** The apiserver, for the reads and writes a controller makes beyond its status. */
  client: RawKubeClient;
  status: StatusWriter;
  events: EventRecorder;
  /**
   * A cache of one resource type over `scope` (or the scope given), started by the controller
   * that watches it; `labelSelector` and `fieldSelector` narrow it on the apiserver.
   */
  watch<T extends WatchedObject>(type: ResourceType, options: WatchOptions<T>): Source<T>;
}

/** Which objects of a resource type a watch caches, and how much of each. */
export interface WatchOptions<T extends WatchedObject = WatchedObject> {
  name: string;
  labelSelector?: string;
  /** e.g. `type=Warning` for Events, so a cluster's Normal events are never sent to the replica. */
  fieldSelector?: string;
  scope?: WatchScope;
  /**
   * What each object becomes before it is cached (see InformerOptions.transform): a watch
   * that reads a few fields of many objects keeps only those, and the source then holds
   * only what this returns. It must keep metadata.name, namespace and resourceVersion.
   */
  transform?: (object: T) => T;
}

/** The time of the context's clock as a Date, for decisions written into status. */
export const nowOf = (context: Pick<ControllerContext, 'clock' | 'decisionTime'>): Date =>
  context.decisionTime?.() ?? new Date(context.clock.now());

export interface ClusterContextOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  isLeader: () => boolean;
  scope: WatchScope;
  /** The controllers' clock (queue delays and backoff; default the system's). Informers keep the system clock. */
  clock?: Clock;
  /** Decision time, when a test moves it apart from the clock (see ControllerContext.decisionTime). */
  decisionTime?: () => Date;
  informerTimings?: InformerTimings;
}

/** The context of a replica talking to a real apiserver. */
export function clusterContext(options: ClusterContextOptions): ControllerContext {
  const client = new RawKubeClient(options.kubeConfig);
  const logger = options.logger;
  return {
    logger,
    registry: options.registry,
    clock: options.clock ?? systemClock,
    decisionTime: options.decisionTime,
    isLeader: options.isLeader,
    scope: options.scope,
    client,
    status: {
      apply: (kind, namespace, name, status, fieldManager) => applyStatus(client, kind, namespace, name, status, fieldManager),
      merge: (type, namespace, name, status, mergeOptions) => mergeStatus(client, type, namespace, name, status, mergeOptions),
    },
    events: eventRecorder(client, (error) => logger.warn({ err: error }, 'could not record an event')),
    watch: <T extends WatchedObject>(type: ResourceType, watchOptions: WatchOptions<T>) =>
      new ScopedInformer<T>(watchOptions.scope === undefined ? options.scope : watchOptions.scope, type, {
        kubeConfig: options.kubeConfig,
        name: watchOptions.name,
        logger,
        registry: options.registry,
        ...(watchOptions.labelSelector ? { labelSelector: watchOptions.labelSelector } : {}),
        ...(watchOptions.fieldSelector ? { fieldSelector: watchOptions.fieldSelector } : {}),
        ...(watchOptions.transform ? { transform: watchOptions.transform } : {}),
        ...options.informerTimings,
      }),
  };
}
