/** The shortest interval a duration field can ask for: a look is one git ls-remote or one rule evaluation. */
export const MIN_REFRESH_MS = 5_000;

/** `1h30m` → 5,400,000; at least 5 s (a look is one git ls-remote), so a typo cannot make the operator hammer a git server. */
export function refreshIntervalMs(text: string | undefined): number {
  let total = 0;
  for (const [, amount, unit] of (text ?? '10m').matchAll(/(\d+)([smh])/g))
    total += Number(amount) * { s: 1_000, m: 60_000, h: 3_600_000 }[unit as 's' | 'm' | 'h'];
  return Math.max(MIN_REFRESH_MS, total || 600_000);
}
