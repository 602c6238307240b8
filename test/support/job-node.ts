import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectl } from './kubectl.ts';
import { serviceAccountKubeconfig } from './service-account.ts';

// This sandbox has no kubelet: no pod ever runs. The harness plays the node for one Job —
// it runs each of the pod's containers' commands locally, in order, with the container's
// environment (secretKeyRefs resolved as the kubelet would), its volumes as local
// directories and the pod's ServiceAccount token — and then writes the Job's status as the
// job controller would. The Greenroom image's entrypoint is the greenroom CLI, run here
// from source.

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
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: object;
}
export interface JobObject {
  metadata: { name: string; namespace: string; ownerReferences?: object[] };
  spec: { backoffLimit?: number; template: { spec: { serviceAccountName: string; securityContext?: object; initContainers?: Container[]; containers: Container[] } } };
}

export interface NodeRun {
  /** Each container in the order it ran, with its exit code and output. */
  containers: { name: string; code: number; output: string }[];
  succeeded: boolean;
}


async function resolveEnv(namespace: string, vars: EnvVar[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined) out[v.name] = v.value;
    const ref = v.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const secret = JSON.parse(await kubectl(['get', 'secret', ref.name, '-n', namespace, '-o', 'json'])) as { data?: Record<string, string> };
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined && !ref.optional) throw new Error(`Secret ${ref.name} has no key ${ref.key}: the kubelet would not start container`);
    if (encoded !== undefined) out[v.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return out;
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

/** Plays the node for the Job: runs its containers, then writes its status. */
export async function playNode(namespace: string, jobName: string, greenroomImage: string): Promise<NodeRun> {
  const job = JSON.parse(await kubectl(['get', 'job', jobName, '-n', namespace, '-o', 'json'])) as JobObject;
  const pod = job.spec.template.spec;
  const root = await mkdtemp(join(tmpdir(), 'greenroom-node-'));
  const kubeconfig = await serviceAccountKubeconfig(namespace, pod.serviceAccountName, root);
  const startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const run: NodeRun = { containers: [], succeeded: true };
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const mounts = new Map<string, string>();
    for (const m of container.volumeMounts ?? []) {
      mounts.set(m.mountPath, join(root, 'volumes', m.name));
      await mkdir(join(root, 'volumes', m.name), { recursive: true });
    }
    const local = (path: string): string => {
      for (const [mountPath, dir] of mounts) if (path === mountPath || path.startsWith(`${mountPath}/`)) return dir + path.slice(mountPath.length);
      return path;
    };
    const env = Object.fromEntries(Object.entries(await resolveEnv(namespace, container.env)).map(([k, v]) => [k, local(v)]));
    const args = (container.args ?? []).map(local);
    const command = container.image === greenroomImage ? [process.execPath, CLI, ...args] : [...(container.command ?? []), ...args];
    const cwd = container.workingDir ? local(container.workingDir) : root;
    await mkdir(cwd, { recursive: true });
    const result = await runLocally(command, cwd, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, KUBECONFIG: kubeconfig });
    run.containers.push({ name: container.name, ...result });
    if (result.code !== 0) {
      run.succeeded = false;
      break;
    }
  }
  await writeJobStatus(namespace, jobName, run.succeeded, startTime);
  return run;
}

/** What the job controller writes when the pod ends (backoffLimit 0: one failure fails the Job). */
export async function writeJobStatus(namespace: string, jobName: string, succeeded: boolean, startTime: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastProbeTime: now, lastTransitionTime: now });
  const status = succeeded
    ? { startTime, completionTime: now, succeeded: 1, conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')] }
    : { startTime, failed: 1, conditions: [condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] };
  await kubectl(['patch', 'job', jobName, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}
