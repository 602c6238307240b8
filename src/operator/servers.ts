import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { AccessReviews, subjectAccessReviews } from '../access/reviews.ts';
import { createApp, createMetricsApp } from '../http/app.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { clusterWrites } from '../self-service/cluster-writes.ts';
import { catalogHooks } from './catalog-sources.ts';
import { allSynced, type ReadModels, type ReplicaControllers } from './controllers.ts';
import type { OperatorSettings } from './settings.ts';

/** The two listening ports of one replica. */
export interface Servers {
  /** http://host:port the read API and dashboard answer on. */
  url: string;
  /** http://host:port/metrics, where Prometheus scrapes this replica. */
  metricsUrl: string;
  /** Closes both, cutting open connections (keep-alive ones would hold a close for minutes). */
  close(): Promise<void>;
}

/**
 * The dashboard's app: the read API, the pages, /healthz and /readyz over the read models and
 * the controllers' caches, filtered by what the person asking may see.
 */
export function dashboardApp(settings: OperatorSettings, controllers: ReplicaControllers, models: ReadModels): Express {
  const { config, auth, logger, registry, kubeConfig } = settings;
  // Asked only for signed-in people; under --auth none no review is ever sent.
  const access = new AccessReviews({
    send: subjectAccessReviews(new RawKubeClient(kubeConfig)),
    logger: logger.child({ component: 'access' }),
    registry,
    ttlMs: config.accessCacheSeconds * 1000,
  });
  return createApp({
    logger,
    access,
    limits: {
      allowedHosts: config.allowedHosts,
      trustProxy: config.trustProxy,
      rateLimitPerMinute: config.rateLimitPerMinute,
      maxInFlight: config.maxInFlight,
    },
    ...(auth ? { auth } : {}),
    // Writes as the signed-in person (impersonation): only when someone can sign in.
    ...(auth && auth.mode !== 'none' ? { selfService: clusterWrites(new RawKubeClient(kubeConfig)) } : {}),
    isReady: () => allSynced(controllers),
    catalogHooks: catalogHooks(new RawKubeClient(kubeConfig), () => controllers.catalogSources.list()),
    graph: models.graph,
    templates: controllers.templates.store,
    docs: controllers.docs.sites,
    search: models.search,
    scorecards: controllers.scorecards.store,
    catalogSources: { sources: () => controllers.catalogSources.list() },
    definitions: controllers.definitions.library,
    runtime: controllers.runtime.shelf,
    // Pages decide by the controllers' clock, so a page and the status beside it agree.
    now: settings.now,
  });
}

/** Listens with the dashboard's app on --port and with /metrics alone on --metrics-port. */
export async function listen(settings: OperatorSettings, app: Express): Promise<Servers> {
  const { host, port, metricsPort } = settings.config;
  const server: Server = app.listen(port, host);
  const metricsServer: Server = createMetricsApp({ metrics: settings.registry, logger: settings.logger }).listen(metricsPort, host);
  await Promise.all([once(server, 'listening'), once(metricsServer, 'listening')]);
  const urlOf = (s: Server): string => `http://${host === '0.0.0.0' ? 'localhost' : host}:${(s.address() as AddressInfo).port}`;
  return {
    url: urlOf(server),
    metricsUrl: `${urlOf(metricsServer)}/metrics`,
    close: async () => {
      await Promise.all(
        [server, metricsServer].map((s) => {
          s.closeAllConnections();
          return new Promise<void>((resolve) => s.close(() => resolve()));
        }),
      );
    },
  };
}
