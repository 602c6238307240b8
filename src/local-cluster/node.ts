import { execFile } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureNodeBinaries, type NodeBinaries } from './binaries.ts';
import { issueClientCertificate, type Certificates } from './certificates.ts';
import type { ComponentGroup } from './component-group.ts';
import { createNodeDir, type DataDir } from './control-plane-dir.ts';
import { get, waitFor, type ClientTls } from './health.ts';
import {
  clientKubeconfig,
  cniNetworkList,
  containerdConfig,
  kubeletArgs,
  kubeletConfiguration,
  kubeProxyConfiguration,
  schedulerArgs,
  type NodeDirs,
  type NodeNetwork,
} from './node-args.ts';
import { recordHost, restoreHost } from './node-host.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);

/** How the control plane asks for a node; every field has a default. */
export interface NodeOptions {
  /** Default `greenroom-node`. */
  name?: string;
  /** Default overlayfs; `native` where the sandbox refuses overlay mounts. */
  snapshotter?: 'overlayfs' | 'native';
  /** Ready binaries and images; built (or taken from the cache) when absent. */
  binaries?: NodeBinaries;
}

/** The pod network of every local node: a private range apart from the Service range. */
export const NODE_NETWORK: NodeNetwork = { bridge: 'greenroom0', podCidr: '10.88.0.0/16', serviceCidr: '10.0.0.0/24' };

/** A running node: containerd, the kubelet, kube-proxy, and the cluster's scheduler. */
export interface LocalNode {
  name: string;
  /** The host address the node registers with, and where the apiserver is advertised. */
  ip: string;
  /** containerd's and the kubelet's state, apart from the control plane's directory. */
  dir: string;
  /** containerd's socket, for `ctr -a`. */
  containerdSocket: string;
  binaries: NodeBinaries;
  /**
   * Imports an OCI archive into containerd's `k8s.io` namespace, naming it
   * `<baseName>:<tag in the archive>` — how images get here without a registry. Pods use
   * them with `imagePullPolicy: Never` (or IfNotPresent).
   */
  importImage(archive: string, baseName: string): Promise<void>;
}

/** What starting a node needs from the control plane being started. */
export interface NodeLaunch {
  options: NodeOptions;
  log: (line: string) => void;
  data: DataDir;
  group: ComponentGroup;
  certs: Certificates;
  /** https://127.0.0.1:PORT: the node's components reach the apiserver on loopback. */
  server: string;
  tls: ClientTls;
  ip: string;
}

/**
 * The host's first non-loopback IPv4 address: kube-apiserver is advertised there, so the
 * `kubernetes` Service (through kube-proxy's rules) leads pods to an address of this host.
 */
export function hostAddress(): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (name === NODE_NETWORK.bridge) continue;
    const address = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (address) return address.address;
  }
  throw new Error('no non-loopback IPv4 address: pods would have no way to reach kube-apiserver');
}

function nodeDirs(root: string): NodeDirs {
  return {
    containerdRoot: join(root, 'containerd', 'root'),
    containerdState: join(root, 'containerd', 'state'),
    containerdSocket: join(root, 'containerd', 'containerd.sock'),
    runcRoot: join(root, 'runc'),
    cniConf: join(root, 'cni', 'net.d'),
    cniIpam: join(root, 'cni', 'ipam'),
    kubeletRoot: join(root, 'kubelet'),
    podLogs: join(root, 'pod-logs'),
  };
}

/**
 * Starts a node in the group of a running control plane: containerd with the pause image,
 * the CNI bridge, the kubelet, kube-proxy and kube-scheduler, and resolves once the Node is
 * Ready. Teardown (added to the group) ends the containers, unmounts, removes the bridge
 * and the node's iptables chains and restores the sysctls the node changed.
 */
export async function startNode(launch: NodeLaunch): Promise<LocalNode> {
  const { options, log, data, group } = launch;
  const name = options.name ?? 'greenroom-node';
  const binaries = options.binaries ?? (await ensureNodeBinaries(log));
  const nodeDir = await createNodeDir();
  const dirs = nodeDirs(nodeDir);
  for (const dir of [
    dirs.containerdRoot,
    dirs.containerdState,
    dirs.runcRoot,
    dirs.cniConf,
    dirs.cniIpam,
    dirs.kubeletRoot,
    dirs.podLogs,
  ]) {
    await mkdir(dir, { recursive: true });
  }
  addHostTeardown(group, nodeDir, dirs, join(data.logs, 'node-teardown.log'));
  const ctr = async (args: string[]): Promise<string> =>
    (await run('ctr', ['--address', dirs.containerdSocket, '--namespace', 'k8s.io', ...args])).stdout;
  const importImage = async (archive: string, baseName: string): Promise<void> => {
    await ctr(['images', 'import', '--base-name', baseName, archive]);
  };

  const pauseTag = (await readFile(join(binaries.images, 'pause.tag'), 'utf8')).trim();
  await startContainerd(launch, dirs, `registry.k8s.io/pause:${pauseTag}`, ctr);
  // --base-name, not --index-name: the latter leaves a second `import-DATE:TAG` name whose
  // removal confuses containerd 1.6.
  await importImage(join(binaries.images, 'pause.tar'), 'registry.k8s.io/pause');
  await writeFile(join(dirs.cniConf, '10-greenroom.conflist'), JSON.stringify(cniNetworkList(NODE_NETWORK, dirs.cniIpam), null, 2));

  await startKubelet(launch, binaries, dirs, name);
  const proxy = await componentKubeconfig(launch, 'kube-proxy', 'system:kube-proxy', []);
  const proxyConfig = join(data.dir, 'kube-proxy.yaml');
  await writeFile(proxyConfig, kubeProxyConfiguration(proxy, name, NODE_NETWORK, await freePort(), await freePort()));
  group.start('kube-proxy', binaries.kubeProxy, [`--config=${proxyConfig}`, '--v=1']);
  const scheduler = await componentKubeconfig(launch, 'kube-scheduler', 'system:kube-scheduler', []);
  group.start('kube-scheduler', binaries.kubeScheduler, schedulerArgs(scheduler));
  log(`node ${name} ready at ${launch.ip}`);
  return { name, ip: launch.ip, dir: nodeDir, containerdSocket: dirs.containerdSocket, binaries, importImage };
}

