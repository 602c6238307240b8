import { describe, expect, it } from '@jest/globals';
import { builtStatus, failedStatus, needsBuild, nextCheckAt, nextCheckIn, refreshIntervalMs, type DocSourceObject } from '../../src/controllers/doc-source/decide.ts';

const now = new Date('2026-11-24T10:00:00Z');
const source = (status?: DocSourceObject['status'], generation = 2): DocSourceObject => ({
  metadata: { name: 'orders-docs', namespace: 'team-a', uid: 'u', generation },
  spec: { entityRef: 'orders', source: { git: { url: 'https://git.example/orders.git' } }, refreshInterval: '1m30s' },
  ...(status ? { status } : {}),
});
const served = { observedGeneration: 2, phase: 'Ready' as const, commit: 'aaa', site: { id: 'site1', chunks: 1, bytes: 10 } };

describe('when to look at a DocSource and what to say about it', () => {
  it('when a refresh interval is written like a Go duration, then it is read, and too short ones are raised to 5 s', () => {
    expect(refreshIntervalMs('1h30m')).toBe(5_400_000);
    expect(refreshIntervalMs('1m30s')).toBe(90_000);
    expect(refreshIntervalMs('1s')).toBe(5_000);
    expect(refreshIntervalMs(undefined)).toBe(600_000);
  });

  it('when the spec changed or this process has not looked yet, then at once; otherwise when planned', () => {
    expect(nextCheckIn(source(served, 3), now.getTime() + 60_000, now.getTime())).toBe(0);
    expect(nextCheckIn(source(served), undefined, now.getTime())).toBe(0);
    expect(nextCheckIn(source(served), now.getTime() + 60_000, now.getTime())).toBe(60_000);
    expect(nextCheckAt(source(served), false, 0)).toBe(90_000);
    expect(nextCheckAt(source(served), true, 0)).toBe(60_000);
  });

  it('when the source moved, the spec changed or nothing is served, then it is built', () => {
    expect(needsBuild(source(served), 'aaa')).toBe(false);
    expect(needsBuild(source(served), 'bbb')).toBe(true);
    expect(needsBuild(source(served, 3), 'aaa')).toBe(true);
    expect(needsBuild(source(), 'aaa')).toBe(true);
  });

  it('when a build fails with a build served, then it stays Ready serving it, and BuildSucceeded says why', () => {
    const status = failedStatus(source(served), 'BuildFailed', 'no Markdown page', now);
    expect(status).toMatchObject({ phase: 'Ready', commit: 'aaa', site: served.site });
    expect(status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'ServingLastGoodBuild' }),
      expect.objectContaining({ type: 'BuildSucceeded', status: 'False', reason: 'BuildFailed', message: 'no Markdown page' }),
    ]);
  });

  it('when a first build fails, then it is Failed with the reason', () => {
    expect(failedStatus(source(), 'FetchFailed', 'git ls-remote failed', now)).toMatchObject({ phase: 'Failed', conditions: [expect.objectContaining({ type: 'Ready', status: 'False', reason: 'FetchFailed' }), expect.anything()] });
  });

  it('when a build succeeds, then the new build is served and recorded', () => {
    const status = builtStatus(source(), 'ccc', { id: 'site2', chunks: 2, bytes: 2000, siteName: 'Orders', pageCount: 7, warnings: ['x'] }, now);
    expect(status).toMatchObject({ phase: 'Ready', commit: 'ccc', pageCount: 7, siteName: 'Orders', lastBuildTime: '2026-11-24T10:00:00Z', site: { id: 'site2', chunks: 2, bytes: 2000 }, warnings: ['x'] });
  });
});
