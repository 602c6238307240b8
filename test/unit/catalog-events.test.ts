import { describe, expect, it } from '@jest/globals';
import type { EntityStatus } from '../../src/api/v1alpha1/index.ts';
import { readinessEvent } from '../../src/controllers/catalog/events.ts';

const status = (ready: 'True' | 'False', reason: string, message = 'm'): EntityStatus => ({
  conditions: [{ type: 'Ready', status: ready, reason, message, lastTransitionTime: '2026-11-24T10:00:00Z' }],
});

describe('readiness events', () => {
  it('when a first status is Ready, then no event is recorded (a cold start stays quiet)', () => {
    expect(readinessEvent(undefined, status('True', 'Resolved'))).toBeUndefined();
  });

  it('when an entity stops being Ready, then a Warning carries the reason and message', () => {
    expect(
      readinessEvent(status('True', 'Resolved'), status('False', 'DanglingReference', 'spec.owner: group:x/y does not exist')),
    ).toEqual({
      type: 'Warning',
      reason: 'DanglingReference',
      message: 'spec.owner: group:x/y does not exist',
    });
  });

  it('when an entity starts out not Ready, then a Warning is recorded', () => {
    expect(readinessEvent(undefined, status('False', 'DependencyCycle'))?.type).toBe('Warning');
  });

  it('when it recovers, then a Normal event says it is Ready again', () => {
    expect(readinessEvent(status('False', 'DanglingReference'), status('True', 'Resolved', 'fine'))).toEqual({
      type: 'Normal',
      reason: 'Resolved',
      message: 'Ready again: fine',
    });
  });

  it('when nothing about readiness changed, then no event is recorded', () => {
    expect(readinessEvent(status('False', 'DanglingReference', 'a'), status('False', 'DanglingReference', 'b'))).toBeUndefined();
  });
});
