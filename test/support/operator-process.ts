import { afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../src/local-cluster/health.ts';
import { seriesOf, sumOfMetric } from '../../src/observability/scrape.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import { startTethered, type TetheredProcess } from '../../src/local-cluster/tethered-process.ts';
import { tempDirs } from './temp-dirs.ts';

/** Scrapes an operator's metrics URL (its own port, see RunningOperator.metricsUrl) and sums one metric's series. */
export async function scrapeMetric(metricsUrl: string, name: string): Promise<number> {
  return sumOfMetric(await (await fetch(metricsUrl)).text(), name);
}

/** Scrapes an operator's metrics URL: every series by `name{labels}` as exposed. */
export async function scrapeSeries(metricsUrl: string): Promise<Map<string, number>> {
  return seriesOf(await (await fetch(metricsUrl)).text());
}

/** `greenroom operator` as a separate process: a replica as deployed, with leader election on. */
export interface OperatorProcess {
  identity: string;
  /** http://127.0.0.1:PORT of its read API and probes. */
  url: string;
  /** http://127.0.0.1:PORT/metrics, on its own port. */
  metricsUrl: string;
  process: TetheredProcess;
  metric(name: string): Promise<number>;
  /** True while it holds the Lease, by its `leader_election_master_status` gauge. */
  leading(): Promise<boolean>;
  /** The last lines of its log, for failure messages. */
  logTail(lines?: number): string;
}

export interface ReplicaSettings {
  kubeconfig: string;
  /** Watched namespace; the Lease lives there too. */
  namespace: string;
  /** More flags after the usual ones. */
  extraArgs?: string[];
  /** The replica's own command line instead (e.g. a chart's Deployment args), given its ports. */
  commandLine?: (identity: string, port: number, metricsPort: number) => { args: string[]; env: NodeJS.ProcessEnv };
}

/**
 * Returns a starter of operator replicas, each a child process under the harness's tether
 * (so none outlives the test run, even when jest is killed); every one still running is
 * stopped with SIGTERM after the file's tests. Resolves once the replica's caches synced.
 */
export function operatorProcesses(settings: ReplicaSettings): (identity: string) => Promise<OperatorProcess> {
  const started: TetheredProcess[] = [];
  const newDir = tempDirs('greenroom-replica-');
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  return async (identity) => {
    const port = await freePort();
    const metricsPort = await freePort();
    const logFile = join(newDir(), `${identity}.log`);
    // Default lease timings (15 s / 10 s / 2 s): the replicas run exactly as deployed.
    const args = [
      'operator',
      '--kubeconfig',
      settings.kubeconfig,
      '--watch-namespace',
      settings.namespace,
      '--lease-namespace',
      settings.namespace,
    ];
    args.push(
      '--identity',
      identity,
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      '--host',
      '127.0.0.1',
      '--log-level',
      'info',
    );
    args.push(...(settings.extraArgs ?? []));
    const own = settings.commandLine?.(identity, port, metricsPort);
    const child = startTethered({
      name: `operator-${identity}`,
      command: process.execPath,
      args: [main, ...(own?.args ?? args)],
      logFile,
      ...(own ? { env: own.env } : {}),
    });
    started.push(child);
    const url = `http://127.0.0.1:${port}`;
    const logTail = (lines = 30): string => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
      what: `operator ${identity}`,
      timeoutMs: 30_000,
      stillRunning: child.running,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- operator ${identity} log ---\n${logTail()}`);
    });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const metric = (name: string): Promise<number> => scrapeMetric(metricsUrl, name);
    return {
      identity,
      url,
      metricsUrl,
      process: child,
      metric,
      leading: async () => (await metric('leader_election_master_status')) === 1,
      logTail,
    };
  };
}
