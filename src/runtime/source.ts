import type { KubernetesObject } from '@kubernetes/client-node';
import { collectionPath, type ResourceType } from '../api/resource-paths.ts';
import { Informer, type InformerHandlers, type InformerOptions } from './informer.ts';

/**
 * Where a controller watches: every namespace (undefined), one, or a list (a platform
 * namespace and a few team namespaces, watched with rights in those namespaces only).
 */
export type WatchScope = string | readonly string[] | undefined;

/**
 * What a watched object is at least: metadata as the apiserver sends it over JSON. Looser than
 * client-node's KubernetesObject (whose models say Date where the wire has strings), so a
 * kind's own object types (TemplateObject, CatalogObject…) can be watched as they are.
 */
export interface WatchedObject {
  metadata?: { name?: string | undefined; namespace?: string | undefined; uid?: string | undefined; resourceVersion?: string | undefined };
}

/**
 * A watched resource read as one cache of typed objects: what a controller's triggers
 * subscribe to and its reconcile reads from. The cluster's is {@link ScopedInformer}; unit
 * tests feed a fake one.
 */
export interface Source<T extends WatchedObject> {
  readonly name: string;
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  hasSynced(): boolean;
  /** Cached objects, of one namespace when given. */
  list(namespace?: string): T[];
  /** A cached object; `namespace` undefined for a cluster-scoped one. */
  get(namespace: string | undefined, name: string): T | undefined;
}

/** The namespaces a scope names, or `[undefined]` for all of them (one cluster-wide watch). */
export function scopeNamespaces(scope: WatchScope): (string | undefined)[] {
  if (typeof scope === 'string') return [scope];
  return scope && scope.length > 0 ? [...new Set(scope)] : [undefined];
}

/**
 * One resource watched over a scope: a single informer for one namespace or for all of
 * them, one per namespace for a list.
 */
export class ScopedInformer<T extends WatchedObject> implements Source<T> {
  readonly name: string;
  private readonly informers = new Map<string | undefined, Informer<T & KubernetesObject>>();

  constructor(
    scope: WatchScope,
    type: ResourceType,
    options: Omit<InformerOptions<KubernetesObject>, 'path' | 'list' | 'transform'> & { name: string; transform?: (object: T) => T },
  ) {
    this.name = options.name;
    const namespaces = scopeNamespaces(scope);
    // The one place raw objects meet their kind's type: the informer caches what the apiserver
    // sent (see listFromPath), or what the transform made of it, which is what T describes.
    const transform = options.transform as ((object: KubernetesObject) => KubernetesObject) | undefined;
    for (const namespace of namespaces) {
      const name = namespaces.length > 1 ? `${options.name}/${namespace}` : options.name;
      const informer = new Informer<KubernetesObject>({ ...options, transform, name, path: collectionPath(type, namespace) });
      this.informers.set(namespace, informer as unknown as Informer<T & KubernetesObject>);
    }
  }

  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): void {
    for (const informer of this.informers.values()) informer.on(event, handler as InformerHandlers<T & KubernetesObject>[E]);
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined && this.informers.has(namespace)) return this.informers.get(namespace)!.list();
    return [...this.informers.values()].flatMap((i) => i.list(namespace));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return (this.informers.get(namespace) ?? this.informers.get(undefined))?.get(namespace, name);
  }
}
