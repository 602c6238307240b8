import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { CatalogEntry } from '../../catalog-sources/plan.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { Controller, watch } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { CatalogSourceObject } from '../../api/objects.ts';
import { CatalogSourceReconciler, type ProviderFor } from './reconcile.ts';

export interface CatalogSourceControllerOptions {
  providerFor: ProviderFor;
  /** The catalog entities of a namespace (the replica's catalog graph). */
  entriesIn: (namespace: string) => CatalogEntry[];
  /** Sources checked at once, so one slow git server or directory does not hold up the others. */
  workers: number;
  checkTimeoutMs?: number;
  writeConcurrency?: number;
}

/** A CatalogSource controller and the way a verified push webhook asks it to look now. */
export interface CatalogSources {
  controller: Controller;
  /** Asks for a check of the source now (a signed push came in). */
  askNow(namespace: string, name: string): void;
  /** The sources this replica knows (the dashboard's Sources page, the webhook's lookup). */
  list(): CatalogSourceObject[];
}

/**
 * Catalog sources: the leader checks each CatalogSource on its own queue (a slow source never
 * holds up the catalog's own reconciles) and keeps the entities it holds in step with it.
 */
export function catalogSourceController(context: ControllerContext, options: CatalogSourceControllerOptions): CatalogSources {
  const sources = context.watch<CatalogSourceObject>(RESOURCES.catalogSources, { name: 'catalogsource' });
  const reconciler = new CatalogSourceReconciler(context, {
    sources,
    providerFor: options.providerFor,
    entriesIn: options.entriesIn,
    checkTimeoutMs: options.checkTimeoutMs ?? 10 * 60_000,
    writeConcurrency: options.writeConcurrency ?? 8,
  });
  const controller = new Controller(context, {
    name: 'catalogsource',
    watches: [watch(sources, ({ object }) => [keyOf(object)])],
    concurrency: options.workers,
    keys: () => sources.list().map(keyOf),
    reconcile: (key) => reconciler.reconcile(key),
  });
  return {
    controller,
    askNow(namespace, name) {
      const key = `${namespace}/${name}`;
      reconciler.askNow(key);
      controller.enqueue(key);
    },
    list: () => sources.list(),
  };
}
