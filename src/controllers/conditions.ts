import type { Condition } from '../api/v1alpha1/index.ts';

/** What a controller decides about one condition; times are filled in by {@link mergeConditions}. */
export interface ConditionDecision {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * Builds the condition list from decisions, keeping `lastTransitionTime` of a condition
 * whose status did not flip (kstatus and `kubectl wait` rely on that), and stamping the
 * generation the decision was made for.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  decisions: readonly ConditionDecision[],
  generation: number,
  now: Date,
): Condition[] {
  return decisions.map((d) => {
    const before = previous?.find((c) => c.type === d.type);
    const lastTransitionTime = before && before.status === d.status ? before.lastTransitionTime : rfc3339(now);
    return { type: d.type, status: d.status, observedGeneration: generation, lastTransitionTime, reason: d.reason, message: d.message };
  });
}

/** metav1.Time: RFC 3339 in UTC with second precision, as the apiserver stores it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
