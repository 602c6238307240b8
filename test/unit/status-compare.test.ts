import { describe, expect, it } from '@jest/globals';
import { fieldsOf, sameStatus } from '../../src/controllers/status-compare.ts';

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

  it('when the stored conditions are in another order, then it is the same: conditions are keyed by type', () => {
    const two = [...written.conditions, { ...written.conditions[0]!, type: 'Acyclic', reason: 'NoCycles' }];
    expect(sameStatus({ ...stored, conditions: [...two].reverse() }, { ...written, conditions: two })).toBe(true);
    expect(
      sameStatus({ ...stored, conditions: [...two].reverse() }, { ...written, conditions: [two[0]!, { ...two[1]!, status: 'False' }] }),
    ).toBe(false);
  });

  it('when a list other than conditions is in another order, or lists differ in length, then it is not the same', () => {
    const relations = [
      { type: 'dependsOn', target: 'component:default/a' },
      { type: 'ownedBy', target: 'group:default/team' },
    ];
    expect(sameStatus({ relations }, { relations: [...relations].reverse() })).toBe(false);
    expect(sameStatus({ relations }, { relations: relations.slice(1) })).toBe(false);
  });

  it('when a field is missing on either side, or a value changes type, then it is not the same', () => {
    expect(sameStatus({ ...stored, phase: 'Ready' }, written)).toBe(false);
    expect(sameStatus(stored, { ...written, phase: 'Ready' })).toBe(false);
    expect(sameStatus(stored, { ...written, observedGeneration: '2' })).toBe(false);
    expect(sameStatus(undefined, written)).toBe(false);
    expect(sameStatus({ a: { b: [] } }, { a: {} })).toBe(true);
    expect(sameStatus({ a: null }, { a: {} })).toBe(false);
  });

  it('when another writer owns fields of the stored status, then fieldsOf leaves them out of the comparison', () => {
    const withScores = { ...stored, scorecards: [{ scorecard: 'default/prod', level: 'gold', score: 100 }] };
    expect(sameStatus(withScores, written)).toBe(false);
    expect(sameStatus(fieldsOf(withScores, ['observedGeneration', 'conditions']), written)).toBe(true);
  });
});
