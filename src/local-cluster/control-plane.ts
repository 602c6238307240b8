import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { AUDIT_POLICY, readAuditEvents, type AuditEvent } from './audit.ts';
import { ensureBinaries, type Binaries } from './binaries.ts';
import { generateCertificates, type Certificates } from './certificates.ts';
import { componentGroup, type ComponentGroup } from './component-group.ts';
import { apiServerArgs, controllerManagerArgs, etcdArgs, kubeconfig, nodeApiServerArgs } from './control-plane-args.ts';
import { createDataDir, type DataDir } from './control-plane-dir.ts';
import { get, waitFor, type ClientTls } from './health.ts';
import { hostAddress, startNode, type LocalNode, type NodeOptions } from './node.ts';
import { freePort } from './ports.ts';
import type { TetheredProcess } from './tethered-process.ts';

/** Controllers kube-controller-manager runs: owner-reference garbage collection, namespace
 * deletion and service accounts (with their tokens) — what an operator's tests rely on.
 * Without a node (the default, for speed) no kubelet runs, so workload controllers would only
 * create pods that never start; with `node`, NODE_CONTROLLERS. */
export const DEFAULT_CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
];

/** With a node, pods do start: every controller runs (Jobs, ReplicaSets, endpoints, …). */
export const NODE_CONTROLLERS = ['*'];

/**
 * An OpenID Connect issuer kube-apiserver trusts ID tokens from (e.g. a local Dex). The
 * prefixes keep OIDC names apart from service accounts and certificate users, so a person
 * called `system:admin` in the provider is `oidc:system:admin` here, never the real one.
 */
export interface OidcTrust {
  /** Must be https (kube-apiserver refuses anything else). */
  issuer: string;
  /** CA that signed the issuer's certificate. */
  caFile: string;
  /** The audience tokens must carry: the client id they were issued to. */
  clientId: string;
  /** Claim that names the person; default `email`. */
  usernameClaim?: string;
  /** Default `oidc:`. */
  usernamePrefix?: string;
  /** Default `groups`. */
  groupsClaim?: string;
  /** Default `oidc:`. */
  groupsPrefix?: string;
}

export interface ControlPlaneOptions {
  /** Ready binaries; built (or taken from the cache) when absent. */
  binaries?: Binaries;
  controllers?: string[];
  /** Also accept ID tokens from this issuer (structured authentication configuration). */
  oidc?: OidcTrust;
  /**
   * Write an audit log (policy: {@link AUDIT_POLICY}) to `<dir>/audit.log`; read it with
   * `auditEvents()`.
   */
  audit?: boolean;
  /**
   * Also start a real node (containerd, kubelet, kube-proxy) and kube-scheduler, with
   * every controller, ServiceAccount admission and the apiserver reachable from pods.
   * Off by default: it needs root, Debian's containerd/runc/CNI plugins
   * (tools/node/install-packages.sh) and changes host state that stop() puts back.
   */
  node?: boolean | NodeOptions;
  /** Keep the data directory (logs, certificates, etcd data) after stop, for debugging. */
  keepDir?: boolean;
  log?: (line: string) => void;
}

/** A running local control plane. `stop()` is idempotent and leaves no process behind. */
export interface ControlPlane {
  /** https://127.0.0.1:PORT */
  server: string;
  kubeconfigPath: string;
  /** Temporary directory holding certificates, logs and etcd's data. */
  dir: string;
  binaries: Binaries;
  /** The node, when started with `node`. */
  node?: LocalNode;
  /** The running components, etcd first; a restarted component replaces its entry. */
  processes: readonly TetheredProcess[];
  /**
   * Stops kube-apiserver (SIGTERM, as a rolling upgrade would) and starts it again with the
   * same flags, port and certificates, resolving once /readyz answers. etcd keeps its data
   * and kube-controller-manager keeps running, so clients see the connection drop and come
   * back; the kubeconfig stays valid. If it does not come back, the whole control plane is
   * stopped and the error carries kube-apiserver's log tail.
   */
  restartApiServer(): Promise<void>;
  /** The audit events so far; empty unless started with `audit: true`. */
  auditEvents(): Promise<AuditEvent[]>;
  stop(): Promise<void>;
}

