import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a node changes on the host outside its own directory, and how to put it back. These
 * are synchronous so the same steps run from stop() and from our `exit` handler, when no
 * further event-loop turn is granted.
 */

/**
 * Sysctls the kubelet sets at start (it "protects" kernel defaults by changing them),
 * the bridge plugin's `ip_forward`, and what kube-proxy may set; read before the node
 * starts and written back by teardown.
 */
export const NODE_SYSCTLS = [
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
  'net/ipv4/ip_forward',
  'net/ipv4/conf/all/route_localnet',
  'net/bridge/bridge-nf-call-iptables',
  'net/bridge/bridge-nf-call-ip6tables',
  'net/netfilter/nf_conntrack_max',
];

/** The values of `names` now, skipping any this kernel does not have. */
export function readSysctls(names: readonly string[] = NODE_SYSCTLS): Map<string, string> {
  const values = new Map<string, string>();
  for (const name of names) {
    const path = join('/proc/sys', name);
    if (existsSync(path)) values.set(name, readFileSync(path, 'utf8').trim());
  }
  return values;
}

/** Writes back each saved value that differs now; returns the names it changed back. */
export function restoreSysctls(saved: ReadonlyMap<string, string>): string[] {
  const restored: string[] = [];
  for (const [name, value] of saved) {
    const path = join('/proc/sys', name);
    if (readFileSync(path, 'utf8').trim() === value) continue;
    writeFileSync(path, value);
    restored.push(name);
  }
  return restored;
}

/**
 * Mount points at or under `dir` (the kubelet's tmpfs volumes, containerd's overlay
 * root filesystems and netns bind mounts), deepest first, so each unmount finds its
 * children already gone.
 */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes spaces and the like as octal; our paths have none, but compare decoded.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything under `dir`, lazily where a mount is still busy; returns what it unmounted. */
