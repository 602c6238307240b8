import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { Certificates } from '../../src/local-cluster/certificates.ts';
import { apiServerArgs, nodeApiServerArgs } from '../../src/local-cluster/control-plane-args.ts';
import {
  cniNetworkList,
  containerdConfig,
  kubeletArgs,
  kubeletConfiguration,
  kubeProxyConfiguration,
  type NodeDirs,
} from '../../src/local-cluster/node-args.ts';
import { mountsUnder, withoutNodeChains } from '../../src/local-cluster/node-host.ts';

const certs: Certificates = {
  caCert: '/pki/ca.crt',
  caKey: '/pki/ca.key',
  servingCert: '/pki/serving.crt',
  servingKey: '/pki/serving.key',
  adminCert: '/pki/admin.crt',
  adminKey: '/pki/admin.key',
  serviceAccountPub: '/pki/sa.pub',
  serviceAccountKey: '/pki/sa.key',
};

const dirs: NodeDirs = {
  containerdRoot: '/cp/node/containerd/root',
  containerdState: '/cp/node/containerd/state',
  containerdSocket: '/cp/node/containerd/containerd.sock',
  runcRoot: '/cp/node/runc',
  cniConf: '/cp/node/cni/net.d',
  cniIpam: '/cp/node/cni/ipam',
  kubeletRoot: '/cp/node/kubelet',
  podLogs: '/cp/node/pod-logs',
};

const network = { bridge: 'greenroom0', podCidr: '10.88.0.0/16', serviceCidr: '10.0.0.0/24' };

describe("a local node's configuration", () => {
  it("when a node is asked for, then kube-apiserver listens beyond loopback, is advertised at the host's address and admits service accounts", () => {
    const base = apiServerArgs('http://127.0.0.1:1', '/cp/pki', certs, 6443, 'https://127.0.0.1:6443');
    const args = nodeApiServerArgs(base, '192.0.2.2', certs);
    expect(args).toEqual(
      expect.arrayContaining([
        '--bind-address=0.0.0.0',
        '--advertise-address=192.0.2.2',
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--kubelet-client-certificate=/pki/admin.crt',
      ]),
    );
    expect(args).not.toContain('--disable-admission-plugins=ServiceAccount');
    expect(args).not.toContain('--bind-address=127.0.0.1');
    expect(base).toContain('--disable-admission-plugins=ServiceAccount');
  });

  it("when containerd's config is written, then its state stays under the node's directory and sandboxes do not touch oom_score_adj", () => {
    const config = containerdConfig(dirs, 'registry.k8s.io/pause:3.10.1', 'overlayfs');
    expect(config).toContain('root = "/cp/node/containerd/root"');
    expect(config).toContain('address = "/cp/node/containerd/containerd.sock"');
    expect(config).toContain('Root = "/cp/node/runc"');
    expect(config).toContain('conf_dir = "/cp/node/cni/net.d"');
    expect(config).toContain('restrict_oom_score_adj = true');
    expect(config).toContain('netns_mounts_under_state_dir = true');
    expect(config).toContain('sandbox_image = "registry.k8s.io/pause:3.10.1"');
    expect(containerdConfig(dirs, 'p', 'native')).toContain('snapshotter = "native"');
  });

  it('when the CNI network is written, then pods get addresses from the pod range on the named bridge, stored under the node', () => {
    expect(cniNetworkList(network, '/cp/node/cni/ipam')).toMatchObject({
      plugins: [
        {
          type: 'bridge',
          bridge: 'greenroom0',
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.88.0.0/16' }]], dataDir: '/cp/node/cni/ipam' },
        },
        { type: 'portmap' },
      ],
    });
  });

  it('when the kubelet is configured, then it accepts cgroup v1 with cgroupfs and talks to our containerd', () => {
    const config = parse(kubeletConfiguration({ dirs, clientCaFile: '/pki/ca.crt', port: 1, healthzPort: 2 })) as Record<string, unknown>;
    expect(config).toMatchObject({
      kind: 'KubeletConfiguration',
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      containerRuntimeEndpoint: 'unix:///cp/node/containerd/containerd.sock',
      podLogsDirectory: '/cp/node/pod-logs',
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/pki/ca.crt' } },
    });
    expect(kubeletArgs('/cp/kubelet.yaml', '/cp/kubelet.kubeconfig', dirs, 'n1', '192.0.2.2')).toEqual(
      expect.arrayContaining(['--root-dir=/cp/node/kubelet', '--hostname-override=n1', '--node-ip=192.0.2.2']),
    );
  });

  it("when kube-proxy is configured, then it leaves the host's conntrack sysctls and route_localnet alone", () => {
    const config = parse(kubeProxyConfiguration('/cp/kp.kubeconfig', 'n1', network, 1, 2)) as Record<string, unknown>;
    expect(config).toMatchObject({
      mode: 'iptables',
      clusterCIDR: '10.88.0.0/16',
      iptables: { localhostNodePorts: false },
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    });
  });
});

describe("a local node's teardown", () => {
  it('when iptables holds node chains among others, then only the node chains and the rules using them go', () => {
    const save = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':KUBE-SERVICES - [0:0]',
      ':CNI-abc - [0:0]',
      ':OTHER - [0:0]',
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -s 10.88.0.2/32 -j CNI-abc',
      '-A PREROUTING -j OTHER',
      'COMMIT',
    ].join('\n');
    expect(withoutNodeChains(save)).toBe(
      ['*nat', ':PREROUTING ACCEPT [0:0]', ':OTHER - [0:0]', '-A PREROUTING -j OTHER', 'COMMIT'].join('\n'),
    );
  });

  it('when iptables holds no node chain, then there is nothing to restore', () => {
    expect(withoutNodeChains('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n')).toBeNull();
  });

  it('when mounts lie under the directory, then they are listed deepest first and others are left out', () => {
    const mountinfo = [
      '25 1 0:22 / /tmp/cp/node/kubelet/pods/x/volumes/token rw - tmpfs tmpfs rw',
      '26 1 0:23 / /tmp/cp/node/containerd/state/rootfs rw - overlay overlay rw',
      '27 26 0:24 / /tmp/cp/node/containerd/state/rootfs/proc rw - proc proc rw',
      '28 1 0:25 / /tmp/cp-other/x rw - tmpfs tmpfs rw',
      '29 1 0:26 / /tmp/cp/with\\040space rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(mountsUnder('/tmp/cp', mountinfo)).toEqual([
      '/tmp/cp/node/kubelet/pods/x/volumes/token',
      '/tmp/cp/node/containerd/state/rootfs/proc',
      '/tmp/cp/node/containerd/state/rootfs',
      '/tmp/cp/with space',
    ]);
  });
});
