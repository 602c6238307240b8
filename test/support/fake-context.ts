/**
 * A ControllerContext without a cluster, for unit tests of a kind's controller: sources the
 * test fills and changes by hand, status writes and Events recorded, a manual clock, and a
 * leader switch. The controller under test is the real generic Controller.
 */
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import type { EventRecord, InvolvedObject } from '../../src/kube/events.ts';
import type { RawKubeClient } from '../../src/kube/raw-client.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { ControllerContext, StatusKind, WatchOptions } from '../../src/runtime/context.ts';
import type { InformerHandlers } from '../../src/runtime/informer.ts';
import { keyOf } from '../../src/runtime/object-cache.ts';
import type { ResourceType } from '../../src/api/resource-paths.ts';
import type { Source, WatchedObject } from '../../src/runtime/source.ts';
import { waitFor } from '../../src/local-cluster/health.ts';
import { manualClock, settle as settleOnce, type ManualClock } from './manual-clock.ts';

/**
 * A Source whose objects the test sets; events go to handlers as an informer's would, and
 * like an informer it keeps (and hands on) what the watch's transform makes of each object.
 */
export class FakeSource<T extends WatchedObject> implements Source<T> {
  readonly name: string;
  private readonly objects = new Map<string, T>();
  private readonly handlers: { [E in keyof InformerHandlers<T>]: InformerHandlers<T>[E][] } = { add: [], update: [], delete: [] };
  private readonly transform: (object: T) => T;
  private synced = false;

  constructor(name: string, transform: (object: T) => T = (object) => object) {
    this.name = name;
    this.transform = transform;
  }

  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): void {
    this.handlers[event].push(handler);
  }

  async start(): Promise<void> {
    this.synced = true;
  }

  async stop(): Promise<void> {}

  hasSynced(): boolean {
    return this.synced;
  }

  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(keyOf({ metadata: { namespace, name } }));
  }

  /** Adds or replaces an object, as a watch event would. */
  upsert(given: T): void {
    const object = this.transform(given);
    const key = keyOf(object);
    const previous = this.objects.get(key);
    this.objects.set(key, object);
    if (previous) for (const h of this.handlers.update) h(object, previous);
    else for (const h of this.handlers.add) h(object);
  }

  remove(given: T): void {
    const object = this.transform(given);
    if (!this.objects.delete(keyOf(object))) return;
    for (const h of this.handlers.delete) h(object);
  }
}

export interface StatusWrite {
  kind: string;
  namespace: string;
  name: string;
  status: unknown;
  fieldManager?: string | undefined;
}

export interface FakeContext extends ControllerContext {
  clock: ManualClock;
  /** Sources by the name the controller gave its watch. */
  sources: Map<string, FakeSource<WatchedObject>>;
  source<T extends WatchedObject>(name: string): FakeSource<T>;
  writes: StatusWrite[];
  recorded: { object: InvolvedObject; event: EventRecord }[];
  leader: boolean;
}

/** Resolves once every queued promise callback has run (a reconcile that awaits fakes only). */
export const settle = async (rounds = 20): Promise<void> => {
  for (let i = 0; i < rounds; i++) await settleOnce();
};

export function fakeContext(options: { client?: Partial<RawKubeClient>; leader?: boolean } = {}): FakeContext {
  const sources = new Map<string, FakeSource<WatchedObject>>();
  const writes: StatusWrite[] = [];
  const recorded: FakeContext['recorded'] = [];
  const context: FakeContext = {
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    registry: new Registry(),
    clock: manualClock(Date.parse('2026-03-01T00:00:00Z')),
    leader: options.leader ?? true,
    isLeader: () => context.leader,
    scope: undefined,
    client: (options.client ?? {}) as RawKubeClient,
    status: {
      apply: async (kind: StatusKind, namespace, name, status, fieldManager) => {
        writes.push({ kind: kind.kind, namespace, name, status, fieldManager });
        return 'written';
      },
      merge: async (type, namespace, name, status) => {
        writes.push({ kind: type.plural, namespace, name, status });
        return 'written';
      },
    },
    events: async (object, event) => void recorded.push({ object, event }),
    watch: <T extends WatchedObject>(_type: ResourceType, { name, transform }: WatchOptions<T>) => {
      let source = sources.get(name);
      if (!source) sources.set(name, (source = new FakeSource(name, transform as ((object: WatchedObject) => WatchedObject) | undefined)));
      return source as unknown as Source<T>;
    },
    sources,
    source: <T extends WatchedObject>(name: string) => {
      const source = sources.get(name);
      if (!source) throw new Error(`the controller watches no source named ${name} (it has ${[...sources.keys()].join(', ')})`);
      return source as unknown as FakeSource<T>;
    },
    writes,
    recorded,
  };
  return context;
}

/**
 * Resolves once `check` holds, letting timers and I/O run between looks; fails naming `what`
 * after `timeoutMs`. For reconciles whose work is real CPU (schema compiles, renders): a
 * fixed number of settle rounds is not enough on a busy machine.
 */
export const until = (what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> =>
  waitFor(async () => check(), { what, timeoutMs, intervalMs: 5 });
