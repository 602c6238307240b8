import { describe, expect, it } from '@jest/globals';
import { MAX_MESSAGE_LENGTH } from '../../src/controllers/conditions.ts';
import { REBUILD_ANNOTATION } from '../../src/api/v1alpha1/doc-source.ts';
import {
  builtStatus,
  failedStatus,
  needsBuild,
  nextCheckAt,
  nextCheckIn,
  recoveredStatus,
  type DocSourceObject,
} from '../../src/controllers/doc-source/decide.ts';

const now = new Date('2026-11-24T10:00:00Z');
const source = (status?: DocSourceObject['status'], generation = 2): DocSourceObject => ({
  metadata: { name: 'orders-docs', namespace: 'team-a', uid: 'u', generation },
  spec: { entityRef: 'orders', source: { git: { url: 'https://git.example/orders.git' } }, refreshInterval: '1m30s' },
  ...(status ? { status } : {}),
});
const served = {
  observedGeneration: 2,
  phase: 'Ready' as const,
  commit: 'aaa',
  pageCount: 3,
  site: { id: 'site1', digest: 'c'.repeat(64), chunks: 1, bytes: 10, generation: 2 },
};

describe('when to look at a DocSource and what to say about it', () => {
  it('when the spec changed or this process has not looked yet, then at once; otherwise when planned', () => {
    expect(nextCheckIn(source(served, 3), now.getTime() + 60_000, now.getTime())).toBe(0);
    expect(nextCheckIn(source(served), undefined, now.getTime())).toBe(0);
    expect(nextCheckIn(source(served), now.getTime() + 60_000, now.getTime())).toBe(60_000);
    expect(nextCheckAt(source(served), undefined, 0)).toBe(90_000);
    expect(nextCheckAt(source(served), { transient: false, inARow: 1 }, 0)).toBe(60_000);
  });

  it('when someone asks for a rebuild (the annotation), then it is looked at and built at once, once: the status records the request honoured, built or failed', () => {
    const asked = (status: DocSourceObject['status'], at = '2026-11-24T09:59:00Z'): DocSourceObject => ({
      ...source(status),
      metadata: { ...source(status).metadata, annotations: { [REBUILD_ANNOTATION]: at } },
    });
    const site = { id: 'site2', digest: 'd'.repeat(64), chunks: 1, bytes: 10, siteName: 'Orders', pageCount: 3, warnings: [] };
    expect(nextCheckIn(asked(served), now.getTime() + 60_000, now.getTime())).toBe(0);
    expect(needsBuild(asked(served), 'aaa')).toBe(true);
    const built = builtStatus(asked(served), 'aaa', site, now);
    expect(built.rebuildRequest).toBe('2026-11-24T09:59:00Z');
    expect(needsBuild(asked(built), 'aaa')).toBe(false);
    expect(nextCheckIn(asked(built), now.getTime() + 60_000, now.getTime())).toBe(60_000);
    // A failed attempt honoured it too, so a failing build is not re-run in a loop.
    const failed = failedStatus(asked(served), { reason: 'BuildFailed', message: 'x' }, now);
    expect(needsBuild(asked(failed), 'aaa')).toBe(false);
    // A later request is a new one; the value, not a clock, tells them apart.
    expect(needsBuild(asked(built, '2026-11-24T09:59:30Z'), 'aaa')).toBe(true);
    expect(builtStatus(source(built), 'aaa', site, now).rebuildRequest).toBe('2026-11-24T09:59:00Z');
  });

  it('when the apiserver is busy or down, then the next look comes after 1 s, doubling with each failure in a row up to a minute', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 30].map((inARow) => nextCheckAt(source(served), { transient: true, inARow }, 0));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    // Never later than the refresh interval.
    expect(
      nextCheckAt({ ...source(served), spec: { ...source(served).spec, refreshInterval: '5s' } }, { transient: true, inARow: 9 }, 0),
    ).toBe(5_000);
  });

  it('when the source moved, the spec changed or nothing is served, then it is built', () => {
    expect(needsBuild(source(served), 'aaa')).toBe(false);
    expect(needsBuild(source(served), 'bbb')).toBe(true);
    expect(needsBuild(source(served, 3), 'aaa')).toBe(true);
    expect(needsBuild(source(), 'aaa')).toBe(true);
    // A build recorded without its digest cannot be checked by readers: it is made again.
    expect(needsBuild(source({ ...served, site: { id: 'site1', chunks: 1, bytes: 10, generation: 2 } }), 'aaa')).toBe(true);
  });

  it('when the first build after a spec change fails, then the next look still builds the new spec, though observedGeneration caught up', () => {
    const changed = source(served, 3);
    const afterFailure: DocSourceObject = {
      ...changed,
      status: failedStatus(changed, { reason: 'FetchFailed', message: 'Secret docs-git could not be read: 503; retrying' }, now),
    };
    expect(afterFailure.status?.observedGeneration).toBe(3);
    expect(afterFailure.status?.site?.generation).toBe(2);
    // The look after the failure comes when planned, not at once, and it builds, at the same commit.
    expect(nextCheckIn(afterFailure, now.getTime() + 1_000, now.getTime())).toBe(1_000);
    expect(needsBuild(afterFailure, 'aaa')).toBe(true);
    expect(afterFailure.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      'serving the build of aaa, made before the spec last changed; the latest build failed',
    );
    const rebuilt: DocSourceObject = {
      ...changed,
      status: builtStatus(
        afterFailure,
        'aaa',
        { id: 'site2', digest: 'd'.repeat(64), chunks: 1, bytes: 10, siteName: 'Orders', pageCount: 3, warnings: [] },
        now,
      ),
    };
    expect(rebuilt.status?.site?.generation).toBe(3);
    expect(needsBuild(rebuilt, 'aaa')).toBe(false);
  });

  it('when a served build does not record its generation (an older operator built it), then it is rebuilt once', () => {
    expect(needsBuild(source({ ...served, site: { id: 'site1', chunks: 1, bytes: 10 } }), 'aaa')).toBe(true);
  });

  it('when a look succeeds after a failed one without needing a build, then the conditions say Built again; after a quiet look nothing is written', () => {
    const failed: DocSourceObject = {
      ...source(served),
      status: failedStatus(source(served), { reason: 'FetchFailed', message: 'git ls-remote failed: connection refused' }, now),
    };
    const later = new Date(now.getTime() + 60_000);
    const recovered = recoveredStatus(failed, later)!;
    expect(recovered).toMatchObject({ phase: 'Ready', commit: 'aaa', site: served.site, lastCheckTime: '2026-11-24T10:01:00Z' });
    expect(recovered.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Built', message: '3 pages built from aaa' }),
      expect.objectContaining({ type: 'BuildSucceeded', status: 'True', reason: 'Built', lastTransitionTime: '2026-11-24T10:01:00Z' }),
    ]);
    expect(recoveredStatus({ ...failed, status: recovered }, later)).toBeUndefined();
    expect(recoveredStatus(source(), later)).toBeUndefined();
  });

  it('when a build fails with a build served, then it stays Ready serving it, and BuildSucceeded says why', () => {
    const status = failedStatus(source(served), { reason: 'BuildFailed', message: 'no Markdown page' }, now);
    expect(status).toMatchObject({ phase: 'Ready', commit: 'aaa', site: served.site });
    expect(status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'ServingLastGoodBuild' }),
      expect.objectContaining({ type: 'BuildSucceeded', status: 'False', reason: 'BuildFailed', message: 'no Markdown page' }),
    ]);
  });

  it('when a first build fails, then it is Failed with the reason', () => {
    expect(failedStatus(source(), { reason: 'FetchFailed', message: 'git ls-remote failed' }, now)).toMatchObject({
      phase: 'Failed',
      conditions: [expect.objectContaining({ type: 'Ready', status: 'False', reason: 'FetchFailed' }), expect.anything()],
    });
  });

  it('when a failure says more than a status takes, then both conditions carry it cut to the shared limit', () => {
    const status = failedStatus(source(), { reason: 'FetchFailed', message: `git ls-remote failed: ${'x'.repeat(40_000)}` }, now);
    expect(status.conditions?.map((c) => c.message.length)).toEqual([MAX_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH]);
    expect(status.conditions?.[1]?.message).toMatch(/^git ls-remote failed: x+$/);
  });

  it('when a build succeeds, then the new build is served and recorded', () => {
    const status = builtStatus(
      source(),
      'ccc',
      { id: 'site2', digest: 'd'.repeat(64), chunks: 2, bytes: 2000, siteName: 'Orders', pageCount: 7, warnings: ['x'] },
      now,
    );
    expect(status).toMatchObject({
      phase: 'Ready',
      commit: 'ccc',
      pageCount: 7,
      siteName: 'Orders',
      lastBuildTime: '2026-11-24T10:00:00Z',
      site: { id: 'site2', digest: 'd'.repeat(64), chunks: 2, bytes: 2000, generation: 2 },
      warnings: ['x'],
    });
  });

  it('when builds keep failing in a way the author must fix, then each next look waits twice as long as the one before, up to 30 minutes', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((inARow) => nextCheckAt(source(served), { transient: false, inARow }, 0));
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000]);
  });

  it('when failures the author must fix follow each other, then the status counts them, passing trouble does not, and a good look clears the count', () => {
    const once: DocSourceObject = {
      ...source(served),
      status: failedStatus(source(served), { reason: 'LimitExceeded', message: 'too big', transient: false }, now),
    };
    const twice: DocSourceObject = {
      ...once,
      status: failedStatus(once, { reason: 'LimitExceeded', message: 'too big', transient: false }, now),
    };
    expect(twice.status?.consecutiveFailures).toBe(2);
    expect(failedStatus(twice, { reason: 'FetchFailed', message: '503; retrying', transient: true }, now).consecutiveFailures).toBe(2);
    expect(recoveredStatus(twice, now)?.consecutiveFailures).toBeUndefined();
    expect(
      builtStatus(
        twice,
        'bbb',
        { id: 'site2', digest: 'd'.repeat(64), chunks: 1, bytes: 10, siteName: 'Orders', pageCount: 3, warnings: [] },
        now,
      ).consecutiveFailures,
    ).toBeUndefined();
  });

  it('when a new leader (no look planned yet) finds failures counted in the status, then it waits out their backoff from the last look instead of building at once', () => {
    const failing: DocSourceObject = source({ ...served, consecutiveFailures: 3, lastCheckTime: '2026-11-24T10:00:00Z' });
    // Third failure in a row: 4 minutes after the last look.
    expect(nextCheckIn(failing, undefined, now.getTime() + 60_000)).toBe(180_000);
    expect(nextCheckIn(failing, undefined, now.getTime() + 300_000)).toBe(0);
    // A spec change is looked at at once, failures or not.
    expect(
      nextCheckIn(source({ ...served, consecutiveFailures: 3, lastCheckTime: '2026-11-24T10:00:00Z' }, 3), undefined, now.getTime()),
    ).toBe(0);
  });
});
