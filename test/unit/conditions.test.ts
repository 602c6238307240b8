import { describe, expect, it } from '@jest/globals';
import { MAX_MESSAGE_LENGTH, mergeConditions } from '../../src/controllers/conditions.ts';

const now = new Date('2026-11-24T10:00:00Z');

describe('merging condition decisions into a status', () => {
  it('when a decision quotes a message longer than a status takes, then it is cut at the shared limit', () => {
    const [ready] = mergeConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'x'.repeat(40_000) }],
      3,
      now,
    );
    expect(ready!.message).toBe('x'.repeat(MAX_MESSAGE_LENGTH));
  });

  it('when a message fits, then it is written as it was decided', () => {
    const message = 'y'.repeat(MAX_MESSAGE_LENGTH);
    expect(mergeConditions(undefined, [{ type: 'Ready', status: 'True', reason: 'Built', message }], 1, now)[0]!.message).toBe(message);
  });

  it('when a condition keeps its status, then its transition time is kept; when it flips, it is now', () => {
    const before = [
      {
        type: 'Ready',
        status: 'True' as const,
        reason: 'Built',
        message: 'ok',
        observedGeneration: 1,
        lastTransitionTime: '2026-11-01T00:00:00Z',
      },
    ];
    expect(mergeConditions(before, [{ type: 'Ready', status: 'True', reason: 'Built', message: 'still ok' }], 2, now)[0]).toMatchObject({
      lastTransitionTime: '2026-11-01T00:00:00Z',
      observedGeneration: 2,
    });
    expect(mergeConditions(before, [{ type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'no' }], 2, now)[0]).toMatchObject({
      lastTransitionTime: '2026-11-24T10:00:00Z',
    });
  });
});
