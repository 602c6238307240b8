import type { KubernetesObject } from '@kubernetes/client-node';
import { Informer, type InformerHandlers, type InformerOptions } from '../../runtime/informer.ts';

/** Where the template operator watches: every namespace (undefined), one, or a list. */
export type WatchScope = string | readonly string[] | undefined;

/**
 * One resource watched over a scope, read as one cache: a single informer for one namespace
 * or for all of them, one per namespace for a list — so that a platform namespace and a few
 * team namespaces can be watched with rights in those namespaces only.
 */
export class ScopedInformer<T extends KubernetesObject> {
  private readonly informers = new Map<string | undefined, Informer<T>>();

  /** `collection` is the path under a namespace prefix: `/apis/batch/v1/${prefix}jobs`. */
  constructor(scope: WatchScope, collection: (prefix: string) => string, options: Omit<InformerOptions<T>, 'path'>) {
    const namespaces = typeof scope === 'string' ? [scope] : scope && scope.length > 0 ? [...new Set(scope)] : [undefined];
    for (const namespace of namespaces) {
      const prefix = namespace ? `namespaces/${namespace}/` : '';
      const name = namespaces.length > 1 ? `${options.name}/${namespace}` : options.name;
      this.informers.set(namespace, new Informer<T>({ ...options, ...(name ? { name } : {}), path: collection(prefix) }));
    }
  }

  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): void {
    for (const informer of this.informers.values()) informer.on(event, handler);
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

  list(): T[] {
    return [...this.informers.values()].flatMap((i) => i.list());
  }

  /** The object, from the informer of its namespace (or the cluster-wide one). */
  get(namespace: string, name: string): T | undefined {
    return (this.informers.get(namespace) ?? this.informers.get(undefined))?.get(namespace, name);
  }
}
