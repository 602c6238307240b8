import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { createApp, createMetricsApp, type HttpLimits } from '../http/app.ts';
import type { Logger } from '../observability/logger.ts';
import { LeaderElector, STOPPED_ON_PURPOSE } from '../runtime/leader-election.ts';
import { CatalogGraph } from '../catalog/graph.ts';
import { catalogController } from '../controllers/catalog/controller.ts';
import { clusterContext } from '../runtime/context.ts';
import type { Controller } from '../runtime/controller.ts';
import { templates as templatesPart, type Templates } from './templates.ts';
import { DEFAULT_DOCS_LIMITS, type DocsLimits } from '../docs/limits.ts';
import { docSourceController } from '../controllers/doc-source/controller.ts';
import type { DocSites } from '../controllers/doc-source/sites.ts';
import { SearchIndex } from '../search/index.ts';
import { scorecardControllers, type Scorecards } from '../controllers/scorecard/controller.ts';
import { Notifier } from '../notifications/notify.ts';
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from '../notifications/webhook-policy.ts';
import { secretKeyReader } from '../notifications/webhook-secret.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import type { Executor } from '../controllers/template-run/decide.ts';
import { VERSION } from '../config.ts';
import { AccessReviews, subjectAccessReviews } from '../access/reviews.ts';
import type { AuthSettings } from '../http/auth/settings.ts';
import { clusterWrites } from '../self-service/cluster-writes.ts';

export interface OperatorSettings {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  port: number;
  host: string;
  /** Port of /metrics alone (0: any free port); the dashboard's port does not serve it. */
  metricsPort: number;
  /** Host allow-list, trusted proxies, per-client and in-flight limits of the dashboard's port. */
  http?: Partial<HttpLimits>;
  /** Who is asking on the dashboard's port (`--auth`); anonymous and read-only when absent. */
  auth?: AuthSettings;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  concurrency: number;
  /** Watch one namespace only; all namespaces when absent. */
  watchNamespace?: string | undefined;
  /** Lease timings and informer periods; tests shorten them. */
  leaseTimings?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
  /** Where template runs execute (default: a Job each). */
  templateExecutor?: Executor;
  scaffoldImage?: string;
  scaffoldServiceAccount?: string;
  scaffoldJobTtlSeconds?: number;
  scaffoldJobDeadlineSeconds?: number;
  /** Namespaces whose Templates TemplateRuns in other namespaces may use; none when absent. */
  sharedTemplateNamespaces?: readonly string[];
  /** Namespaces whose Scorecards and Initiatives select entities in every namespace; none when absent. */
  clusterScorecardNamespaces?: readonly string[];
  /** The dashboard's external URL, for links in notifications. */
  dashboardUrl?: string | undefined;
  /** Hosts notification webhooks may name (default: hooks.slack.com). */
  webhookAllowedHosts?: readonly string[];
  /** Let webhooks reach loopback and private addresses (default: false). */
  webhookAllowPrivateAddresses?: boolean;
  /**
   * Whether git may use http:// remotes (template skeletons and pushes, DocSources). Off by
   * default: credentials would cross the network unencrypted. The demo's and tests' local git
   * server speaks plain http.
   */
  allowHttpGit?: boolean;
  /** Worker threads that evaluate Scorecard rules (default 2). */
  ruleWorkers?: number;
  /** How long one Scorecard rule may run on one entity (default 1000 ms). */
  ruleTimeoutMs?: number;
  /** How long a signed-in person's access answers are reused (default DEFAULT_ACCESS_TTL_MS). */
  accessCacheSeconds?: number;
  /** The clock of time-based decisions (initiative phases and milestones); tests move it. */
  now?: () => Date;
  /** Docs builds at once (default 2). */
  docsWorkers?: number;
  /** Bounds on docs builds, the flags' --docs-max-* and --docs-build-memory-mb (defaults: DEFAULT_DOCS_LIMITS). */
  docsMaxFetchBytes?: number;
  docsMaxFiles?: number;
  docsMaxPages?: number;
  docsMaxPageBytes?: number;
  docsMaxAssetBytes?: number;
  docsMaxSiteBytes?: number;
  docsBuildMemoryMb?: number;
}

