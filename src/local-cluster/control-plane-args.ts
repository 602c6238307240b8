import { stringify } from 'yaml';
import type { Certificates } from './certificates.ts';

/** Where etcd listens for clients and its (single) peer. */
export interface EtcdUrls {
  client: string;
  peer: string;
}

/**
 * etcd's flags: one member, data in `dataDir`, no fsync (a test cluster trades durability
 * for speed), and watch progress notifications every 5 s as kubeadm and GKE configure them.
 */
export function etcdArgs(dataDir: string, urls: EtcdUrls): string[] {
  return [
    '--name=greenroom',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${urls.client}`,
    `--advertise-client-urls=${urls.client}`,
    `--listen-peer-urls=${urls.peer}`,
    `--initial-advertise-peer-urls=${urls.peer}`,
    `--initial-cluster=greenroom=${urls.peer}`,
    '--unsafe-no-fsync=true',
    // kube-apiserver's watch cache learns the current revision of a quiet resource only from
    // these (etcd's default is every 10 minutes), and it sends a watch a bookmark only when
    // that revision moved past where the watch began: without them a watch of a collection
    // nobody writes to gets no bookmark for up to 10 minutes (kubeadm sets the same 5 s).
    '--watch-progress-notify-interval=5s',
    '--log-level=warn',
  ];
}

/** kube-apiserver's flags on loopback `port`, serving `server`, before the optional OIDC and audit files. */
export function apiServerArgs(etcdUrl: string, pki: string, certs: Certificates, port: number, server: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${pki}`,
    `--tls-cert-file=${certs.servingCert}`,
    `--tls-private-key-file=${certs.servingKey}`,
    `--client-ca-file=${certs.caCert}`,
    `--secure-port=${port}`,
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
}

/**
 * kube-apiserver's flags changed for a cluster with a node: it listens beyond loopback and
 * is advertised at `advertiseAddress` (the host's address), so the `kubernetes` Service
 * leads pods to it; the Node authorizer and NodeRestriction let the kubelet in as
 * `system:node:<name>`; ServiceAccount admission mounts tokens into pods; and it reaches
 * the kubelet (logs, exec) with the admin client certificate.
 */
export function nodeApiServerArgs(args: readonly string[], advertiseAddress: string, certs: Certificates): string[] {
  const changed = args
    .filter((arg) => arg !== '--disable-admission-plugins=ServiceAccount')
    .map((arg) => {
      if (arg === '--bind-address=127.0.0.1') return '--bind-address=0.0.0.0';
      if (arg === '--authorization-mode=RBAC') return '--authorization-mode=Node,RBAC';
      return arg;
    });
  return [
    ...changed,
    `--advertise-address=${advertiseAddress}`,
    '--enable-admission-plugins=NodeRestriction',
    `--kubelet-client-certificate=${certs.adminCert}`,
    `--kubelet-client-key=${certs.adminKey}`,
    '--kubelet-preferred-address-types=InternalIP',
  ];
}

/** kube-controller-manager's flags: `controllers` only, no leader election, no serving port. */
export function controllerManagerArgs(kubeconfigPath: string, controllers: readonly string[], certs: Certificates): string[] {
  return [
    `--kubeconfig=${kubeconfigPath}`,
    `--controllers=${controllers.join(',')}`,
    '--leader-elect=false',
    '--secure-port=0',
    `--service-account-private-key-file=${certs.serviceAccountKey}`,
    `--root-ca-file=${certs.caCert}`,
    '--v=1',
  ];
}

/** A kubeconfig for the admin client certificate, context `greenroom-local`. */
export function kubeconfig(server: string, certs: Certificates): string {
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
