/** Exponential backoff bounds: the first delay and the cap. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** `initialMs × 2^attempt`, capped at `maxMs` (attempt 0 is the first retry). */
export function exponentialDelay(attempt: number, policy: BackoffPolicy): number {
  // Past 2^52 the product is no longer exact and far beyond any cap anyway.
  const factor = 2 ** Math.min(Math.max(attempt, 0), 52);
  return Math.min(policy.initialMs * factor, policy.maxMs);
}

/**
 * {@link exponentialDelay} with "equal jitter": half the delay fixed, half random. Replicas
 * that lost the apiserver at the same moment then do not all come back at the same moment,
 * and the delay never drops below half of what backoff asks for.
 */
export function jitteredDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const delay = exponentialDelay(attempt, policy);
  return delay / 2 + random() * (delay / 2);
}