export function unmountUnder(dir: string): string[] {
  const points = mountsUnder(dir);
  for (const point of points) {
    try {
      execFileSync('umount', [point], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', point], { stdio: 'pipe' });
    }
  }
  return points;
}

/** Pids of processes whose command line mentions `needle` (our containerd socket path: its shims). */
export function pidsMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The kubelet's pod cgroups (cgroupfs driver, cgroup v1 and the unified tree): `<hierarchy>/kubepods`. */
function podCgroupRoots(): string[] {
  const base = '/sys/fs/cgroup';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .map((hierarchy) => join(base, hierarchy, 'kubepods'))
    .filter((root) => existsSync(root));
}

/** Every cgroup directory under `root`, deepest first. */
function cgroupTree(root: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
    dirs.push(dir);
  };
  walk(root);
  return dirs;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Ends what containerd leaves running when it stops: its shims (they put themselves in
 * their own process group, so the tether's group kill misses them) and the containers in
 * the kubelet's pod cgroups; then removes those cgroups. Returns the number of processes ended.
 */
export function endContainers(containerdSocket: string): number {
  const shims = pidsMentioning(containerdSocket);
  shims.forEach(kill);
  let ended = shims.length;
  const roots = podCgroupRoots();
  for (const root of roots) {
    for (const dir of cgroupTree(root)) {
      const procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      procs.forEach(kill);
      ended += procs.length;
    }
  }
  // A killed process leaves its cgroup a moment later; rmdir fails (EBUSY) until then.
  for (let attempt = 0; attempt < 50 && roots.some((root) => existsSync(root)); attempt++) {
    for (const root of roots.filter((r) => existsSync(r))) {
      for (const dir of cgroupTree(root)) {
        try {
          rmdirSync(dir);
        } catch {
          // Still busy; try again.
        }
      }
    }
    if (roots.some((root) => existsSync(root))) execFileSync('sleep', ['0.1']);
  }
  return ended;
}

/**
 * Removes the sockets of shims that were killed rather than told to exit: containerd 1.6
 * puts them in /run/containerd/s whatever its state directory, and names each one in its
 * task bundle's `address` file. Returns how many it removed.
 */
export function removeShimSockets(containerdState: string): number {
  const tasks = join(containerdState, 'io.containerd.runtime.v2.task');
  if (!existsSync(tasks)) return 0;
  let removed = 0;
  for (const namespace of readdirSync(tasks)) {
    for (const task of readdirSync(join(tasks, namespace))) {
      const addressFile = join(tasks, namespace, task, 'address');
      if (!existsSync(addressFile)) continue;
      const socket = readFileSync(addressFile, 'utf8')
        .trim()
        .replace(/^unix:\/\//, '');
      if (socket.startsWith('/run/containerd/s/') && existsSync(socket)) {
        rmSync(socket);
        removed++;
      }
    }
  }
  return removed;
}

/** Deletes the bridge if it exists; the pods' veth ends went with their network namespaces. */
export function removeBridge(bridge: string): boolean {
  if (!existsSync(`/sys/class/net/${bridge}`)) return false;
  execFileSync('ip', ['link', 'delete', bridge], { stdio: 'pipe' });
  return true;
}

/** Chains kube-proxy, the kubelet and the CNI plugins create; teardown removes every one. */
const NODE_CHAIN = /(KUBE-|CNI-)/;

/**
 * `save` output without the node's chains and the rules that use them; null when there
 * was nothing to remove. Everything else in each table stays exactly as it was.
 */
export function withoutNodeChains(save: string): string | null {
  const lines = save.split('\n');
  const kept = lines.filter((line) => !((line.startsWith(':') || line.startsWith('-A ')) && NODE_CHAIN.test(line)));
  return kept.length === lines.length ? null : kept.join('\n');
}

/** Removes the node's chains from iptables and ip6tables (whichever backend they use); returns the tools that changed. */
export function removeNodeChains(): string[] {
  const changed: string[] = [];
  for (const tool of ['iptables', 'ip6tables']) {
    let save: string;
    try {
      save = execFileSync(`${tool}-save`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      continue;
    }
    const kept = withoutNodeChains(save);
    if (kept === null) continue;
    execFileSync(`${tool}-restore`, { input: kept, stdio: ['pipe', 'pipe', 'pipe'] });
    changed.push(tool);
  }
  return changed;
}

/** What teardown needs to put the host back, saved in the node's directory at start. */
export interface HostRecord {
  containerdSocket: string;
  bridge: string;
  /** The node's directory: every mount under it goes. */
  nodeDir: string;
  sysctls: Record<string, string>;
}

/** The record's file in a node's directory. */
export const HOST_RECORD = 'host-before.json';

/** Records the host before a node starts, in `<nodeDir>/host-before.json`; returns the record. */
export function recordHost(nodeDir: string, containerdSocket: string, bridge: string): HostRecord {
  const record: HostRecord = { containerdSocket, bridge, nodeDir, sysctls: Object.fromEntries(readSysctls()) };
  writeFileSync(join(nodeDir, HOST_RECORD), JSON.stringify(record, null, 2));
  return record;
}

/**
 * Puts the host back as the record says, once the node's processes have stopped: ends
 * leftover containers, unmounts, removes the node's iptables chains and the bridge, and
 * writes back changed sysctls. Returns one line per step, for a log. Only one node per
 * host is supported: chains and pod cgroups are not told apart by node.
 */
export function restoreHost(record: HostRecord): string[] {
  return [
    `ended ${endContainers(record.containerdSocket)} leftover container processes`,
    `removed ${removeShimSockets(join(record.nodeDir, 'containerd', 'state'))} sockets of killed shims`,
    `unmounted ${unmountUnder(record.nodeDir).length} mounts`,
    `removed node chains from: ${removeNodeChains().join(', ') || 'none'}`,
    `removed bridge ${record.bridge}: ${removeBridge(record.bridge)}`,
    `restored sysctls: ${restoreSysctls(new Map(Object.entries(record.sysctls))).join(', ') || 'none'}`,
  ];
}

/**
 * For the sweep of a node directory whose owner died (SIGKILL): the tether ended the
 * node's processes, but containerd's shims, the containers, the mounts and the host
 * changes remain until this runs. No-op for a directory without a record.
 */
export function restoreHostAfterCrash(nodeDir: string): string[] {
  const path = join(nodeDir, HOST_RECORD);
  if (!existsSync(path)) return [];
  return restoreHost(JSON.parse(readFileSync(path, 'utf8')) as HostRecord);
}
