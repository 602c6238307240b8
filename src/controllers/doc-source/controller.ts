import type { DocsLimits } from '../../docs/limits.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { Controller } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { SiteBuilder } from './build.ts';
import { DocSourceReconciler } from './reconcile.ts';
import { DocSites, type SiteListener } from './sites.ts';
import { docSourceWatches, watchDocSources } from './triggers.ts';

export interface DocSourceControllerOptions {
  limits: DocsLimits;
  allowHttpGit: boolean;
  /** Builds at once, so one slow git server or big site does not hold up the others. */
  workers: number;
  /** Told when a DocSource's served site changes (search). */
  onSite?: SiteListener;
  build?: SiteBuilder;
}

/**
 * Docs sources: the leader fetches and builds each DocSource on its own queue (a slow git
 * server or a big site never holds up the catalog) and stores the built site gzip'd in
 * ConfigMaps it owns (reconcile.ts); every replica serves the sites from those ConfigMaps
 * (sites.ts), so all of them serve the same docs, and a failed build leaves the last good one
 * in place.
 */
export function docSourceController(
  context: ControllerContext,
  options: DocSourceControllerOptions,
): { controller: Controller; sites: DocSites } {
  const watched = watchDocSources(context);
  const sites = new DocSites(watched.sources, watched.chunks, {
    limits: options.limits,
    logger: context.logger.child({ component: 'docs' }),
    onSite: options.onSite,
  });
  const reconciler = new DocSourceReconciler(context, {
    ...watched,
    limits: options.limits,
    allowHttpGit: options.allowHttpGit,
    build: options.build,
  });
  const controller = new Controller(context, {
    name: 'docsource',
    watches: docSourceWatches(watched, sites),
    concurrency: options.workers,
    keys: () => watched.sources.list().map(keyOf),
    reconcile: (key) => reconciler.reconcile(key),
  });
  return { controller, sites };
}
