import { describe, expect, it } from '@jest/globals';
import type { CatalogSourceObject } from '../../src/api/objects.ts';
import {
  failedStatus,
  intervalOf,
  needsRead,
  suspendedStatus,
  syncedStatus,
  type SyncOutcome,
} from '../../src/controllers/catalog-source/decide.ts';
import { describeFailure } from '../../src/controllers/catalog-source/reconcile.ts';
import { ApiUnavailableError, SourceConfigError } from '../../src/controllers/named-secrets.ts';

const now = new Date('2026-12-04T10:00:00Z');
const source = (status?: CatalogSourceObject['status'], spec: Partial<CatalogSourceObject['spec']> = {}): CatalogSourceObject => ({
  metadata: { name: 'backstage', namespace: 'payments', uid: 'u-1', generation: 2 },
  spec: { git: { url: 'https://git.example.com/org/catalog.git' }, ...spec },
  ...(status ? { status } : {}),
});

const outcome = (over: Partial<SyncOutcome> = {}): SyncOutcome => ({
  revision: '3f2a1c0',
  held: 12,
  created: 2,
  updated: 1,
  deleted: 1,
  unchanged: 9,
  conflicts: [],
  problems: [],
  ...over,
});

const condition = (status: CatalogSourceObject['status'], type: string) => status?.conditions?.find((c) => c.type === type);

describe('the decisions of a catalog source', () => {
  it('when a sync succeeds, then the status has its revision, counts and Ready and Synced true', () => {
    const status = syncedStatus(source(), outcome(), now);
    expect(status).toMatchObject({
      observedGeneration: 2,
      revision: '3f2a1c0',
      lastSyncTime: '2026-12-04T10:00:00Z',
      counts: { entities: 12, created: 2, updated: 1, deleted: 1, unchanged: 9, conflicts: 0 },
      problemCount: 0,
    });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True', reason: 'Synced', message: '12 entities from 3f2a1c0' });
    expect(condition(status, 'Synced')).toMatchObject({ status: 'True', reason: 'Synced' });
    expect(condition(status, 'Conflicting')).toMatchObject({ status: 'False' });
  });

  it('when some files could not be converted, then they are listed (the first 50) and counted, and the sync still counts as done', () => {
    const problems = Array.from({ length: 60 }, (_, i) => ({ location: `teams/${i}.yaml`, line: 3, reason: 'spec.owner is required' }));
    const status = syncedStatus(source(), outcome({ problems }), now);
    expect(status.problems).toHaveLength(50);
    expect(status.problemCount).toBe(60);
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'True',
      reason: 'SyncedWithProblems',
      message: expect.stringMatching(/60 files/),
    });
  });

  it('when entities are held by someone else, then Conflicting names them and what to do', () => {
    const conflicts = [{ kind: 'Component', name: 'orders', holder: 'someone else', location: 'orders/catalog-info.yaml' }];
    const status = syncedStatus(source(), outcome({ conflicts }), now);
    expect(status.counts?.conflicts).toBe(1);
    expect(condition(status, 'Conflicting')).toMatchObject({
      status: 'True',
      reason: 'Conflicts',
      message: expect.stringMatching(/^Component orders \(orders\/catalog-info.yaml\) is held by someone else: left as they are/),
    });
  });

  it('when a check fails after a good sync, then Ready stays true (the catalog keeps that sync), Synced is false and the failure is counted', () => {
    const synced = syncedStatus(source(), outcome(), now);
    const status = failedStatus(source(synced), { reason: 'SourceUnreachable', message: 'connection refused', transient: false }, now);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True', message: expect.stringMatching(/keeps the sync of 3f2a1c0/) });
    expect(condition(status, 'Synced')).toMatchObject({ status: 'False', reason: 'SourceUnreachable', message: 'connection refused' });
    expect(status.consecutiveFailures).toBe(1);
    expect(status.counts).toEqual(synced.counts);
  });

  it('when the first check fails, then Ready is false with the reason; passing trouble is not counted', () => {
    const status = failedStatus(source(), { reason: 'WriteFailed', message: 'apiserver busy; retrying', transient: true }, now);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'WriteFailed' });
    expect(status.consecutiveFailures).toBe(0);
  });

  it('when the revision, spec and held entities are as the last sync left them, then the source is not read again; any change reads it', () => {
    const synced = { ...syncedStatus(source(), outcome(), now) };
    expect(needsRead(source(synced), '3f2a1c0', 12)).toBe(false);
    expect(needsRead(source(synced), '9999999', 12)).toBe(true);
    expect(needsRead(source(synced), '3f2a1c0', 11)).toBe(true);
    expect(needsRead(source({ ...synced, observedGeneration: 1 }), '3f2a1c0', 12)).toBe(true);
    expect(needsRead(source(synced), undefined, 12)).toBe(true);
    expect(needsRead(source(), '3f2a1c0', 0)).toBe(true);
  });

  it('when suspended, then Synced is false with the reason and the last counts stay', () => {
    const synced = syncedStatus(source(), outcome(), now);
    const status = suspendedStatus(source(synced, { suspend: true }), now);
    expect(condition(status, 'Synced')).toMatchObject({ status: 'False', reason: 'Suspended' });
    expect(status.counts).toEqual(synced.counts);
  });

  it('when the interval is shorter than 10s, then 10s is used', () => {
    expect(intervalOf(source(undefined, { interval: '1s' }))).toBe(10_000);
    expect(intervalOf(source(undefined, { interval: '2m' }))).toBe(120_000);
  });

  it("when a check fails, then a missing Secret is the author's to fix, the apiserver busy is retried soon, anything else backs off", () => {
    expect(describeFailure(new SourceConfigError('Secret git does not exist in namespace payments'))).toMatchObject({
      reason: 'SourceInvalid',
      transient: false,
    });
    expect(describeFailure(new ApiUnavailableError('Component x could not be written: 503'))).toMatchObject({
      reason: 'WriteFailed',
      transient: true,
    });
    expect(describeFailure(new Error('git fetch failed: connection refused'))).toMatchObject({
      reason: 'SourceUnreachable',
      transient: false,
    });
  });
});