export interface RunningOperator {
  catalog: Controller;
  templates: Templates;
  docs: { controller: Controller; sites: DocSites };
  scorecards: Scorecards;
  /** http://host:port the read API and dashboard answer on. */
  url: string;
  /** http://host:port/metrics, where Prometheus scrapes this replica. */
  metricsUrl: string;
  isLeader: () => boolean;
  /** Drains the controllers, hands the Lease back and closes the HTTP server. */
  stop: () => Promise<void>;
}

/**
 * Wires one replica: HTTP first (so /healthz answers while caches sync and /readyz says
 * when they have), then the catalog's informers and controllers, and leader election so
 * that only one replica writes.
 */
export async function startOperator(settings: OperatorSettings): Promise<RunningOperator> {
  const log = settings.logger;
  let elector: LeaderElector | undefined;
  const isLeader = (): boolean => !settings.leaderElect || (elector?.isLeader() ?? false);
  // One index over entities, templates and doc pages, kept current from their informers.
  const search = new SearchIndex();
  const context = clusterContext({
    kubeConfig: settings.kubeConfig,
    logger: log,
    registry: settings.registry,
    isLeader,
    scope: settings.watchNamespace,
    // Decisions (initiative phases, run and docs timings) at the time tests set; queue delays
    // stay on the real clock, or a delay set before a jump of days would outlast the test.
    ...(settings.now ? { decisionTime: settings.now } : {}),
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });
  // The catalog's read model: kept by the catalog controller's watches, read by HTTP (as a
  // view), search and scorecards.
  const graph = new CatalogGraph();

  const templates = templatesPart(context, {
    kubeConfig: settings.kubeConfig,
    listener: {
      templateChanged: (t) => search.upsertTemplate(t),
      templateRemoved: (namespace, name) => search.removeTemplate(namespace, name),
    },
    executor: settings.templateExecutor ?? 'job',
    sharedTemplateNamespaces: settings.sharedTemplateNamespaces ?? [],
    job: {
      image: settings.scaffoldImage ?? `ghcr.io/greenroom-dev/greenroom:${VERSION}`,
      serviceAccountName: settings.scaffoldServiceAccount ?? 'greenroom-scaffolder',
      ttlSecondsAfterFinished: settings.scaffoldJobTtlSeconds ?? 3600,
      activeDeadlineSeconds: settings.scaffoldJobDeadlineSeconds ?? 900,
      allowHttpGit: settings.allowHttpGit ?? false,
    },
  });

  const scorecards = scorecardControllers(context, {
    graph,
    clusterScorecardNamespaces: settings.clusterScorecardNamespaces ?? [],
    concurrency: settings.concurrency,
    notifier: new Notifier({
      logger: log,
      registry: settings.registry,
      policy: {
        allowedHosts: settings.webhookAllowedHosts ?? DEFAULT_WEBHOOK_ALLOWED_HOSTS,
        allowPrivateAddresses: settings.webhookAllowPrivateAddresses ?? false,
      },
      readSecret: secretKeyReader(context.client),
    }),
    dashboardUrl: settings.dashboardUrl,
    ruleWorkers: settings.ruleWorkers,
    ruleTimeoutMs: settings.ruleTimeoutMs,
  });

  // The explicit fan-out of entity changes: search keeps its index, scorecards score again.
  const catalog = catalogController(context, {
    graph,
    concurrency: settings.concurrency,
    listeners: [
      { entityChanged: (entity) => search.upsertEntity(entity), entityRemoved: (ref) => search.removeEntity(ref) },
      { entityChanged: (entity) => scorecards.entityChanged(entity.ref), entityRemoved: (ref) => scorecards.entityChanged(ref) },
    ],
  });

  const docs = docSourceController(context, {
    onSite: (source, site) => (site ? search.upsertDocs(source, site.pages) : search.removeDocs(source.namespace, source.name)),
    allowHttpGit: settings.allowHttpGit ?? false,
    limits: docsLimits(settings),
    workers: settings.docsWorkers ?? 2,
  });

  // Asked only for signed-in people; under --auth none no review is ever sent.
  const access = new AccessReviews({
    send: subjectAccessReviews(new RawKubeClient(settings.kubeConfig)),
    logger: log.child({ component: 'access' }),
    registry: settings.registry,
    ...(settings.accessCacheSeconds === undefined ? {} : { ttlMs: settings.accessCacheSeconds * 1000 }),
  });
  const app = createApp({
    logger: log,
    access,
    ...(settings.http ? { limits: settings.http } : {}),
    ...(settings.auth ? { auth: settings.auth } : {}),
    // Writes as the signed-in person (impersonation): only when someone can sign in.
    ...(settings.auth && settings.auth.mode !== 'none' ? { selfService: clusterWrites(new RawKubeClient(settings.kubeConfig)) } : {}),
    isReady: () =>
      catalog.hasSynced() && templates.controllers.every((c) => c.hasSynced()) && docs.controller.hasSynced() && scorecards.hasSynced(),
    graph,
    templates: templates.store,
    docs: docs.sites,
    search,
    scorecards: scorecards.store,
  });
  const server: Server = app.listen(settings.port, settings.host);
  const metricsServer: Server = createMetricsApp({ metrics: settings.registry, logger: log }).listen(settings.metricsPort, settings.host);
  await Promise.all([once(server, 'listening'), once(metricsServer, 'listening')]);
  const urlOf = (s: Server): string =>
    `http://${settings.host === '0.0.0.0' ? 'localhost' : settings.host}:${(s.address() as AddressInfo).port}`;
  const url = urlOf(server);
  const metricsUrl = `${urlOf(metricsServer)}/metrics`;
  const closeServers = async (): Promise<void> => {
    await Promise.all(
      [server, metricsServer].map((s) => {
        s.closeAllConnections();
        return new Promise<void>((resolve) => s.close(() => resolve()));
      }),
    );
  };

  if (settings.leaderElect) {
    elector = new LeaderElector({
      kubeConfig: settings.kubeConfig,
      namespace: settings.leaseNamespace,
      name: settings.leaseName,
      identity: settings.identity,
      logger: log,
      registry: settings.registry,
      onStartedLeading: () => {
        log.info('became leader; reconciling the whole catalog');
        void catalog.enqueueAll();
        for (const c of templates.controllers) void c.enqueueAll();
        void docs.controller.enqueueAll();
        void scorecards.enqueueAll();
      },
      onStoppedLeading: (reason) => log[reason === STOPPED_ON_PURPOSE ? 'info' : 'warn']({ reason }, 'stopped leading; writes paused'),
      ...settings.leaseTimings,
    });
    elector.start();
  }
  try {
    // Scorecards score the whole catalog before their first write: they wait for its graph.
    const graphBuilt = catalog.start();
    await Promise.all([graphBuilt, templates.start(), docs.controller.start(), scorecards.start(graphBuilt)]);
  } catch (error) {
    await elector?.stop();
    await closeServers();
    throw error;
  }
  log.info({ url, metricsUrl, identity: settings.identity, leaderElect: settings.leaderElect }, 'operator running');

  let stopping: Promise<void> | undefined;
  return {
    catalog,
    templates,
    docs,
    scorecards,
    url,
    metricsUrl,
    isLeader,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([catalog.stop(), templates.stop(), docs.controller.stop(), scorecards.stop()]);
        await elector?.release();
        await closeServers();
      })()),
  };
}

/** The docs limits a replica's settings give, each flag falling back to its default. */
function docsLimits(settings: OperatorSettings): DocsLimits {
  const d = DEFAULT_DOCS_LIMITS;
  return {
    maxFetchBytes: settings.docsMaxFetchBytes ?? d.maxFetchBytes,
    maxFiles: settings.docsMaxFiles ?? d.maxFiles,
    maxPages: settings.docsMaxPages ?? d.maxPages,
    maxPageBytes: settings.docsMaxPageBytes ?? d.maxPageBytes,
    maxAssetBytes: settings.docsMaxAssetBytes ?? d.maxAssetBytes,
    maxSiteBytes: settings.docsMaxSiteBytes ?? d.maxSiteBytes,
    buildMemoryMb: settings.docsBuildMemoryMb ?? d.buildMemoryMb,
  };
}
