import { DeferredEntityFeed } from '../search/entity-feed.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import { CatalogGraph } from '../catalog/graph.ts';
import type { OperatorConfig } from '../config.ts';
import type { EntityListener } from '../controllers/catalog/triggers.ts';
import { catalogController } from '../controllers/catalog/controller.ts';
import { definitionController } from '../controllers/api-definition/controller.ts';
import { DefinitionLibrary, type DefinitionLibraryOptions } from '../controllers/api-definition/library.ts';
import { definitionEntries } from '../api-definitions/entries.ts';
import { textReader } from '../controllers/api-definition/read-text.ts';
import { describeInChildProcess } from '../api-definitions/describe-process.ts';
import { systemResolve } from '../outbound/pinned-request.ts';
import { catalogSourceController, type CatalogSources } from '../controllers/catalog-source/controller.ts';
import { docSourceController } from '../controllers/doc-source/controller.ts';
import type { DocSites } from '../controllers/doc-source/sites.ts';
import { runtimeViews, type RuntimeViews } from '../controllers/runtime-view/controller.ts';
import { scorecardControllers, type Scorecards } from '../controllers/scorecard/controller.ts';
import { Notifier } from '../notifications/notify.ts';
import { secretKeyReader } from '../notifications/webhook-secret.ts';
import { nowOf, type ControllerContext } from '../runtime/context.ts';
import type { Controller } from '../runtime/controller.ts';
import { SearchIndex } from '../search/index.ts';
import { catalogEntriesIn, providerFor } from './catalog-sources.ts';
import { templates, type Templates } from './templates.ts';

/** The read models of one replica: kept current by the controllers' watches, read by HTTP. */
export interface ReadModels {
  /** The catalog's relations: kept by the catalog's watches, read by HTTP (as a view), search and scorecards. */
  graph: CatalogGraph;
  /** One index over entities, templates and doc pages, kept current from their informers. */
  search: SearchIndex;
}

/** Empty read models; the controllers fill them once their caches sync. */
export function readModels(): ReadModels {
  return { graph: new CatalogGraph(), search: new SearchIndex() };
}

/** Every controller of one replica, by kind. */
export interface ReplicaControllers {
  catalog: Controller;
  templates: Templates;
  docs: { controller: Controller; sites: DocSites };
  catalogSources: CatalogSources;
  scorecards: Scorecards;
  /** API definitions: every replica reads and describes them (library); the leader writes DefinitionResolved. */
  definitions: { controller: Controller; library: DefinitionLibrary };
  /** What runs for each entity (workloads, Pods, Warning Events, delivery health): a read model on every replica. */
  runtime: RuntimeViews;
}

/**
 * Builds every kind's controllers over one context. Scorecards come before the catalog
 * because the catalog's fan-out names them: each entity change goes to search and to
 * scorecards, explicitly, instead of through callbacks set later.
 */
export function replicaControllers(
  context: ControllerContext,
  config: OperatorConfig,
  models: ReadModels,
  kubeConfig: KubeConfig,
): ReplicaControllers {
  const { graph, search } = models;
  const templateControllers = templatesOf(context, config, search, kubeConfig);
  const scorecards = scorecardsOf(context, config, graph);
  let definitionWriter: Controller | undefined;
  const library = definitionLibraryOf(context, config, {
    onChange: (ref) => definitionWriter?.enqueue(ref),
    onDescription: (ref, namespace, description) =>
      search.upsertDefinition(ref, namespace, description ? definitionEntries(description) : []),
  });
  const fanOut: EntityListener[] = [
    new DeferredEntityFeed(search),
    { entityChanged: (entity) => scorecards.entityChanged(entity.ref), entityRemoved: (ref) => scorecards.entityChanged(ref) },
    { entityChanged: (entity) => library.entityChanged(entity), entityRemoved: (ref) => library.entityRemoved(ref) },
  ];
  const catalog = catalogController(context, { graph, concurrency: config.concurrency, listeners: fanOut });
  // Conditions are written for APIs the graph holds: not before the catalog has synced.
  definitionWriter = definitionController(context, library, graph, () => catalog.start());
  const docs = docsOf(context, config, search);
  const catalogSources = catalogSourceController(context, {
    providerFor: providerFor(context.client, config),
    entriesIn: catalogEntriesIn(graph),
    workers: config.catalogSourceWorkers,
  });
  return {
    catalog,
    templates: templateControllers,
    docs,
    catalogSources,
    scorecards,
    definitions: { controller: definitionWriter, library },
    runtime: runtimeViews(context),
  };
}

/** API definitions read within the --definition-* flags: URLs only on allowed hosts, each described in a bounded child process. */
function definitionLibraryOf(
  context: ControllerContext,
  config: OperatorConfig,
  listeners: Pick<DefinitionLibraryOptions, 'onChange' | 'onDescription'>,
): DefinitionLibrary {
  const limits = {
    maxBytes: config.definitionMaxBytes,
    memoryMb: config.definitionMemoryMb,
    timeoutSeconds: config.definitionTimeoutSeconds,
  };
  return new DefinitionLibrary({
    readText: textReader({
      client: context.client,
      policy: {
        allowedHosts: config.definitionAllowedHosts,
        allowPrivateAddresses: config.definitionAllowPrivateAddresses,
        names: {
          subject: 'API definition',
          endpoint: 'definition server',
          allowedHostsFlag: '--definition-allowed-hosts',
          allowPrivateAddressesFlag: '--definition-allow-private-addresses',
        },
      },
      resolve: systemResolve,
      maxBytes: limits.maxBytes,
    }),
    describe: (format, text) => describeInChildProcess(format, text, limits),
    logger: context.logger.child({ component: 'definitions' }),
    now: () => nowOf(context),
    refreshMs: config.definitionRefreshSeconds * 1000,
    ...listeners,
  });
}

