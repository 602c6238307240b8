import type { Condition } from '../api/v1alpha1/index.ts';

/**
 * Longest condition message written. metav1.Condition allows 32768 characters and the
 * apiserver rejects the whole status write beyond that; a few kilobytes already name dozens
 * of targets, and `kubectl describe` stays readable. The read API lists every one.
 */
export const MAX_MESSAGE_LENGTH = 4096;

/**
 * Joins problems with "; " up to `limit` characters (default {@link MAX_MESSAGE_LENGTH}), ending with "… and N more" when
 * some had to be left out, so that one entity with a thousand bad references still gets a
 * status (its write would otherwise be rejected and retried forever).
 */
export function listProblems(problems: readonly string[], limit: number = MAX_MESSAGE_LENGTH): string {
  const all = problems.join('; ');
  if (all.length <= limit) return all;
  // Room for the longest possible tail, so that whatever N is, the total fits.
  const budget = limit - `; … and ${problems.length} more`.length;
  let message = '';
  let shown = 0;
  for (const problem of problems) {
    const next = shown === 0 ? problem : `${message}; ${problem}`;
    if (next.length > budget) break;
    message = next;
    shown++;
  }
  // A single problem longer than the budget is cut rather than dropped, so the message still says what is wrong.
  if (shown === 0) return `${(problems[0] ?? '').slice(0, budget - 1)}… and ${problems.length - 1} more`;
  return `${message}; … and ${problems.length - shown} more`;
}

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
 * generation the decision was made for. Every message is cut at {@link MAX_MESSAGE_LENGTH}:
 * whatever a decision quotes (git's words, a Job's last line), the status write is never
 * refused for it. Callers that want a shorter message or a tail of their own cut first.
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
    return {
      type: d.type,
      status: d.status,
      observedGeneration: generation,
      lastTransitionTime,
      reason: d.reason,
      message: d.message.slice(0, MAX_MESSAGE_LENGTH),
    };
  });
}

/** metav1.Time: RFC 3339 in UTC with second precision, as the apiserver stores it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