/**
 * kube-apiserver's AuthenticationConfiguration (apiserver.config.k8s.io/v1, GA since 1.34)
 * for one OIDC issuer. The structured file rather than the `--oidc-*` flags: it is where
 * new claim features land, and its CA is inline, so the file alone says whom we trust.
 */
export function authenticationConfiguration(oidc: OidcTrust, caPem: string): Record<string, unknown> {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: oidc.issuer, certificateAuthority: caPem, audiences: [oidc.clientId] },
        claimMappings: {
          username: { claim: oidc.usernameClaim ?? 'email', prefix: oidc.usernamePrefix ?? 'oidc:' },
          groups: { claim: oidc.groupsClaim ?? 'groups', prefix: oidc.groupsPrefix ?? 'oidc:' },
        },
      },
    ],
  };
}

/** What every step of {@link startControlPlane} shares. */
interface Launch {
  options: ControlPlaneOptions;
  log: (line: string) => void;
  binaries: Binaries;
  data: DataDir;
  group: ComponentGroup;
  certs: Certificates;
  /** The host address the apiserver is advertised at, when a node is asked for. */
  nodeIp?: string;
}

/** A running kube-apiserver and what it takes to start it again the same way. */
interface ApiServer {
  server: string;
  args: string[];
  tls: ClientTls;
  process: TetheredProcess;
  /** Resolves once /readyz answers; stops the whole group with the log tail if it never does. */
  ready(child: TetheredProcess): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver and kube-controller-manager on free loopback ports, the way
 * envtest does, and returns once the apiserver is ready and the `default` namespace exists.
 * On failure everything already started is stopped and the error carries the log tail of
 * the component that failed.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => undefined);
  const binaries = options.binaries ?? (await ensureBinaries(log));
  const data = await createDataDir(options.keepDir ?? false, options.log);
  const group = componentGroup(data, options.keepDir ?? false);
  try {
    const nodeIp = options.node ? hostAddress() : undefined;
    const launch: Launch = { options, log, binaries, data, group, certs: await generateCertificates(data.pki), nodeIp };
    const etcdUrl = await startEtcd(launch);
    const apiserver = await startApiServer(launch, etcdUrl);
    const kubeconfigPath = join(data.dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig(apiserver.server, launch.certs), { mode: 0o600 });
    await startControllerManager(launch, apiserver, kubeconfigPath);
    const node = await startNodeIfAsked(launch, apiserver);
    log(`control plane ready; KUBECONFIG=${kubeconfigPath}`);
    const auditLog = join(data.logs, 'audit.log');
    return {
      server: apiserver.server,
      kubeconfigPath,
      dir: data.dir,
      binaries,
      node,
      processes: group.processes,
      restartApiServer: apiServerRestarter(launch, apiserver),
      auditEvents: () => (options.audit ? readAuditEvents(auditLog) : Promise.resolve([])),
      stop: group.stop,
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** Starts etcd on free ports and waits until it reports healthy; resolves to its client URL. */
async function startEtcd({ binaries, data, group, log }: Launch): Promise<string> {
  const urls = { client: `http://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}` };
  const etcd = group.start('etcd', binaries.etcd, etcdArgs(join(data.dir, 'etcd'), urls));
  log(`etcd starting on ${urls.client}`);
  await waitFor(async () => (await get(`${urls.client}/health`)).body.includes('"health":"true"'), {
    what: 'etcd',
    timeoutMs: 30_000,
    stillRunning: etcd.running,
  }).catch((error) => group.failWithLog('etcd', error));
  return urls.client;
}

/** Starts kube-apiserver over etcd, with the optional OIDC trust and audit log, and waits for /readyz. */
async function startApiServer(launch: Launch, etcdUrl: string): Promise<ApiServer> {
  const { binaries, data, group, certs, log } = launch;
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const base = apiServerArgs(etcdUrl, data.pki, certs, port, server);
  const reachable = launch.nodeIp ? nodeApiServerArgs(base, launch.nodeIp, certs) : base;
  const args = [...reachable, ...(await apiServerConfigFiles(launch))];
  const tls: ClientTls = { ca: certs.caCert, cert: certs.adminCert, key: certs.adminKey };
  const ready = (apiserver: TetheredProcess): Promise<void> =>
    waitFor(async () => (await get(`${server}/readyz`, tls)).status === 200, {
      what: 'kube-apiserver',
      timeoutMs: 90_000,
      stillRunning: apiserver.running,
    }).catch((error) => group.failWithLog('kube-apiserver', error));
  const child = group.start('kube-apiserver', binaries.kubeApiserver, args);
  log(`kube-apiserver starting on ${server}`);
  await ready(child);
  return { server, args, tls, process: child, ready };
}

/** Writes the OIDC authentication configuration and audit policy asked for; resolves to the flags naming them. */
async function apiServerConfigFiles({ options, data }: Launch): Promise<string[]> {
  const args: string[] = [];
  if (options.oidc) {
    const path = join(data.dir, 'authentication.yaml');
    const caPem = await readFile(options.oidc.caFile, 'utf8');
    await writeFile(path, stringify(authenticationConfiguration(options.oidc, caPem)));
    args.push(`--authentication-config=${path}`);
  }
  if (options.audit) {
    const policy = join(data.dir, 'audit-policy.yaml');
    await writeFile(policy, stringify(AUDIT_POLICY));
    // The log backend's default mode is blocking: an event is on disk before the
    // response goes out, so a test can read it right after its request.
    args.push(`--audit-policy-file=${policy}`, `--audit-log-path=${join(data.logs, 'audit.log')}`, '--audit-log-format=json');
  }
  return args;
}

/** Starts kube-controller-manager and waits for the `default` namespace. */
async function startControllerManager(
  { options, binaries, group, certs }: Launch,
  apiserver: ApiServer,
  kubeconfigPath: string,
): Promise<void> {
  const controllers = options.controllers ?? (options.node ? NODE_CONTROLLERS : DEFAULT_CONTROLLERS);
  const args = controllerManagerArgs(kubeconfigPath, controllers, certs);
  const controllerManager = group.start('kube-controller-manager', binaries.kubeControllerManager, args);
  // The namespace controller creates nothing, but `default` appears once the apiserver's
  // own bootstrap controllers ran; tests expect it, so wait for it here.
  await waitFor(
    async () => (await get(`${apiserver.server}${objectPath(RESOURCES.namespaces, undefined, 'default')}`, apiserver.tls)).status === 200,
    {
      what: 'the default namespace',
      timeoutMs: 60_000,
      stillRunning: () => apiserver.process.running() && controllerManager.running(),
    },
  ).catch((error) => group.failWithLog(controllerManager.running() ? 'kube-apiserver' : 'kube-controller-manager', error));
}

/** Starts the node when the options ask for one. */
async function startNodeIfAsked(
  { options, log, data, group, certs, nodeIp }: Launch,
  apiserver: ApiServer,
): Promise<LocalNode | undefined> {
  if (!options.node || nodeIp === undefined) return undefined;
  const nodeOptions = options.node === true ? {} : options.node;
  return startNode({ options: nodeOptions, log, data, group, certs, server: apiserver.server, tls: apiserver.tls, ip: nodeIp });
}

/** {@link ControlPlane.restartApiServer}: one restart at a time, with the flags of the first start. */
function apiServerRestarter({ binaries, group, log }: Launch, apiserver: ApiServer): () => Promise<void> {
  let restarting: Promise<void> | undefined;
  return () =>
    (restarting ??= (async () => {
      const index = group.processes.findIndex((p) => p.name === 'kube-apiserver');
      await group.processes[index]?.stop();
      // stop() may have begun meanwhile; it only stops what it found, so start nothing new.
      if (group.stopping()) throw new Error('the control plane was stopped while kube-apiserver restarted');
      log(`kube-apiserver restarting on ${apiserver.server}`);
      const restarted = group.relaunch('kube-apiserver', binaries.kubeApiserver, apiserver.args);
      group.processes[index] = restarted;
      await apiserver.ready(restarted);
    })().finally(() => (restarting = undefined)));
}
