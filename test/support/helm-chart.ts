import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { helm } from './kubectl.ts';

const run = promisify(execFile);
export const CHART = fileURLToPath(new URL('../../helm/greenroom/', import.meta.url));
/** Every values file under ci/ (chart-testing's convention): each option, and each alternative, on in one of them. */
export const CI_VALUES = readdirSync(join(CHART, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort()
  .map((f) => join(CHART, 'ci', f));

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, any>;
}

/**
 * `helm template` of the chart, parsed. Without a cluster helm renders for the Kubernetes
 * version its build sets (tools/control-plane/build.sh sets it as Helm's own Makefile
 * does), which meets the chart's kubeVersion, as a released helm does for users.
 */
export async function renderChart(release: string, namespace: string, ...args: string[]): Promise<{ text: string; objects: Manifest[] }> {
  const text = await helm(['template', release, CHART, '-n', namespace, ...args]);
  const objects = parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((o): o is Manifest => Boolean(o));
  return { text, objects };
}

/**
 * The prometheus-operator CRDs the chart's optional ServiceMonitor and PrometheusRule need,
 * taken from the released module on the Go module proxy (no download site is reachable
 * here): the real schemas, so a server-side dry run checks those objects too.
 */
export const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator@v0.85.0';
export async function monitoringCrdFiles(): Promise<string[]> {
  const { stdout } = await run('go', ['mod', 'download', '-json', PROMETHEUS_OPERATOR], {
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    cwd: '/',
    maxBuffer: 1 << 20,
  });
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  return ['servicemonitors', 'prometheusrules'].map((k) =>
    join(dir, 'example', 'prometheus-operator-crd', `monitoring.coreos.com_${k}.yaml`),
  );
}