/** Docs sources; search is told of every site's pages. */
function docsOf(context: ControllerContext, config: OperatorConfig, search: SearchIndex): ReplicaControllers['docs'] {
  return docSourceController(context, {
    onSite: (source, site) => (site ? search.upsertDocs(source, site.pages) : search.removeDocs(source.namespace, source.name)),
    allowHttpGit: config.allowHttpGit,
    limits: {
      maxFetchBytes: config.docsMaxFetchBytes,
      maxFiles: config.docsMaxFiles,
      maxPages: config.docsMaxPages,
      maxPageBytes: config.docsMaxPageBytes,
      maxAssetBytes: config.docsMaxAssetBytes,
      maxSiteBytes: config.docsMaxSiteBytes,
      buildMemoryMb: config.docsBuildMemoryMb,
    },
    workers: config.docsWorkers,
  });
}

/** Templates and their runs; search is told of every Template. */
function templatesOf(context: ControllerContext, config: OperatorConfig, search: SearchIndex, kubeConfig: KubeConfig): Templates {
  return templates(context, {
    kubeConfig,
    listener: {
      templateChanged: (t) => search.upsertTemplate(t),
      templateRemoved: (namespace, name) => search.removeTemplate(namespace, name),
    },
    executor: config.templateExecutor,
    sharedTemplateNamespaces: config.sharedTemplateNamespaces,
    job: {
      image: config.scaffoldImage,
      serviceAccountName: config.scaffoldServiceAccount,
      ttlSecondsAfterFinished: config.scaffoldJobTtlSeconds,
      activeDeadlineSeconds: config.scaffoldJobDeadlineSeconds,
      allowHttpGit: config.allowHttpGit,
    },
  });
}

/** Scorecards and initiatives over the catalog graph, notifying owners within the webhook policy. */
function scorecardsOf(context: ControllerContext, config: OperatorConfig, graph: CatalogGraph): Scorecards {
  return scorecardControllers(context, {
    graph,
    clusterScorecardNamespaces: config.clusterScorecardNamespaces,
    concurrency: config.concurrency,
    notifier: new Notifier({
      logger: context.logger,
      registry: context.registry,
      policy: { allowedHosts: config.webhookAllowedHosts, allowPrivateAddresses: config.webhookAllowPrivateAddresses },
      readSecret: secretKeyReader(context.client),
    }),
    dashboardUrl: config.dashboardUrl,
    ruleWorkers: config.ruleWorkers,
    ruleTimeoutMs: config.ruleTimeoutMs,
  });
}

/** Whether every controller's caches have synced: what /readyz answers. */
export function allSynced(c: ReplicaControllers): boolean {
  return (
    c.catalog.hasSynced() &&
    c.templates.controllers.every((t) => t.hasSynced()) &&
    c.docs.controller.hasSynced() &&
    c.catalogSources.controller.hasSynced() &&
    c.scorecards.hasSynced() &&
    c.definitions.controller.hasSynced() &&
    c.runtime.controller.hasSynced()
  );
}

/** On becoming leader: every controller looks at all its objects again, since a follower wrote nothing. */
export function enqueueAll(c: ReplicaControllers): void {
  void c.catalog.enqueueAll();
  for (const t of c.templates.controllers) void t.enqueueAll();
  void c.docs.controller.enqueueAll();
  void c.catalogSources.controller.enqueueAll();
  void c.scorecards.enqueueAll();
  void c.definitions.controller.enqueueAll();
}

/** Starts every controller; resolves once all have synced. */
export async function startAll(c: ReplicaControllers): Promise<void> {
  // Scorecards score the whole catalog before their first write: they wait for its graph.
  const graphBuilt = c.catalog.start();
  // Catalog sources plan against the graph (who holds which entity): not before it is whole.
  const sourcesStarted = graphBuilt.then(() => c.catalogSources.controller.start());
  await Promise.all([
    graphBuilt,
    c.templates.start(),
    c.docs.controller.start(),
    sourcesStarted,
    c.scorecards.start(graphBuilt),
    c.definitions.controller.start(),
    c.runtime.controller.start(),
  ]);
}

/** Drains every controller. */
export async function stopAll(c: ReplicaControllers): Promise<void> {
  await Promise.all([
    c.catalog.stop(),
    c.templates.stop(),
    c.docs.controller.stop(),
    c.catalogSources.controller.stop(),
    c.scorecards.stop(),
    c.definitions.controller.stop(),
    c.runtime.controller.stop(),
    c.runtime.delivery.stop(),
  ]);
  c.definitions.library.stop();
}
