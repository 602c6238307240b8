import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';

/** The leader-election fields of a Lease's spec, times as the apiserver's MicroTime strings. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

/** A record and when this process first saw it in this state, by its own clock. */
export interface Observation {
  record: LeaseRecord;
  observedAt: number;
}

/** What to do with the Lease this round. */
export type LeaseAction =
  { kind: 'create'; record: LeaseRecord } | { kind: 'update'; record: LeaseRecord } | { kind: 'wait'; holder: string };

/**
 * A MicroTime as the apiserver parses it: RFC 3339 in UTC with exactly six fractional
 * digits. (Three, as `Date.toISOString()` gives, are rejected with 400.)
 */
export function formatMicroTime(epochMs: number): string {
  return new V1MicroTime(epochMs).toISOString();
}

// client-node leaves MicroTime unconverted when reading, so the string the server sent
// arrives as is, despite the V1MicroTime (Date) type; accept both.
function microTimeString(value: unknown): string | undefined {
  if (value instanceof Date) return formatMicroTime(value.getTime());
  return typeof value === 'string' ? value : undefined;
}

/** The leader-election record of a Lease read from the server. */
export function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: microTimeString(spec.acquireTime),
    renewTime: microTimeString(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** A Lease spec carrying `record`, keeping fields the election does not own (preferredHolder, strategy). */
export function specWith(spec: V1LeaseSpec | undefined, record: LeaseRecord): V1LeaseSpec {
  const time = (value: string | undefined): V1MicroTime | undefined => (value === undefined ? undefined : new V1MicroTime(value));
  return {
    ...spec,
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: time(record.acquireTime),
    renewTime: time(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/**
 * The observation after reading `current`: unchanged records keep the time they were first
 * seen, so a lease expires by how long *this* process has watched it stand still, and
 * clock skew between replicas cannot make a live leader look expired.
 */
export function observe(previous: Observation | undefined, current: LeaseRecord, now: number): Observation {
  return previous && sameRecord(previous.record, current) ? previous : { record: current, observedAt: now };
}

/**
 * How long the holder of `record` promised to renew within: the duration it wrote, as
 * client-go reads it, since replicas may run with different settings (during a rollout
 * that changes the flag, a candidate judging by its own shorter duration would take over
 * from a live leader). A record without a positive duration falls back to ours.
 */
export function recordDurationMs(record: LeaseRecord, fallbackMs: number): number {
  return record.leaseDurationSeconds > 0 ? record.leaseDurationSeconds * 1000 : fallbackMs;
}

/**
 * client-go's tryAcquireOrRenew as a decision: create a missing Lease; renew our own; wait
 * while another holder's record has changed within the lease duration written in that
 * record; otherwise take over (an empty holder, left by a release, at once), counting the
 * transition. `leaseDurationMs` is what this candidate writes when it holds the Lease.
 */
export function decideLeaseAction(lease: Observation | undefined, identity: string, leaseDurationMs: number, now: number): LeaseAction {
  const leaseDurationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
  const time = formatMicroTime(now);
  if (!lease) {
    return {
      kind: 'create',
      record: { holderIdentity: identity, leaseDurationSeconds, acquireTime: time, renewTime: time, leaseTransitions: 0 },
    };
  }
  const current = lease.record;
  if (current.holderIdentity === identity) {
    return { kind: 'update', record: { ...current, leaseDurationSeconds, acquireTime: current.acquireTime ?? time, renewTime: time } };
  }
  if (current.holderIdentity !== '' && now < lease.observedAt + recordDurationMs(current, leaseDurationMs)) {
    return { kind: 'wait', holder: current.holderIdentity };
  }
  return {
    kind: 'update',
    record: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: time,
      renewTime: time,
      leaseTransitions: current.leaseTransitions + 1,
    },
  };
}

/** The record that hands the Lease back: no holder, so the next candidate takes it at once. */
export function releasedRecord(current: LeaseRecord, now: number): LeaseRecord {
  const time = formatMicroTime(now);
  return { ...current, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: time, renewTime: time };
}
