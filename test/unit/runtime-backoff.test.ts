import { describe, expect, it } from '@jest/globals';
import { exponentialDelay, jitteredDelay } from '../../src/runtime/backoff.ts';

const policy = { initialMs: 5, maxMs: 1000 };

describe('backoff', () => {
  it('when attempts grow, then the delay doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 7, 8, 500].map((attempt) => exponentialDelay(attempt, policy))).toEqual([5, 10, 20, 40, 640, 1000, 1000]);
  });

  it('when jittered, then the delay lies between half and all of the exponential delay', () => {
    expect(jitteredDelay(3, policy, () => 0)).toBe(20);
    expect(jitteredDelay(3, policy, () => 0.999999)).toBeCloseTo(40, 3);
    expect(jitteredDelay(50, policy, () => 1)).toBe(1000);
  });
});
