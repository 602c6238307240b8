import { describe, expect, it } from '@jest/globals';
import { matchesSelector } from '../../src/controllers/runtime-view/selector.ts';

const labels = { app: 'orders', tier: 'api', track: 'stable' };

describe('which Pods a workload selects', () => {
  it('when every matchLabels pair is on the Pod, then it is selected, and when one differs or is missing, then it is not', () => {
    expect(matchesSelector({ matchLabels: { app: 'orders', tier: 'api' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'carts' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { app: 'orders', zone: 'a' } }, labels)).toBe(false);
  });

  it('when matchExpressions use In, NotIn, Exists and DoesNotExist, then each reads as the apiserver reads it', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'web'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['stable'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('when matchLabels and matchExpressions are both given, then the Pod must meet both', () => {
    const selector = { matchLabels: { app: 'orders' }, matchExpressions: [{ key: 'track', operator: 'In' as const, values: ['canary'] }] };
    expect(matchesSelector(selector, labels)).toBe(false);
    expect(matchesSelector(selector, { ...labels, track: 'canary' })).toBe(true);
  });

  it('when the selector is missing, empty or has an unknown operator, then it selects no Pod at all', () => {
    expect(matchesSelector(undefined, labels)).toBe(false);
    expect(matchesSelector({}, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: {}, matchExpressions: [] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Near' as 'In', values: ['orders'] }] }, labels)).toBe(false);
  });
});
