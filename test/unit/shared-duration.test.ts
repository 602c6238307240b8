import { describe, expect, it } from '@jest/globals';
import { refreshIntervalMs } from '../../src/shared/duration.ts';

describe('durations written in YAML (DocSource refreshInterval, Scorecard evaluationInterval)', () => {
  it('when a refresh interval is written like a Go duration, then it is read, and too short ones are raised to 5 s', () => {
    expect(refreshIntervalMs('1h30m')).toBe(5_400_000);
    expect(refreshIntervalMs('1m30s')).toBe(90_000);
    expect(refreshIntervalMs('1s')).toBe(5_000);
    expect(refreshIntervalMs(undefined)).toBe(600_000);
  });
});
