import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { createApp } from '../http/app.ts';
import type { Logger } from '../observability/logger.ts';
import { LeaderElector } from '../runtime/leader-election.ts';
import { CatalogOperator } from './catalog-operator.ts';
import { TemplateOperator } from './template-operator.ts';
import { DocsOperator } from './docs-operator.ts';
import { SearchIndex } from '../search/index.ts';
import { ScorecardOperator } from './scorecard-operator.ts';
import { Notifier } from '../scorecards/notify.ts';
import type { Executor } from '../controllers/template-run/decide.ts';
import { VERSION } from '../config.ts';

export interface OperatorSettings {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  port: number;
  host: string;
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
  /** The dashboard's external URL, for links in notifications. */
  dashboardUrl?: string | undefined;
  /** Worker threads that evaluate Scorecard rules (default 2). */
  ruleWorkers?: number;
  /** How long one Scorecard rule may run on one entity (default 1000 ms). */
  ruleTimeoutMs?: number;
  /** The clock of time-based decisions (initiative phases and milestones); tests move it. */
  now?: () => Date;
}

export interface RunningOperator {
  catalog: CatalogOperator;
  templates: TemplateOperator;
  docs: DocsOperator;
  scorecards: ScorecardOperator;
  /** http://host:port the read API and dashboard answer on. */
  url: string;
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
  const catalog = new CatalogOperator({
    onEntity: {
      upsert: (entity) => {
        search.upsertEntity(entity);
        scorecards.entityChanged(entity.ref);
      },
      remove: (ref) => {
        search.removeEntity(ref);
        scorecards.entityChanged(ref);
      },
    },
    kubeConfig: settings.kubeConfig,
    logger: log,
    registry: settings.registry,
    concurrency: settings.concurrency,
    namespace: settings.watchNamespace,
    isLeader,
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });

  const templates = new TemplateOperator({
    onTemplate: { upsert: (t) => search.upsertTemplate(t), remove: (namespace, name) => search.removeTemplate(namespace, name) },
    kubeConfig: settings.kubeConfig,
    logger: log,
    registry: settings.registry,
    namespace: settings.watchNamespace,
    isLeader,
    executor: settings.templateExecutor ?? 'job',
    job: {
      image: settings.scaffoldImage ?? `ghcr.io/greenroom-dev/greenroom:${VERSION}`,
      serviceAccountName: settings.scaffoldServiceAccount ?? 'greenroom-scaffolder',
      ttlSecondsAfterFinished: settings.scaffoldJobTtlSeconds ?? 3600,
      activeDeadlineSeconds: settings.scaffoldJobDeadlineSeconds ?? 900,
    },
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });

  // Created after the catalog (it reads the graph); the catalog's hook above only runs once
  // the informers start, by when this exists.
  const scorecards = new ScorecardOperator({
    kubeConfig: settings.kubeConfig,
    logger: log,
    registry: settings.registry,
    namespace: settings.watchNamespace,
    isLeader,
    graph: catalog.graph,
    concurrency: settings.concurrency,
    notifier: new Notifier({ logger: log, registry: settings.registry }),
    ...(settings.dashboardUrl ? { dashboardUrl: settings.dashboardUrl } : {}),
    ...(settings.ruleWorkers === undefined ? {} : { ruleWorkers: settings.ruleWorkers }),
    ...(settings.ruleTimeoutMs === undefined ? {} : { ruleTimeoutMs: settings.ruleTimeoutMs }),
    ...(settings.now ? { now: settings.now } : {}),
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });

  const docs = new DocsOperator({
    onSite: (source, site) => (site ? search.upsertDocs(source, site.pages) : search.removeDocs(source.namespace, source.name)),
    kubeConfig: settings.kubeConfig,
    logger: log,
    registry: settings.registry,
    namespace: settings.watchNamespace,
    isLeader,
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });

  const app = createApp({
    metrics: settings.registry,
    isReady: () => catalog.hasSynced() && templates.hasSynced() && docs.hasSynced() && scorecards.hasSynced(),
    graph: catalog.graph,
    templates,
    docs,
    search,
    scorecards: scorecards.store,
  });
  const server: Server = app.listen(settings.port, settings.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host === '0.0.0.0' ? 'localhost' : settings.host}:${port}`;

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
        catalog.resyncAll();
        templates.enqueueAll();
        docs.enqueueAll();
        scorecards.enqueueAll();
      },
      onStoppedLeading: () => log.warn('stopped leading; writes paused'),
      ...settings.leaseTimings,
    });
    elector.start();
  }
  try {
    // Scorecards score the whole catalog before their first write: they wait for its graph.
    const graphBuilt = catalog.start();
    await Promise.all([graphBuilt, templates.start(), docs.start(), scorecards.start(graphBuilt)]);
  } catch (error) {
    await elector?.stop();
    server.close();
    throw error;
  }
  log.info({ url, identity: settings.identity, leaderElect: settings.leaderElect }, 'operator running');

  let stopping: Promise<void> | undefined;
  return {
    catalog,
    templates,
    docs,
    scorecards,
    url,
    isLeader,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([catalog.stop(), templates.stop(), docs.stop(), scorecards.stop()]);
        await elector?.release();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
