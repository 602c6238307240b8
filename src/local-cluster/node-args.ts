import { stringify } from 'yaml';

/** Where one node keeps its state: every path lies under the control plane's data directory. */
export interface NodeDirs {
  /** containerd's root (images, snapshots) and state (sockets, netns mounts). */
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  /** runc's state, so no container leaves entries in /run/containerd/runc. */
  runcRoot: string;
  /** The CNI network list containerd reads, and host-local's allocations. */
  cniConf: string;
  cniIpam: string;
  /** The kubelet's --root-dir (volumes, plugins, its serving certificate) and pod logs. */
  kubeletRoot: string;
  podLogs: string;
}

/** The node's network: pod addresses come from `podCidr` on a bridge named `bridge`. */
export interface NodeNetwork {
  /** At most 15 characters (a Linux interface name). */
  bridge: string;
  podCidr: string;
  /** The apiserver's Service range, for kube-proxy's masquerading decisions. */
  serviceCidr: string;
}

/** Debian's containernetworking-plugins install here. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/**
 * containerd's config (version 2, as containerd 1.6 reads it). Two CRI settings are what
 * these VMs need: without CAP_SYS_RESOURCE runc cannot lower oom_score_adj, so every
 * sandbox failed with `can't get final child's PID from pipe: EOF` until
 * `restrict_oom_score_adj`; and `netns_mounts_under_state_dir` keeps pod network
 * namespaces out of /var/run/netns, so teardown finds them under our directory.
 */
export function containerdConfig(dirs: NodeDirs, sandboxImage: string, snapshotter: 'overlayfs' | 'native'): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${JSON.stringify(dirs.containerdRoot)}`,
    `state = ${JSON.stringify(dirs.containerdState)}`,
    // The opt plugin would install into /opt/containerd; nothing here uses it.
    'disabled_plugins = ["io.containerd.internal.v1.opt"]',
    '[grpc]',
    `  address = ${JSON.stringify(dirs.containerdSocket)}`,
    `[${cri}]`,
    `  sandbox_image = ${JSON.stringify(sandboxImage)}`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  enable_selinux = false',
    `[${cri}.containerd]`,
    `  snapshotter = "${snapshotter}"`,
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  Root = ${JSON.stringify(dirs.runcRoot)}`,
    `[${cri}.cni]`,
    `  bin_dir = "${CNI_BIN_DIR}"`,
    `  conf_dir = ${JSON.stringify(dirs.cniConf)}`,
    '',
  ].join('\n');
}

/** A CNI network list: a bridge with host-local addresses, masquerading traffic that leaves the node. */
export function cniNetworkList(network: NodeNetwork, ipamDir: string): Record<string, unknown> {
  return {
    cniVersion: '0.4.0',
    name: 'greenroom',
    plugins: [
      {
        type: 'bridge',
        bridge: network.bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: network.podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: ipamDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/** What the kubelet's configuration file needs besides fixed choices. */
export interface KubeletSettings {
  dirs: NodeDirs;
  clientCaFile: string;
  /** Free loopback ports: the kubelet's API (the apiserver reaches it for logs) and healthz. */
  port: number;
  healthzPort: number;
}

/**
 * The KubeletConfiguration. `failCgroupV1: false`: Kubernetes ≥ 1.35 refuses cgroup v1,
 * which these machines run; `cgroupfs` because no systemd manages the host's cgroups.
 * Eviction thresholds are low because the disk is shared with everything else here and a
 * test node must not evict its pods over space it does not own.
 */
export function kubeletConfiguration(settings: KubeletSettings): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${settings.dirs.containerdSocket}`,
    podLogsDirectory: settings.dirs.podLogs,
    port: settings.port,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: settings.healthzPort,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: settings.clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    resolvConf: '/etc/resolv.conf',
  });
}

/** The kubelet's flags; the node registers as `nodeName` with `nodeIp` as its InternalIP. */
export function kubeletArgs(configPath: string, kubeconfigPath: string, dirs: NodeDirs, nodeName: string, nodeIp: string): string[] {
  return [
    `--config=${configPath}`,
    `--kubeconfig=${kubeconfigPath}`,
    `--root-dir=${dirs.kubeletRoot}`,
    `--hostname-override=${nodeName}`,
    `--node-ip=${nodeIp}`,
    '--v=1',
  ];
}

/**
 * kube-proxy's configuration, iptables mode. Conntrack limits and timeouts of 0 and no
 * localhost NodePorts: kube-proxy then leaves the host's conntrack sysctls and
 * `route_localnet` as they are, so there is less for teardown to put back.
 */
export function kubeProxyConfiguration(
  kubeconfigPath: string,
  nodeName: string,
  network: NodeNetwork,
  healthzPort: number,
  metricsPort: number,
): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: kubeconfigPath },
    mode: 'iptables',
    hostnameOverride: nodeName,
    clusterCIDR: network.podCidr,
    healthzBindAddress: `127.0.0.1:${healthzPort}`,
    metricsBindAddress: `127.0.0.1:${metricsPort}`,
    iptables: { localhostNodePorts: false },
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: '0s',
      tcpCloseWaitTimeout: '0s',
    },
  });
}

/** kube-scheduler's flags: one replica, no leader election, no serving port. */
export function schedulerArgs(kubeconfigPath: string): string[] {
  return [`--kubeconfig=${kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--v=1'];
}

/** A kubeconfig for one client certificate (a node, kube-proxy, the scheduler). */
export function clientKubeconfig(server: string, caFile: string, cert: string, key: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'greenroom-local', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'client', user: { 'client-certificate': cert, 'client-key': key } }],
    contexts: [{ name: 'greenroom-local', context: { cluster: 'greenroom-local', user: 'client' } }],
    'current-context': 'greenroom-local',
  });
}
