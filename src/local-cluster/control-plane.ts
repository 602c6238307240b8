import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AUDIT_POLICY, readAuditEvents, type AuditEvent } from './audit.ts';
import { ensureBinaries, type Binaries } from './binaries.ts';
import { generateCertificates, type Certificates } from './certificates.ts';
import { get, waitFor, type ClientTls } from './health.ts';
import { logTail } from './local-server.ts';
import { freePort } from './ports.ts';
import { startTethered, type TetheredProcess } from './tethered-process.ts';

/** Controllers kube-controller-manager runs: owner-reference garbage collection, namespace
 * deletion and service accounts (with their tokens) — what an operator's tests rely on.
 * No kubelet runs, so workload controllers would only create pods that never start. */
export const DEFAULT_CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
];

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

function kubeconfig(server: string, certs: Certificates): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'greenroom-local', cluster: { server, 'certificate-authority': certs.caCert } }],
    users: [
      {
        name: 'admin',
        user: { 'client-certificate': certs.adminCert, 'client-key': certs.adminKey },
      },
    ],
    contexts: [{ name: 'greenroom-local', context: { cluster: 'greenroom-local', user: 'admin' } }],
    'current-context': 'greenroom-local',
  });
}

const DIR_PREFIX = 'greenroom-cp-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes data directories of control planes whose host process died without cleaning up
 * (SIGKILL, OOM). Their components were already ended by the tether; only files remain.
 */
async function sweepAbandonedDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && !isAlive(owner)) await rm(dir, { recursive: true, force: true });
  }
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
  await sweepAbandonedDirs();
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  // A kept directory is for a person to read later, so the sweep must not take it.
  if (!options.keepDir) await writeFile(join(dir, 'owner.pid'), String(process.pid));
  const logs = join(dir, 'logs');
  const pki = join(dir, 'pki');
  await mkdir(logs);
  await mkdir(pki);
  const processes: TetheredProcess[] = [];

  let stopped: Promise<void> | undefined;
  const removeDir = (): void => {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  // Last resort when the host process exits without calling stop(): the tether ends the
  // children; this only removes the temp directory.
  process.once('exit', removeDir);
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const child of [...processes].reverse()) await child.stop();
      process.removeListener('exit', removeDir);
      if (!options.keepDir) await rm(dir, { recursive: true, force: true });
    })());

  // A restarted component appends to the same log, so one file tells its whole story.
  const launch = (name: string, command: string, args: string[]): TetheredProcess =>
    startTethered({ name, command, args, logFile: join(logs, `${name}.log`) });
  const start = (name: string, command: string, args: string[]): TetheredProcess => {
    const child = launch(name, command, args);
    processes.push(child);
    return child;
  };
  const failWithLog = async (name: string, error: unknown): Promise<never> => {
    const tail = await logTail(join(logs, `${name}.log`));
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${name} log (last lines) ---\n${tail}`);
  };

  try {
    const certs = await generateCertificates(pki);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;

    const etcd = start('etcd', binaries.etcd, [
      '--name=greenroom',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=greenroom=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    log(`etcd starting on ${etcdUrl}`);
    await waitFor(async () => (await get(`${etcdUrl}/health`)).body.includes('"health":"true"'), {
      what: 'etcd',
      timeoutMs: 30_000,
      stillRunning: etcd.running,
    }).catch((error) => failWithLog('etcd', error));

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${pki}`,
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      '--authorization-mode=RBAC',
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${certs.serviceAccountPub}`,
      `--service-account-signing-key-file=${certs.serviceAccountKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--disable-admission-plugins=ServiceAccount',
      // On SIGTERM, end open watches within 2 s: otherwise shutdown waits up to a minute
      // for them, and every stop or restart with a client watching would take that long.
      '--shutdown-watch-termination-grace-period=2s',
      '--v=1',
    ];
    if (options.oidc) {
      const path = join(dir, 'authentication.yaml');
      const caPem = await readFile(options.oidc.caFile, 'utf8');
      await writeFile(path, stringify(authenticationConfiguration(options.oidc, caPem)));
      apiserverArgs.push(`--authentication-config=${path}`);
    }
    const auditLog = join(logs, 'audit.log');
    if (options.audit) {
      const policy = join(dir, 'audit-policy.yaml');
      await writeFile(policy, stringify(AUDIT_POLICY));
      // The log backend's default mode is blocking: an event is on disk before the
      // response goes out, so a test can read it right after its request.
      apiserverArgs.push(`--audit-policy-file=${policy}`, `--audit-log-path=${auditLog}`, '--audit-log-format=json');
    }
    const tls: ClientTls = { ca: certs.caCert, cert: certs.adminCert, key: certs.adminKey };
    const apiserverReady = (apiserver: TetheredProcess): Promise<void> =>
      waitFor(async () => (await get(`${server}/readyz`, tls)).status === 200, {
        what: 'kube-apiserver',
        timeoutMs: 90_000,
        stillRunning: apiserver.running,
      }).catch((error) => failWithLog('kube-apiserver', error));
    const apiserver = start('kube-apiserver', binaries.kubeApiserver, apiserverArgs);
    log(`kube-apiserver starting on ${server}`);
    await apiserverReady(apiserver);

    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig(server, certs), { mode: 0o600 });

    const controllerManager = start('kube-controller-manager', binaries.kubeControllerManager, [
      `--kubeconfig=${kubeconfigPath}`,
      `--controllers=${(options.controllers ?? DEFAULT_CONTROLLERS).join(',')}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${certs.serviceAccountKey}`,
      `--root-ca-file=${certs.caCert}`,
      '--v=1',
    ]);
    // The namespace controller creates nothing, but `default` appears once the apiserver's
    // own bootstrap controllers ran; tests expect it, so wait for it here.
    await waitFor(async () => (await get(`${server}/api/v1/namespaces/default`, tls)).status === 200, {
      what: 'the default namespace',
      timeoutMs: 60_000,
      stillRunning: () => apiserver.running() && controllerManager.running(),
    }).catch((error) =>
      failWithLog(controllerManager.running() ? 'kube-apiserver' : 'kube-controller-manager', error),
    );
    log(`control plane ready; KUBECONFIG=${kubeconfigPath}`);

    let restarting: Promise<void> | undefined;
    const restartApiServer = (): Promise<void> =>
      (restarting ??= (async () => {
        const index = processes.findIndex((p) => p.name === 'kube-apiserver');
        await processes[index]?.stop();
        // stop() may have begun meanwhile; it only stops what it found, so start nothing new.
        if (stopped) throw new Error('the control plane was stopped while kube-apiserver restarted');
        log(`kube-apiserver restarting on ${server}`);
        const restarted = launch('kube-apiserver', binaries.kubeApiserver, apiserverArgs);
        processes[index] = restarted;
        await apiserverReady(restarted);
      })().finally(() => (restarting = undefined)));
    const auditEvents = (): Promise<AuditEvent[]> => (options.audit ? readAuditEvents(auditLog) : Promise.resolve([]));
    return { server, kubeconfigPath, dir, binaries, processes, restartApiServer, auditEvents, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
