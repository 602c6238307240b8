import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { SERVICE_ACCOUNT_DIR } from '../../src/templates/job.ts';
import { kubectl } from './kubectl.ts';
import { writeTokenKubeconfig } from './service-account.ts';

// The main suite's control plane runs no kubelet, for speed: a real pod costs seconds, and a
// real node (one per host, see test/node) would serialise every test file that starts a Job.
// test/node/chart.test.ts runs the same scaffolding Jobs through a real kubelet once (its init
// containers, a container step, the token only where intended, a failing step, Secrets
// resolved by the kubelet, the chart's RBAC). Here the harness plays the node for one Job —
// it runs each of the pod's containers' commands locally, in order, with the container's
// environment (secretKeyRefs resolved as the kubelet would) and its volumes as local
// directories (ConfigMap volumes filled from the ConfigMap, the projected ServiceAccount
// volume with a token from the TokenRequest API), and then writes the Job's status as the
// job controller would. A container talks to the API server only if it mounts the token at
// the path in-cluster clients read it from — here it gets a kubeconfig made of those files;
// a container that does not mount it gets none. The Greenroom image's entrypoint is the
// greenroom CLI, run here from source.

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: object;
}
interface Volume {
  name: string;
  emptyDir?: object;
  configMap?: { name: string };
  projected?: {
    sources: {
      serviceAccountToken?: { path: string };
      configMap?: { name: string; items?: { key: string; path: string }[] };
      downwardAPI?: { items: { path: string; fieldRef: { fieldPath: string } }[] };
    }[];
  };
}
export interface JobObject {
  metadata: { name: string; namespace: string; ownerReferences?: object[] };
  spec: {
    backoffLimit?: number;
    template: {
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken?: boolean;
        securityContext?: object;
        initContainers?: Container[];
        containers: Container[];
        volumes?: Volume[];
      };
    };
  };
}

export interface NodeRun {
  /** Each container in the order it ran, with its exit code, output and whether it was given API access. */
  containers: { name: string; code: number; output: string; apiAccess: boolean }[];
  succeeded: boolean;
  /** Where the pod's volumes and working directories were: removed when the pod ends, token and all. */
  workDir: string;
}

const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(['get', ...args, '-o', 'json'])) as T;

async function resolveEnv(namespace: string, vars: EnvVar[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined) out[v.name] = v.value;
    const ref = v.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const secret = await getJson<{ data?: Record<string, string> }>('secret', ref.name, '-n', namespace);
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined && !ref.optional)
      throw new Error(`Secret ${ref.name} has no key ${ref.key}: the kubelet would not start container`);
    if (encoded !== undefined) out[v.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return out;
}

/** The cluster's CA, as the kube-root-ca.crt ConfigMap publishes it. */
async function clusterCa(): Promise<string> {
  const cluster = loadKubeConfig().getCurrentCluster()!;
  return cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : readFile(cluster.caFile!, 'utf8');
}

/** Fills a volume's directory the way the kubelet would before the pod starts. */
async function fillVolume(dir: string, volume: Volume, namespace: string, serviceAccount: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (volume.configMap) {
    const configMap = await getJson<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(
      'configmap',
      volume.configMap.name,
      '-n',
      namespace,
    );
    for (const [key, text] of Object.entries(configMap.data ?? {})) await writeFile(join(dir, key), text, { mode: 0o444 });
    for (const [key, base64] of Object.entries(configMap.binaryData ?? {}))
      await writeFile(join(dir, key), Buffer.from(base64, 'base64'), { mode: 0o444 });
  }
  for (const source of volume.projected?.sources ?? []) {
    if (source.serviceAccountToken)
      await writeFile(
        join(dir, source.serviceAccountToken.path),
        (await kubectl(['create', 'token', serviceAccount, '-n', namespace, '--duration=1h'])).trim(),
        { mode: 0o600 },
      );
    for (const item of source.configMap?.items ?? [])
      if (source.configMap?.name === 'kube-root-ca.crt' && item.key === 'ca.crt') await writeFile(join(dir, item.path), await clusterCa());
    for (const item of source.downwardAPI?.items ?? [])
      if (item.fieldRef.fieldPath === 'metadata.namespace') await writeFile(join(dir, item.path), namespace);
  }
}

