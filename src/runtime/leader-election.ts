import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { sleep, systemClock, type Clock } from './clock.ts';
import { decideLeaseAction, observe, recordOf, releasedRecord, specWith, type Observation } from './lease-record.ts';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';
import { callSafely } from './safe-call.ts';

/** The reason given when leadership ends because this replica was told to stop (shutdown, hand-over). */
export const STOPPED_ON_PURPOSE = 'stopped';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The Lease's name; also the `name` label of `leader_election_master_status`. */
  name: string;
  /** Unique per replica, e.g. the pod name. */
  identity: string;
  logger: Logger;
  /** How long a holder's record must stand still before others take over (default 15 s). */
  leaseDurationMs?: number;
  /** How long a leader keeps leading without a successful renewal (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 s; candidates add up to 120 % jitter, as client-go). */
  retryPeriodMs?: number;
  /** Called when this replica becomes leader; a throw or rejection is logged. */
  onStartedLeading?: () => unknown;
  /**
   * Called when it stops being leader, with why: {@link STOPPED_ON_PURPOSE} after stop() or
   * release(), otherwise how the Lease was lost (renewal failed, another holder).
   */
  onStoppedLeading?: (reason: string) => unknown;
  registry?: Registry;
  clock?: Clock;
  random?: () => number;
}

type Attempt = { acquired: true } | { acquired: false; holder?: string };

/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's algorithm: write with
 * the read resourceVersion (a 409 means another replica won), take over only a Lease whose
 * record this process has seen unchanged for the lease duration, and stop leading when
 * renewals fail for the renew deadline or another holder appears.
 */
export class LeaderElector {
  private readonly options: LeaderElectorOptions;
  private readonly api: CoordinationV1Api;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observation: Observation | undefined;
  private leading = false;
  private lastRenewal = 0;
  private loop: Promise<void> | undefined;
  private halt: AbortController | undefined;

