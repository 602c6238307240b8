import type { DocSites } from '../controllers/doc-source/sites.ts';
import type { Scorecards } from '../controllers/scorecard/controller.ts';
import { LeaderElector, STOPPED_ON_PURPOSE } from '../runtime/leader-election.ts';
import { clusterContext, type ControllerContext } from '../runtime/context.ts';
import type { Controller } from '../runtime/controller.ts';
import { enqueueAll, readModels, replicaControllers, startAll, stopAll } from './controllers.ts';
import { dashboardApp, listen } from './servers.ts';
import type { OperatorSettings } from './settings.ts';
import type { Templates } from './templates.ts';

export type { OperatorSettings } from './settings.ts';

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
 * Wires one replica: the context, the read models and every kind's controllers; then HTTP
 * (so /healthz answers while caches sync and /readyz says when they have); then leader
 * election, so that only one replica writes; then the controllers start. Stopping runs the
 * other way round: controllers drain, the Lease goes back, the servers close.
 */
export async function startOperator(settings: OperatorSettings): Promise<RunningOperator> {
  const { config, logger: log } = settings;
  const leadership = leadershipOf(settings);
  const context = replicaContext(settings, leadership.isLeader);
  const models = readModels();
  const controllers = replicaControllers(context, config, models, settings.kubeConfig);
  const servers = await listen(settings, dashboardApp(settings, controllers, models));
  leadership.start(() => {
    log.info('became leader; reconciling the whole catalog');
    enqueueAll(controllers);
  });
  try {
    await startAll(controllers);
  } catch (error) {
    await leadership.stop();
    await servers.close();
    throw error;
  }
  const { url, metricsUrl } = servers;
  log.info({ url, metricsUrl, identity: config.identity, leaderElect: config.leaderElect }, 'operator running');

  let stopping: Promise<void> | undefined;
  return {
    ...controllers,
    url,
    metricsUrl,
    isLeader: leadership.isLeader,
    stop: () =>
      (stopping ??= (async () => {
        await stopAll(controllers);
        await leadership.release();
        await servers.close();
      })()),
  };
}

/** The context every controller of this replica gets: one cluster, one scope, one leader check. */
function replicaContext(settings: OperatorSettings, isLeader: () => boolean): ControllerContext {
  return clusterContext({
    kubeConfig: settings.kubeConfig,
    logger: settings.logger,
    registry: settings.registry,
    isLeader,
    scope: settings.config.watchNamespace,
    // Decisions (initiative phases, run and docs timings) at the time tests set; queue delays
    // stay on the real clock, or a delay set before a jump of days would outlast the test.
    ...(settings.now ? { decisionTime: settings.now } : {}),
    ...(settings.informerTimings ? { informerTimings: settings.informerTimings } : {}),
  });
}

/** Whether this replica may write, and its campaign for the Lease. */
interface Leadership {
  /** Always without --leader-elect; with it, while this replica holds the Lease. */
  isLeader(): boolean;
  /** Campaigns for the Lease (with --leader-elect only); `onStartedLeading` runs on each win. */
  start(onStartedLeading: () => void): void;
  /** Stops campaigning: start-up failed. */
  stop(): Promise<void>;
  /** Hands the Lease back, so another replica need not wait for it to expire. */
  release(): Promise<void>;
}

/** The replica's leadership as --leader-elect and the Lease flags say. */
function leadershipOf(settings: OperatorSettings): Leadership {
  const { config, logger: log } = settings;
  // Created by start(): the context's leader check exists before the controllers it is given to.
  let elector: LeaderElector | undefined;
  return {
    isLeader: () => !config.leaderElect || (elector?.isLeader() ?? false),
    start: (onStartedLeading) => {
      if (!config.leaderElect) return;
      elector = new LeaderElector({
        kubeConfig: settings.kubeConfig,
        namespace: config.leaseNamespace,
        name: config.leaseName,
        identity: config.identity,
        logger: log,
        registry: settings.registry,
        onStartedLeading,
        onStoppedLeading: (reason) => log[reason === STOPPED_ON_PURPOSE ? 'info' : 'warn']({ reason }, 'stopped leading; writes paused'),
        ...settings.leaseTimings,
      });
      elector.start();
    },
    stop: async () => {
      await elector?.stop();
    },
    release: async () => {
      await elector?.release();
    },
  };
}
