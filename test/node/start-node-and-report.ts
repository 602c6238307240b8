// Starts a control plane with a node, runs a long-lived pod on it, prints the data
// directory and the tether pids as one JSON line and waits to be killed. Used by the
// node test that kills this process with SIGKILL.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startControlPlane } from '../../src/local-cluster/control-plane.ts';

const run = promisify(execFile);
const cluster = await startControlPlane({ node: true });
const images = cluster.node?.binaries.images ?? '';
const pauseTag = (await readFile(join(images, 'pause.tag'), 'utf8')).trim();
const kubectl = (args: string[]): Promise<unknown> => run(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, ...args]);
await kubectl(['run', 'sleeper', `--image=registry.k8s.io/pause:${pauseTag}`, '--image-pull-policy=Never']);
await kubectl(['wait', '--for=condition=Ready', 'pod/sleeper', '--timeout=120s']);
process.stdout.write(`${JSON.stringify({ dir: cluster.node?.dir, pids: cluster.processes.map((p) => p.pid) })}\n`);
setInterval(() => undefined, 60_000);
