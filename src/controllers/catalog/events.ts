import type { EntityStatus } from '../../api/v1alpha1/index.ts';
import type { EventRecord } from '../../kube/events.ts';
import { CONDITION } from './reasons.ts';

const readyOf = (status: EntityStatus | undefined) => status?.conditions?.find((c) => c.type === CONDITION.Ready);

/**
 * The Event a person should see when an entity's readiness changes: a Warning when it stops
 * being Ready (or starts out not Ready), a Normal one when it recovers. A first status that
 * is simply Ready says nothing — a cold start of ten thousand entities must not write ten
 * thousand events.
 */
export function readinessEvent(previous: EntityStatus | undefined, desired: EntityStatus): EventRecord | undefined {
  const before = readyOf(previous);
  const after = readyOf(desired);
  if (!after || (before?.status === after.status && before.reason === after.reason)) return undefined;
  if (after.status === 'False') return { type: 'Warning', reason: after.reason, message: after.message };
  if (after.status === 'True' && before?.status === 'False') {
    return { type: 'Normal', reason: after.reason, message: `Ready again: ${after.message}` };
  }
  return undefined;
}
