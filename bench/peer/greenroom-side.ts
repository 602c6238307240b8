// Greenroom's side of the run: the Backstage files converted by `greenroom convert`, created
// in a fresh local control plane, then the operator (from dist/, as the image runs it) started
// and measured.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { catalogKind } from '../../src/api/v1alpha1/index.ts';
import { installCrds } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import { msSince } from '../measure.ts';
import { startOperatorProcess } from '../operator-process.ts';
import { inParallel } from '../synthetic-catalog.ts';
import { keyOf, sameRelations, type RelationSet } from './catalog-files.ts';
import { cpuParts, partsSince, pssMiB, tetheredCommandPid, withDescendants, type Parts } from './proc-usage.ts';
import type { SideResult } from './report.ts';
import { idleCpuPerMinute, untilComplete } from './timing.ts';
import type { SideInput } from './settings.ts';
import { greenroomChanges, greenroomReads } from './greenroom-traffic.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const CONCURRENCY = 8;

export type Converted = KubernetesObject & { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };

/** `greenroom convert DIR --namespace NS --out OUT`, as a user moving from Backstage runs it, then the objects it wrote. */
export async function convertCatalog(backstageDir: string, namespace: string, outDir: string): Promise<Converted[]> {
  await run(process.execPath, [join(root, 'src/cli/main.ts'), 'convert', backstageDir, '--namespace', namespace, '--out', outDir], {
    maxBuffer: 64 * 2 ** 20,
  });
  const dir = join(outDir, namespace);
  const objects: Converted[] = [];
  for (const file of await readdir(dir)) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) objects.push(doc.toJSON() as Converted);
  }
  return objects;
}

/**
 * Creates the converted objects through the apiserver, 16 at a time, as createSynthetic does:
 * `kubectl apply` of 10,000 files would time kubectl's start-up, not the catalog.
 */
async function createConverted(client: RawKubeClient, objects: readonly Converted[], namespace: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
  await inParallel(objects, 16, async (o) => {
    const plural = catalogKind(o.kind!)?.plural;
    if (!plural) throw new Error(`greenroom convert wrote a ${o.kind}, not a catalog kind`);
    await client.request({ method: 'POST', path: `/apis/greenroom.dev/v1alpha1/namespaces/${namespace}/${plural}`, body: o });
  });
}

interface Summary {
  kind: string;
  namespace: string;
  name: string;
}

/** Every entity of the namespace through the read API (pages of 500), then each one's relations (8 in flight): all as expected? */
async function apiComplete(url: string, namespace: string, expected: Map<string, RelationSet>): Promise<boolean> {
  const items: Summary[] = [];
  let token: string | undefined;
  do {
    const page = (await (
      await fetch(`${url}/api/v1/entities?namespace=${namespace}&limit=500${token ? `&continue=${token}` : ''}`)
    ).json()) as { items: Summary[]; continue?: string };
    items.push(...page.items);
    token = page.continue;
  } while (token);
  if (items.length !== expected.size || !items.every((e) => expected.has(keyOf(e.kind, e.name)))) return false;
  // The list carries no relations; an entity's own route has them all.
  let complete = true;
  await inParallel(items, CONCURRENCY, async (e) => {
    if (!complete) return;
    const res = await fetch(`${url}/api/v1/entities/${e.kind.toLowerCase()}/${namespace}/${e.name}`);
    const detail = (await res.json()) as { relations?: { type: string; target: string }[] };
    if (!res.ok || !sameRelations(expected.get(keyOf(e.kind, e.name))!, detail.relations ?? [])) complete = false;
  });
  return complete;
}

const commandOf = (controlPlane: ControlPlane, name: string): number =>
  tetheredCommandPid(controlPlane.processes.find((p) => p.name === name)!.pid);

/** The operator's Node process (startOperatorProcess runs it under a tether below us), by its --port. */
function operatorPid(port: number): number {
  const pid = withDescendants(process.pid).find((p) => {
    try {
      const argv = readCmdline(p);
      return argv[0] === process.execPath && argv.includes('operator') && argv.includes(String(port));
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error('the operator process was not found');
  return pid;
}

const readCmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

export async function greenroomSide({
  objects,
  catalog,
  expected,
  workDir,
  settings,
  log,
}: SideInput): Promise<SideResult & { apiserverVersion: string }> {
  const size = objects.length;
  const namespace = `peer-${size}`;
  const controlPlane = await startControlPlane({ log });
  try {
    const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
    const client = new RawKubeClient(kubeConfig);
    await installCrds(kubeConfig, join(root, 'crds'));
    const converted = await convertCatalog(dirname(catalog.rootFile), namespace, join(workDir, 'greenroom'));
    if (converted.length !== size) throw new Error(`greenroom convert wrote ${converted.length} objects for ${size} entities`);
    await createConverted(client, converted, namespace);
    log(`${size}: Greenroom: ${converted.length} converted objects created; starting the operator`);

    const port = await freePort();
    const plane = { apiserver: commandOf(controlPlane, 'kube-apiserver'), etcd: commandOf(controlPlane, 'etcd') };
    const planeCpuBefore = cpuParts([
      ['kube-apiserver', plane.apiserver],
      ['etcd', plane.etcd],
    ]);
    const started = process.hrtime.bigint();
    const operator = await startOperatorProcess(controlPlane.kubeconfigPath, namespace, port, CONCURRENCY);
    try {
      const pids = { operator: operatorPid(port), ...plane };
      const roots: [string, number][] = [
        ['operator', pids.operator],
        ['kube-apiserver', pids.apiserver],
        ['etcd', pids.etcd],
      ];
      const statuses = (async () => {
        for (;;) {
          const [written, depth] = await operator.metrics('greenroom_catalog_status_writes_total', 'workqueue_depth');
          if ((written ?? 0) >= size && depth === 0) return msSince(started);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const api = await untilComplete(started, () => apiComplete(operator.url, namespace, expected), 30 * 60_000, 'Greenroom cold start');
      const statusesMs = await statuses;
      const coldCpu = partsSince(cpuParts(roots), planeCpuBefore);
      log(`${size}: Greenroom: API complete ${(api.readyMs / 1000).toFixed(1)} s, statuses ${(statusesMs / 1000).toFixed(1)} s`);
      const memory: Parts = roots.map(([name, pid]) => [name, pssMiB([pid])]);
      const controllerManagerMiB = pssMiB([commandOf(controlPlane, 'kube-controller-manager')]);
      const idle = await idleCpuPerMinute(roots, settings.idleSeconds);
      log(`${size}: Greenroom: idle ${idle.map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')} CPU s/min`);

      // Reads first, as on Backstage's side: the changes add relations, and so graph nodes.
      const reads = await greenroomReads(operator.url, namespace, objects, settings);
      const change = await greenroomChanges(controlPlane, kubeConfig, operator.url, namespace, objects, converted, { settings, log });
      const { stdout } = await run(controlPlane.binaries.kubectl, ['--kubeconfig', controlPlane.kubeconfigPath, 'version', '-o', 'json']);
      return {
        coldStartMs: api.readyMs,
        lastCheckMs: api.lastCheckMs,
        statusesMs,
        coldCpu,
        memory,
        memoryNote: `kube-controller-manager, also running but not needed by Greenroom, not counted: ${controllerManagerMiB.toFixed(0)} MiB`,
        idleCpu: idle,
        changes: { apply: change.api, applyStatus: change.status },
        reads,
        apiserverVersion: (JSON.parse(stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion,
      };
    } finally {
      await operator.stop();
    }
  } finally {
    await controlPlane.stop();
  }
}
