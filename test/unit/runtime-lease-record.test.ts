import { describe, expect, it } from '@jest/globals';
import type { V1Lease, V1MicroTime } from '@kubernetes/client-node';
import {
  decideLeaseAction,
  formatMicroTime,
  observe,
  recordOf,
  releasedRecord,
  specWith,
  type LeaseRecord,
} from '../../src/runtime/lease-record.ts';

const t0 = Date.parse('2026-11-24T01:02:03.123Z');
const leaseMs = 15_000;

function held(by: string, renewTime = '2026-11-24T01:02:00.000000Z', leaseTransitions = 3): LeaseRecord {
  return { holderIdentity: by, leaseDurationSeconds: 15, acquireTime: '2026-11-24T00:00:00.000000Z', renewTime, leaseTransitions };
}

describe('lease decisions', () => {
  it('when a time is formatted, then it has the six fractional digits the apiserver requires', () => {
    expect(formatMicroTime(t0)).toBe('2026-11-24T01:02:03.123000Z');
  });

  it('when there is no Lease, then the candidate creates one holding it, with no transitions', () => {
    expect(decideLeaseAction(undefined, 'a', leaseMs, t0)).toEqual({
      kind: 'create',
      record: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: formatMicroTime(t0),
        renewTime: formatMicroTime(t0),
        leaseTransitions: 0,
      },
    });
  });

  it('when another holder renewed within the lease duration as observed locally, then the candidate waits', () => {
    const seen = observe(undefined, held('b'), t0);
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + leaseMs - 1)).toEqual({ kind: 'wait', holder: 'b' });
  });

  it('when the record stood still for the lease duration, then the candidate takes over and counts a transition', () => {
    const seen = observe(observe(undefined, held('b'), t0), held('b'), t0 + 5_000);
    expect(seen.observedAt).toBe(t0);
    const action = decideLeaseAction(seen, 'a', leaseMs, t0 + leaseMs);
    expect(action).toEqual({
      kind: 'update',
      record: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: formatMicroTime(t0 + leaseMs),
        renewTime: formatMicroTime(t0 + leaseMs),
        leaseTransitions: 4,
      },
    });
  });

  it("when the holder wrote a longer lease duration than the candidate uses, then the candidate waits out the holder's duration", () => {
    const seen = observe(undefined, { ...held('b'), leaseDurationSeconds: 60 }, t0);
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + leaseMs + 5_000)).toEqual({ kind: 'wait', holder: 'b' });
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + 60_000 - 1)).toEqual({ kind: 'wait', holder: 'b' });
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + 60_000)).toMatchObject({
      kind: 'update',
      record: { holderIdentity: 'a', leaseDurationSeconds: 15 },
    });
  });

  it('when the holder wrote a shorter lease duration than the candidate uses, then the candidate takes over once that shorter duration passed', () => {
    const seen = observe(undefined, { ...held('b'), leaseDurationSeconds: 5 }, t0);
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + 5_000 - 1)).toEqual({ kind: 'wait', holder: 'b' });
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + 5_000)).toMatchObject({ kind: 'update', record: { holderIdentity: 'a' } });
  });

  it('when the record has no lease duration, then the candidate falls back to its own', () => {
    const seen = observe(undefined, { ...held('b'), leaseDurationSeconds: 0 }, t0);
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + leaseMs - 1)).toEqual({ kind: 'wait', holder: 'b' });
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + leaseMs)).toMatchObject({ kind: 'update' });
  });

  it('when the remote renewTime is far in the past (clock skew) but the record just changed, then the candidate still waits', () => {
    const seen = observe(
      observe(undefined, held('b', '2000-01-01T00:00:00.000000Z'), t0),
      held('b', '2000-01-01T00:00:02.000000Z'),
      t0 + 14_000,
    );
    expect(decideLeaseAction(seen, 'a', leaseMs, t0 + 20_000)).toEqual({ kind: 'wait', holder: 'b' });
  });

  it('when the holder renews, then only renewTime moves and acquireTime and transitions are kept', () => {
    const action = decideLeaseAction(observe(undefined, held('a'), t0), 'a', leaseMs, t0);
    expect(action).toEqual({ kind: 'update', record: { ...held('a'), renewTime: formatMicroTime(t0) } });
  });

  it('when the Lease was released, then a candidate takes it at once', () => {
    const released = releasedRecord(held('b'), t0);
    expect(released).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 });
    const action = decideLeaseAction(observe(undefined, released, t0), 'a', leaseMs, t0);
    expect(action).toMatchObject({ kind: 'update', record: { holderIdentity: 'a', leaseTransitions: 4 } });
  });

  it('when a Lease is read with MicroTime strings, then the record keeps them and the written spec keeps foreign fields', () => {
    // client-node hands MicroTime back as the server's string, though it types it V1MicroTime.
    const asRead = (time: string): V1MicroTime => time as unknown as V1MicroTime;
    const lease: V1Lease = {
      spec: { holderIdentity: 'a', renewTime: asRead('2026-11-24T01:02:03.123456Z'), leaseTransitions: 3, preferredHolder: 'b' },
    };
    const record = recordOf(lease);
    expect(record).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 0,
      acquireTime: undefined,
      renewTime: '2026-11-24T01:02:03.123456Z',
      leaseTransitions: 3,
    });
    const spec = specWith(lease.spec, { ...record, renewTime: formatMicroTime(t0) });
    expect(spec.preferredHolder).toBe('b');
    expect(JSON.parse(JSON.stringify(spec)).renewTime).toBe('2026-11-24T01:02:03.123000Z');
  });
});
