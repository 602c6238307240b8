import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { waitFor } from '../../src/local-cluster/health.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { LeaderElector, type LeaderElectorOptions } from '../../src/runtime/leader-election.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startFaultyProxy, type FaultyProxy } from '../support/tcp-proxy.ts';

const namespace = 'runtime-leader';
const kubeConfig = loadKubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);
const leases = kubeConfig.makeApiClient(CoordinationV1Api);
const raw = new RawKubeClient(kubeConfig);
// Short versions of client-go's 15 s / 10 s / 2 s; leaseDurationSeconds is whole seconds, so 2.
const timing = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const electors: LeaderElector[] = [];
const proxies: FaultyProxy[] = [];

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterEach(async () => {
  await Promise.all(electors.splice(0).map((elector) => elector.stop()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace });
});

interface Candidate {
  identity: string;
  elector: LeaderElector;
  /** "started" and "stopped", in the order the callbacks ran. */
  calls: string[];
  registry: Registry;
  logs: string[];
}

function candidate(identity: string, lease: string, extra: Partial<LeaderElectorOptions> & { config?: KubeConfig } = {}): Candidate {
  const { config, ...options } = extra;
  const calls: string[] = [];
  const logs: string[] = [];
  const registry = new Registry();
  const elector = new LeaderElector({
    kubeConfig: config ?? kubeConfig,
    namespace,
    name: lease,
    identity,
    logger: createLogger('info', new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) })),
    registry,
    onStartedLeading: () => void calls.push('started'),
    onStoppedLeading: () => void calls.push('stopped'),
    ...timing,
    ...options,
  });
  electors.push(elector);
  elector.start();
  return { identity, elector, calls, registry, logs };
}