/** Starts containerd and waits until it answers on its socket. */
async function startContainerd(
  { group, data, log, options }: NodeLaunch,
  dirs: NodeDirs,
  sandboxImage: string,
  ctr: (args: string[]) => Promise<string>,
): Promise<void> {
  const config = join(data.dir, 'containerd.toml');
  await writeFile(config, containerdConfig(dirs, sandboxImage, options.snapshotter ?? 'overlayfs'));
  // Before containerd stops, delete every task and container while it still answers, so
  // no container outlives it: its shims are in their own process groups, out of the
  // tether's reach, and a shim that exits on its own also removes its socket in
  // /run/containerd/s (containerd 1.6 puts it there whatever the state directory).
  const removeTasks = async (): Promise<void> => {
    const list = async (what: string): Promise<string[]> => (await ctr([what, 'ls', '-q'])).split('\n').filter(Boolean);
    for (const task of await list('tasks')) await ctr(['tasks', 'delete', '--force', task]).catch(() => undefined);
    for (const container of await list('containers')) await ctr(['containers', 'delete', container]).catch(() => undefined);
  };
  const containerd = group.start('containerd', 'containerd', [`--config=${config}`, '--log-level=warn'], removeTasks);
  log(`containerd starting on ${dirs.containerdSocket}`);
  await waitFor(async () => (await ctr(['version'])).includes('Server:'), {
    what: 'containerd',
    timeoutMs: 30_000,
    stillRunning: containerd.running,
  }).catch((error) => group.failWithLog('containerd', error));
}

/** Writes the kubelet's certificate, kubeconfig and configuration, starts it and waits for its Node to be Ready. */
async function startKubelet(launch: NodeLaunch, binaries: NodeBinaries, dirs: NodeDirs, name: string): Promise<void> {
  const { data, group, certs, server, tls, ip, log } = launch;
  const kubeconfigPath = await componentKubeconfig(launch, 'kubelet', `system:node:${name}`, ['system:nodes']);
  const configPath = join(data.dir, 'kubelet.yaml');
  await writeFile(
    configPath,
    kubeletConfiguration({ dirs, clientCaFile: certs.caCert, port: await freePort(), healthzPort: await freePort() }),
  );
  const kubelet = group.start('kubelet', binaries.kubelet, kubeletArgs(configPath, kubeconfigPath, dirs, name, ip));
  log(`kubelet starting as node ${name}`);
  await waitFor(
    async () => {
      const response = await get(`${server}/api/v1/nodes/${name}`, tls);
      if (response.status !== 200) return false;
      const node = JSON.parse(response.body) as { status?: { conditions?: { type: string; status: string }[] } };
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    { what: `node ${name}`, timeoutMs: 120_000, intervalMs: 500, stillRunning: kubelet.running },
  ).catch((error) => group.failWithLog('kubelet', error));
}

/** A client certificate and kubeconfig for one node component, named as RBAC's bootstrap roles expect. */
async function componentKubeconfig({ data, certs, server }: NodeLaunch, name: string, user: string, groups: string[]): Promise<string> {
  const { cert, key } = await issueClientCertificate(data.pki, name, user, groups);
  const path = join(data.dir, `${name}.kubeconfig`);
  await writeFile(path, clientKubeconfig(server, certs.caCert, cert, key), { mode: 0o600 });
  return path;
}

/**
 * Records the host now (in the node's directory, so a later sweep can restore it if we are
 * killed) and adds the teardown that puts it back once every component has stopped; what
 * it did goes to `logFile`, so a person can check it.
 */
function addHostTeardown(group: ComponentGroup, nodeDir: string, dirs: NodeDirs, logFile: string): void {
  const record = recordHost(nodeDir, dirs.containerdSocket, NODE_NETWORK.bridge);
  group.addTeardown(() => {
    for (const line of restoreHost(record)) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
    // Only now, with nothing mounted under it, may the directory go.
    rmSync(nodeDir, { recursive: true, force: true });
  });
}
