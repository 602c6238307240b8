import { describe, expect, it } from '@jest/globals';
import { sameStatus } from '../../src/controllers/status-compare.ts';

describe('comparing a status about to be written with the stored one', () => {
  const written = {
    observedGeneration: 2,
    conditions: [
      { type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: '2026-11-24T10:00:00Z', reason: 'Valid', message: 'ok' },
    ],
  };
  // What server-side apply returns: every object's keys sorted by name.
  const stored = {
    conditions: [
      { lastTransitionTime: '2026-11-24T10:00:00Z', message: 'ok', observedGeneration: 2, reason: 'Valid', status: 'True', type: 'Ready' },
    ],
    observedGeneration: 2,
  };

  it('when the stored status has its keys in another order, then it is the same', () => {
    expect(sameStatus(stored, written)).toBe(true);
  });

  it('when a field left out or written empty is absent from the stored copy, then it is the same', () => {
    expect(sameStatus(stored, { ...written, invalidRules: [], note: undefined })).toBe(true);
  });

  it('when a value differs, or the lists are in another order, then it is not the same', () => {
    expect(sameStatus(stored, { ...written, observedGeneration: 3 })).toBe(false);
    expect(sameStatus(stored, { ...written, conditions: [{ ...written.conditions[0]!, message: 'changed' }] })).toBe(false);
    expect(sameStatus({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
