import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/local-cluster/ports.ts';
import { startTethered } from '../src/local-cluster/tethered-process.ts';
import { sumOfMetric } from '../src/observability/scrape.ts';

/**
 * The operator as a separate process running the compiled JavaScript (`npm run build`, as
 * the image does), so its memory and start-up are measured as deployed. It runs under the
 * harness's tether, so it ends with the benchmark even if the benchmark is killed.
 */
export interface OperatorProcess {
  url: string;
  /** The operator's own process (not the tether around it). */
  pid: number;
  rssMiB(): number;
  /** Sums of the named metrics over all label sets, from one scrape. */
  metrics(...names: string[]): Promise<number[]>;
  stop(): Promise<void>;
}

export interface OperatorProcessOptions {
  /** More flags after the usual ones (e.g. `--auth proxy`). */
  extraArgs?: readonly string[];
  /** Run src/cli/main.ts as it is (Node strips the types) instead of the build in dist/. */
  fromSource?: boolean;
}

export async function startOperatorProcess(
  kubeconfig: string,
  namespace: string,
  port: number,
  concurrency: number,
  options: OperatorProcessOptions = {},
): Promise<OperatorProcess> {
  const main = fileURLToPath(new URL(options.fromSource ? '../src/cli/main.ts' : '../dist/src/cli/main.js', import.meta.url));
  // Metrics have their own port; the load benchmarks measure the read API, not its per-client limits.
  const metricsPort = await freePort();
  const tether = startTethered({
    name: 'operator',
    command: process.execPath,
    args: [
      main,
      'operator',
      '--kubeconfig',
      kubeconfig,
      '--watch-namespace',
      namespace,
      '--leader-elect',
      'false',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      '--rate-limit-per-minute',
      '0',
      '--max-in-flight',
      '0',
      '--host',
      '127.0.0.1',
      '--concurrency',
      String(concurrency),
      '--log-level',
      'warn',
      ...(options.extraArgs ?? []),
    ],
    logFile: join(tmpdir(), `greenroom-bench-operator-${port}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  // Wait until the HTTP server answers (it starts before the caches sync).
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const pid = Number(readFileSync(`/proc/${tether.pid}/task/${tether.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return {
    url,
    pid,
    rssMiB() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
    async metrics(...names: string[]) {
      const exposition = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return names.map((name) => sumOfMetric(exposition, name));
    },
    stop: () => tether.stop(),
  };
}