  constructor(options: LeaderElectorOptions) {
    this.options = options;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs && this.retryPeriodMs > 0)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod > 0');
    }
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.logger = options.logger.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.clock = options.clock ?? systemClock;
    this.metrics = options.registry ? createRuntimeMetrics(options.registry) : undefined;
    this.metrics?.leaderStatus.set({ name: options.name }, 0);
  }

  /**
   * True while this replica leads: it holds the Lease and its last successful renewal is
   * younger than the renew deadline. Judged against the clock on every call, not only when
   * the renewal loop runs: after an event-loop stall longer than the deadline, another
   * replica may already have taken the Lease over, and the writes guarded by this check
   * must stop before the overdue renewal timer gets a chance to notice.
   */
  isLeader(): boolean {
    return this.leading && this.withinRenewDeadline(this.clock.now());
  }

  /** Starts campaigning (and renewing once leading) in the background. */
  start(): void {
    if (this.loop) return;
    const halt = new AbortController();
    this.halt = halt;
    this.loop = this.campaign(halt.signal);
  }

  /**
   * Stops campaigning and renewing without touching the Lease, as a crash would: others
   * take over once it expires. Calls onStoppedLeading if leading.
   */
  async stop(): Promise<void> {
    this.halt?.abort();
    await this.loop;
    this.loop = undefined;
    if (this.leading) this.stopLeading(STOPPED_ON_PURPOSE);
  }

  /**
   * Stops, then hands the Lease back by clearing its holder so another replica takes over
   * at once. Finish leader-only work before calling: onStoppedLeading runs before the write.
   */
  async release(): Promise<void> {
    await this.stop();
    if (this.observation?.record.holderIdentity !== this.options.identity) return;
    const { namespace, name, identity } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ namespace, name });
      const current = recordOf(lease);
      if (current.holderIdentity !== identity) return;
      const released = releasedRecord(current, this.clock.now());
      await this.api.replaceNamespacedLease({ namespace, name, body: { ...lease, spec: specWith(lease.spec, released) } });
      this.observation = { record: released, observedAt: this.clock.now() };
      this.logger.info('released the lease');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not release the lease; others take over when it expires');
    }
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    const random = this.options.random ?? Math.random;
    while (!signal.aborted) {
      await this.attempt();
      // Candidates spread out their polls (client-go's jitter factor 1.2); leaders renew on time.
      const wait = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + 1.2 * random());
      await sleep(this.clock, wait, signal);
    }
  }

  private async attempt(): Promise<void> {
    const started = this.clock.now();
    // Woken after a stall past the deadline: others may lead by now, so step down before
    // renewing (the renewal below then starts leading afresh if the Lease is still ours).
    if (this.leading && !this.withinRenewDeadline(started))
      this.stopLeading('no renewal within the renew deadline (was the event loop blocked?)');
    // A leader may wait only as long as its renew deadline leaves; a hung request must not keep it leading.
    const budget = this.leading ? this.lastRenewal + this.renewDeadlineMs - started : this.renewDeadlineMs;
    let result: Attempt;
    try {
      result = await this.withinBudget(this.tryAcquireOrRenew(started), budget);
    } catch (error) {
      this.logger.debug({ err: error }, 'could not acquire or renew the lease');
      result = { acquired: false };
    }
    if (result.acquired) {
      this.lastRenewal = started;
      if (!this.leading) this.startLeading();
    } else if (this.leading && result.holder !== undefined) {
      this.stopLeading(`the lease is held by ${result.holder}`);
    } else if (this.leading && !this.withinRenewDeadline(this.clock.now())) {
      this.stopLeading('renewal failed for the renew deadline');
    }
  }

  private async tryAcquireOrRenew(now: number): Promise<Attempt> {
    const { namespace, name, identity } = this.options;
    let lease: V1Lease | undefined;
    try {
      lease = await this.api.readNamespacedLease({ namespace, name });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
    this.observation = lease ? observe(this.observation, recordOf(lease), now) : undefined;
    const action = decideLeaseAction(this.observation, identity, this.leaseDurationMs, now);
    if (action.kind === 'wait') return { acquired: false, holder: action.holder };
    // Writing with the resourceVersion just read: if another replica wrote first, this fails with 409.
    const written =
      action.kind === 'create' || !lease
        ? await this.api.createNamespacedLease({
            namespace,
            body: { metadata: { name, namespace }, spec: specWith(undefined, action.record) },
          })
        : await this.api.replaceNamespacedLease({ namespace, name, body: { ...lease, spec: specWith(lease.spec, action.record) } });
    this.observation = { record: recordOf(written), observedAt: now };
    return { acquired: true };
  }

  // lastRenewal is when the last successful renewal *started*, so the Lease others see was
  // written no earlier: judging from it never overstates how fresh our claim is.
  private withinRenewDeadline(now: number): boolean {
    return now - this.lastRenewal < this.renewDeadlineMs;
  }

  private withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
    let handle: unknown;
    const timeout = new Promise<never>((_, reject) => {
      handle = this.clock.setTimeout(() => reject(new Error(`lease request took longer than ${Math.round(ms)} ms`)), Math.max(ms, 0));
    });
    return Promise.race([work, timeout]).finally(() => this.clock.clearTimeout(handle));
  }

  private startLeading(): void {
    this.leading = true;
    this.metrics?.leaderStatus.set({ name: this.options.name }, 1);
    this.logger.info('became leader');
    callSafely(this.options.onStartedLeading ?? (() => undefined), (error) => this.logger.error({ err: error }, 'onStartedLeading failed'));
  }

  private stopLeading(reason: string): void {
    this.leading = false;
    this.metrics?.leaderStatus.set({ name: this.options.name }, 0);
    // A shutdown or hand-over is routine; losing the Lease while running is what on-call must hear about.
    this.logger[reason === STOPPED_ON_PURPOSE ? 'info' : 'warn']({ reason }, 'stopped leading');
    callSafely(
      () => this.options.onStoppedLeading?.(reason),
      (error) => this.logger.error({ err: error }, 'onStoppedLeading failed'),
    );
  }
}