/** What an in-cluster client builds from the mounted token: here as a kubeconfig file. */
async function inClusterKubeconfig(accountDir: string, path: string): Promise<string> {
  const server = loadKubeConfig().getCurrentCluster()!.server;
  const [token, namespace] = await Promise.all([
    readFile(join(accountDir, 'token'), 'utf8'),
    readFile(join(accountDir, 'namespace'), 'utf8'),
  ]);
  return writeTokenKubeconfig(path, { server, ca: { file: join(accountDir, 'ca.crt') }, token, namespace });
}

function runLocally(command: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: 127, output: output + error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Plays the node for the Job: prepares its volumes, runs its containers, then writes its status. */
export async function playNode(namespace: string, jobName: string, greenroomImage: string): Promise<NodeRun> {
  const job = await getJson<JobObject>('job', jobName, '-n', namespace);
  const pod = job.spec.template.spec;
  const root = await mkdtemp(join(tmpdir(), 'greenroom-node-'));
  const startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const run: NodeRun = { containers: [], succeeded: true, workDir: root };
  try {
    const volumes = [...(pod.volumes ?? [])];
    const containers = [...(pod.initContainers ?? []), ...pod.containers];
    // What the ServiceAccount admission plugin does unless the pod opts out: the token in every container.
    if (pod.automountServiceAccountToken !== false) {
      volumes.push({
        name: 'implicit-api-access',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      });
      for (const c of containers)
        c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'implicit-api-access', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true }];
    }
    for (const volume of volumes) await fillVolume(join(root, 'volumes', volume.name), volume, namespace, pod.serviceAccountName);
    for (const container of containers) {
      const mounts = new Map((container.volumeMounts ?? []).map((m) => [m.mountPath, join(root, 'volumes', m.name)]));
      const local = (path: string): string => {
        for (const [mountPath, dir] of mounts)
          if (path === mountPath || path.startsWith(`${mountPath}/`)) return dir + path.slice(mountPath.length);
        return path;
      };
      const env = Object.fromEntries(Object.entries(await resolveEnv(namespace, container.env)).map(([k, v]) => [k, local(v)]));
      const accountDir = mounts.get(SERVICE_ACCOUNT_DIR);
      if (accountDir) env.KUBECONFIG = await inClusterKubeconfig(accountDir, join(root, `${container.name}.kubeconfig`));
      const args = (container.args ?? []).map(local);
      const command = container.image === greenroomImage ? [process.execPath, CLI, ...args] : [...(container.command ?? []), ...args];
      const cwd = container.workingDir ? local(container.workingDir) : root;
      await mkdir(cwd, { recursive: true });
      const result = await runLocally(command, cwd, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env });
      run.containers.push({ name: container.name, ...result, apiAccess: accountDir !== undefined });
      if (result.code !== 0) {
        run.succeeded = false;
        break;
      }
    }
  } finally {
    // The volumes hold a ServiceAccount token and the scaffolder's work: gone with the pod, as on a node.
    await rm(root, { recursive: true, force: true });
  }
  await writeJobStatus(namespace, jobName, run.succeeded, startTime);
  return run;
}

/** What the job controller writes when the pod ends (backoffLimit 0: one failure fails the Job). */
export async function writeJobStatus(namespace: string, jobName: string, succeeded: boolean, startTime: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    reason,
    message,
    lastProbeTime: now,
    lastTransitionTime: now,
  });
  const status = succeeded
    ? {
        startTime,
        completionTime: now,
        succeeded: 1,
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        ],
      }
    : {
        startTime,
        failed: 1,
        conditions: [
          condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
      };
  await kubectl(['patch', 'job', jobName, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}
