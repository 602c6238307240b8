import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { flagUsage, parseFlags } from '../shared/flag-table.ts';
import { DEFAULT_METRICS_PORT, DEFAULT_PORT, operatorConfig, type OperatorConfig } from '../config.ts';
import { applyObjects, installCrds, readManifests } from '../kube/apply.ts';
import { loadKubeConfig } from '../kube/config.ts';
import { projectRoot } from '../local-cluster/binaries.ts';
import { startControlPlane } from '../local-cluster/control-plane.ts';
import { freePort } from '../local-cluster/ports.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { startOperator, type RunningOperator } from '../operator/run.ts';
import type { GitServer } from '../local-cluster/git-server.ts';
import { seedTemplates } from './demo-templates.ts';
import { sampleScorecards } from './demo-scorecards.ts';
import { startDemoSignIn, type DemoSignIn } from './demo-sign-in.ts';

const NOT_A_PORT = 'must be a port number';
const portFlag = (what: string, fallback: number) =>
  z.coerce.number(NOT_A_PORT).int(NOT_A_PORT).min(0, NOT_A_PORT).max(65535, NOT_A_PORT).default(fallback).describe(what);

/** The demo's flags, one entry each (see flag-table.ts). */
export const demoFlags = z.object({
  kubeconfig: z.string().optional().describe('use the cluster of this kubeconfig, not a local control plane').meta({ placeholder: 'PATH' }),
  context: z.string().optional().describe('use this kubeconfig context, not a local control plane').meta({ placeholder: 'NAME' }),
  port: portFlag('port of the dashboard; 0 picks a free one', DEFAULT_PORT),
  metricsPort: portFlag('port of /metrics', DEFAULT_METRICS_PORT),
  namespace: z.string().min(1).default('greenroom-demo').describe('namespace of the samples and templates').meta({ placeholder: 'NS' }),
  auth: z.enum(['none', 'oidc']).default('none').describe('none: anonymous and read-only; oidc: sign in at a local Dex'),
});

/** `greenroom demo --help`. */
export const DEMO_USAGE = `greenroom demo [flags]

${flagUsage(demoFlags)}

Brings up a local control plane (etcd, kube-apiserver, kube-controller-manager built from
source on first use), installs the CRDs, applies the sample catalog and serves the
dashboard until Ctrl-C, then stops everything. It also starts a local git server, applies the
golden-path templates and runs one (in-process: the local control plane runs no pods). With --kubeconfig or --context it uses
that cluster instead and leaves it running.

--auth none (the default): anonymous and read-only, every page says so. --auth oidc: a local
Dex with two people in two teams (passwords printed), each team bound to what it may see and
do, so you can sign in as either, start a run with a click, and see the other's refused.`;

interface Cluster {
  kubeConfig: KubeConfig;
  description: string;
  stop: () => Promise<void>;
}

async function connect(values: { kubeconfig?: string | undefined; context?: string | undefined }, log: Logger): Promise<Cluster> {
  if (values.kubeconfig || values.context) {
    const kubeConfig = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
    return { kubeConfig, description: `context ${kubeConfig.getCurrentContext()}`, stop: async () => undefined };
  }
  const controlPlane = await startControlPlane({ log: (line) => log.info(line) });
  return {
    kubeConfig: loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }),
    description: `local control plane ${controlPlane.server} (KUBECONFIG=${controlPlane.kubeconfigPath})`,
    stop: controlPlane.stop,
  };
}

/**
 * The demo's operator: the operator's own defaults (config.ts), but for its ports, its Lease
 * and what a local control plane needs.
 */
export function demoOperatorConfig(demo: {
  port: number;
  metricsPort: number;
  namespace: string;
  dashboardUrl?: string | undefined;
}): OperatorConfig {
  return operatorConfig({
    port: demo.port,
    metricsPort: demo.metricsPort,
    host: '127.0.0.1',
    // Only names of this machine: a page on a rebound DNS name must not read the portal.
    allowedHosts: ['localhost', '127.0.0.1', '::1'],
    leaseNamespace: demo.namespace,
    leaseName: 'greenroom-demo',
    identity: `demo-${process.pid}`,
    // The local control plane runs no pods: template runs are child processes here.
    templateExecutor: 'in-process',
    // The demo's git server is local and speaks plain http.
    allowHttpGit: true,
    dashboardUrl: demo.dashboardUrl,
  });
}

/** `greenroom demo`: the whole portal on one machine, for a first look. */
export async function runDemo(argv: string[], log: Logger): Promise<void> {
  const values = parseFlags(demoFlags, argv, {});
  // Dex is told the dashboard's address before the dashboard listens: --port 0 picks one now.
  const port = values.auth === 'oidc' && values.port === 0 ? await freePort() : values.port;
  const { metricsPort } = values;

  const cluster = await connect(values, log);
  let operator: RunningOperator | undefined;
  let git: GitServer | undefined;
  let signIn: DemoSignIn | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> =>
    (stopping ??= (async () => {
      log.info({ signal }, 'stopping the demo');
      await operator?.stop();
      await git?.stop();
      await signIn?.dex.stop();
      await cluster.stop();
      log.info('demo stopped');
    })());
  // shutdown() runs once; repeated signals (Ctrl-C twice) wait for the same clean stop.
  process.on('SIGINT', () => void shutdown('SIGINT').finally(() => process.exit(0)));
  process.on('SIGTERM', () => void shutdown('SIGTERM').finally(() => process.exit(0)));

  try {
    const root = projectRoot();
    log.info({ crds: await installCrds(cluster.kubeConfig, join(root, 'crds')) }, 'CRDs installed');

    await applyObjects(cluster.kubeConfig, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: values.namespace } }]);
    const samples = await readManifests(join(root, 'examples', 'catalog'));
    await applyObjects(cluster.kubeConfig, samples, values.namespace);
    log.info({ objects: samples.length, namespace: values.namespace }, 'sample catalog applied');
    const scorecards = await sampleScorecards(root, new Date());
    await applyObjects(cluster.kubeConfig, scorecards, values.namespace);
    log.info({ objects: scorecards.length }, 'sample scorecard and initiative applied');
    git = await seedTemplates(cluster.kubeConfig, values.namespace, root, log);
    // Dex must know the dashboard's address (its redirect URI) before anyone signs in.
    const dashboardUrl = `http://localhost:${port}`;
    if (values.auth === 'oidc') signIn = await startDemoSignIn(cluster.kubeConfig, values.namespace, root, dashboardUrl, log);

    operator = await startOperator({
      kubeConfig: cluster.kubeConfig,
      logger: log,
      registry: createMetricsRegistry(),
      config: demoOperatorConfig({ port, metricsPort, namespace: values.namespace, dashboardUrl: signIn ? dashboardUrl : undefined }),
      ...(signIn ? { auth: signIn.auth } : {}),
    });
    const url = operator.url.replace('127.0.0.1', 'localhost');
    if (signIn) {
      for (const person of signIn.people)
        log.info(
          { login: person.email, password: person.password, groups: person.groups },
          `sign in as ${person.email} with password ${person.password}: ${person.may}`,
        );
      log.info(
        { issuer: signIn.dex.issuer, ca: signIn.dex.caFile },
        `Dex signs you in at ${signIn.dex.issuer}; its certificate is from a CA made for this run (${signIn.dex.caFile}), so your browser warns once`,
      );
    }
    log.info(
      { cluster: cluster.description, url, metrics: operator.metricsUrl, auth: values.auth },
      `Greenroom demo on ${url} — Ctrl-C stops it`,
    );
  } catch (error) {
    await shutdown('error');
    throw error;
  }
}