/** The Lease's spec exactly as the apiserver stores it. */
async function leaseSpec(name: string): Promise<Record<string, unknown>> {
  const lease = await raw.request<{ spec: Record<string, unknown> }>({
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`,
  });
  return lease.spec;
}

async function leaderAmong(candidates: Candidate[], timeoutMs = 5000): Promise<Candidate> {
  await waitFor(async () => candidates.some((c) => c.elector.isLeader()), { what: 'a leader', timeoutMs, intervalMs: 20 });
  const leaders = candidates.filter((c) => c.elector.isLeader());
  expect(leaders).toHaveLength(1);
  return leaders[0] as Candidate;
}

async function masterStatus(c: Candidate): Promise<number | undefined> {
  return (await c.registry.getSingleMetric('leader_election_master_status')?.get())?.values[0]?.value;
}

const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('LeaderElector against the real apiserver', () => {
  it('when two replicas campaign for one Lease, then exactly one leads and the Lease names it with MicroTime timestamps', async () => {
    const both = [candidate('replica-a', 'pair'), candidate('replica-b', 'pair')];
    const leader = await leaderAmong(both);
    const follower = both.find((c) => c !== leader) as Candidate;
    for (let i = 0; i < 20; i++) {
      expect(both.filter((c) => c.elector.isLeader())).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const spec = await leaseSpec('pair');
    expect(spec).toMatchObject({ holderIdentity: leader.identity, leaseDurationSeconds: 2, leaseTransitions: 0 });
    expect(spec.renewTime).toMatch(microTime);
    expect(spec.acquireTime).toMatch(microTime);
    expect(leader.calls).toEqual(['started']);
    expect(follower.calls).toEqual([]);
    expect(await masterStatus(leader)).toBe(1);
    expect(await masterStatus(follower)).toBe(0);
  });

  it('when the leader releases, then the other replica takes over at once and leaseTransitions goes up by one', async () => {
    // A lease far longer than the wait below: a takeover within it can only come from the
    // release, not from the lease running out (with the short lease a loaded machine could
    // not tell the two apart).
    const long = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 200 };
    const both = [candidate('replica-a', 'handover', long), candidate('replica-b', 'handover', long)];
    const first = await leaderAmong(both);
    const second = both.find((c) => c !== first) as Candidate;
    const before = (await leaseSpec('handover')).leaseTransitions as number;
    await first.elector.release();
    expect(first.calls).toEqual(['started', 'stopped']);
    expect(first.elector.isLeader()).toBe(false);
    await waitFor(async () => second.elector.isLeader(), { what: 'the takeover', timeoutMs: 15_000, intervalMs: 20 });
    expect(await leaseSpec('handover')).toMatchObject({ holderIdentity: second.identity, leaseTransitions: before + 1 });
  });

  it('when the leader stops renewing without releasing, then the other takes over only after the lease duration', async () => {
    const both = [candidate('replica-a', 'crash'), candidate('replica-b', 'crash')];
    const first = await leaderAmong(both);
    const second = both.find((c) => c !== first) as Candidate;
    const before = (await leaseSpec('crash')).leaseTransitions as number;
    await first.elector.stop();
    const stopped = Date.now();
    expect(first.calls).toEqual(['started', 'stopped']);
    await waitFor(async () => second.elector.isLeader(), { what: 'the takeover', timeoutMs: 5000, intervalMs: 20 });
    // The last renewal came at most one retry period before the stop.
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(timing.leaseDurationMs - timing.retryPeriodMs);
    expect(await leaseSpec('crash')).toMatchObject({ holderIdentity: second.identity, leaseTransitions: before + 1 });
  });

  it('when the leader cannot reach the apiserver, then it stops leading once the renew deadline has passed', async () => {
    const proxy = await startFaultyProxy(kubeConfig);
    proxies.push(proxy);
    const leader = candidate('replica-a', 'partition', { config: proxy.kubeConfig });
    await leaderAmong([leader]);
    const cut = Date.now();
    proxy.cut();
    await waitFor(async () => !leader.elector.isLeader(), { what: 'stepping down', timeoutMs: 3000, intervalMs: 20 });
    expect(Date.now() - cut).toBeGreaterThanOrEqual(timing.renewDeadlineMs - timing.retryPeriodMs);
    // isLeader() turns false by the clock at the deadline; the hung renewal's budget ends then too, and reports it.
    await waitFor(async () => leader.calls.length === 2, { what: 'onStoppedLeading', timeoutMs: 2000, intervalMs: 20 });
    expect(leader.calls).toEqual(['started', 'stopped']);
    expect(await masterStatus(leader)).toBe(0);
  });

  it('when another holder overwrites the Lease, then the leader stops leading without waiting for the deadline', async () => {
    const leader = candidate('replica-a', 'usurped');
    await leaderAmong([leader]);
    const lease = await leases.readNamespacedLease({ namespace, name: 'usurped' });
    await leases.replaceNamespacedLease({
      namespace,
      name: 'usurped',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } },
    });
    await waitFor(async () => !leader.elector.isLeader(), {
      what: 'stepping down',
      timeoutMs: 2 * timing.retryPeriodMs + 500,
      intervalMs: 20,
    });
    expect(leader.logs.join('')).toMatch(/the lease is held by intruder/);
  });

  it("when the leader's event loop stalls past the renew deadline, then it no longer claims to lead while another replica takes over", async () => {
    // The leader's clock only moves when told: stall() jumps it without firing the renewal timer.
    const clock = manualClock(Date.now());
    const stalled = candidate('replica-a', 'stall', { clock });
    await leaderAmong([stalled]);
    const other = candidate('replica-b', 'stall');
    clock.stall(timing.renewDeadlineMs);
    expect(stalled.elector.isLeader()).toBe(false);
    await waitFor(async () => other.elector.isLeader(), { what: 'the takeover', timeoutMs: 5000, intervalMs: 20 });
    expect(stalled.elector.isLeader()).toBe(false);
    // The loop resumes and its overdue renewal finds the other holder: it reports stopping once.
    await clock.advance(timing.retryPeriodMs);
    await waitFor(async () => stalled.calls.length === 2, { what: 'onStoppedLeading', timeoutMs: 3000, intervalMs: 20 });
    expect(stalled.calls).toEqual(['started', 'stopped']);
    expect(stalled.elector.isLeader()).toBe(false);
    expect(await masterStatus(stalled)).toBe(0);
    expect(await leaseSpec('stall')).toMatchObject({ holderIdentity: other.identity });
  });

  it('when a lone leader stalls past the renew deadline, then it leads again only after a renewal succeeds', async () => {
    const clock = manualClock(Date.now());
    const leader = candidate('replica-a', 'stall-alone', { clock });
    await leaderAmong([leader]);
    clock.stall(timing.renewDeadlineMs + 1);
    expect(leader.elector.isLeader()).toBe(false);
    await clock.advance(timing.retryPeriodMs);
    await waitFor(async () => leader.elector.isLeader(), { what: 'the renewal', timeoutMs: 3000, intervalMs: 20 });
    expect(leader.calls).toEqual(['started', 'stopped', 'started']);
    expect(await leaseSpec('stall-alone')).toMatchObject({ holderIdentity: leader.identity });
  });

  it('when onStartedLeading throws, then the failure is logged and the replica still leads', async () => {
    const leader = candidate('replica-a', 'faulty-callback', {
      onStartedLeading: () => {
        throw new Error('callback exploded');
      },
    });
    await leaderAmong([leader]);
    expect(leader.logs.join('')).toMatch(/onStartedLeading failed.*callback exploded|callback exploded.*onStartedLeading failed/);
  });

  it('when a leader is stopped on purpose, then it says so as info; when one loses its Lease, then it warns why', async () => {
    const reasons: Record<string, string[]> = { stopping: [], losing: [] };
    const stopping = candidate('replica-a', 'quiet-stop', { onStoppedLeading: (reason) => void reasons.stopping?.push(reason) });
    const losing = candidate('replica-b', 'lost', { onStoppedLeading: (reason) => void reasons.losing?.push(reason) });
    await leaderAmong([stopping]);
    await leaderAmong([losing]);
    await stopping.elector.release();
    const lease = await leases.readNamespacedLease({ namespace, name: 'lost' });
    const taken = { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } };
    await leases.replaceNamespacedLease({ namespace, name: 'lost', body: taken });
    await waitFor(async () => !losing.elector.isLeader(), { what: 'losing the Lease', timeoutMs: 2000, intervalMs: 20 });
    expect(reasons).toEqual({ stopping: ['stopped'], losing: ['the lease is held by intruder'] });
    const stoppedLeading = (logs: string[]): { level: number; msg: string; reason?: string }[] =>
      logs.map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string }).filter((l) => l.msg === 'stopped leading');
    expect(stoppedLeading(stopping.logs)).toEqual([expect.objectContaining({ level: 30, reason: 'stopped' })]);
    expect(stoppedLeading(losing.logs)).toEqual([expect.objectContaining({ level: 40, reason: 'the lease is held by intruder' })]);
  });
});
