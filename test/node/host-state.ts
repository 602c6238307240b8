// What a real node may change on this host, read the same way before and after it runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { NODE_NETWORK } from '../../src/local-cluster/node.ts';
import { NODE_SYSCTLS, readSysctls, withoutNodeChains } from '../../src/local-cluster/node-host.ts';

/** Sysctls, the bridge, node chains in iptables/ip6tables, pod cgroups and containerd's shim sockets. */
export function hostState(): Record<string, unknown> {
  const hasNodeChains = (tool: string): boolean => withoutNodeChains(execFileSync(tool, { encoding: 'utf8' })) !== null;
  const shimSockets = '/run/containerd/s';
  return {
    sysctls: Object.fromEntries(readSysctls(NODE_SYSCTLS)),
    bridge: existsSync(`/sys/class/net/${NODE_NETWORK.bridge}`),
    iptablesHasNodeChains: hasNodeChains('iptables-save'),
    ip6tablesHasNodeChains: hasNodeChains('ip6tables-save'),
    podCgroups: existsSync('/sys/fs/cgroup/memory/kubepods'),
    shimSockets: existsSync(shimSockets) ? readdirSync(shimSockets) : [],
  };
}

/** Mount points below `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`));
}
