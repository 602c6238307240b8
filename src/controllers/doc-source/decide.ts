import type { z } from 'zod';
import type { docSourceSpec, docSourceStatus } from '../../api/v1alpha1/doc-source.ts';
import type { ObjectMeta } from '../../templates/objects.ts';
import { mergeConditions, rfc3339 } from '../conditions.ts';

export type DocSourceSpec = z.infer<typeof docSourceSpec>;
export type DocSourceStatus = z.infer<typeof docSourceStatus>;
export interface DocSourceObject {
  metadata: ObjectMeta;
  spec: DocSourceSpec;
  status?: DocSourceStatus;
}

export const MIN_REFRESH_MS = 5_000;

/** `1h30m` → 5,400,000; at least 5 s (a look is one git ls-remote), so a typo cannot make the operator hammer a git server. */
export function refreshIntervalMs(text: string | undefined): number {
  let total = 0;
  for (const [, amount, unit] of (text ?? '10m').matchAll(/(\d+)([smh])/g)) total += Number(amount) * { s: 1_000, m: 60_000, h: 3_600_000 }[unit as 's' | 'm' | 'h'];
  return Math.max(MIN_REFRESH_MS, total || 600_000);
}

/**
 * How long until a DocSource's source should be looked at (0 = now): at once when its spec
 * changed since the last attempt or this process has not looked yet, else when the operator
 * planned to (a refresh interval after a look, sooner after a failure).
 */
export function nextCheckIn(source: DocSourceObject, plannedAt: number | undefined, now: number): number {
  if (source.status?.observedGeneration !== (source.metadata.generation ?? 1) || plannedAt === undefined) return 0;
  return Math.max(0, plannedAt - now);
}

/** When to look again: a refresh interval after a look, at most a minute after a failure. */
export function nextCheckAt(source: DocSourceObject, failed: boolean, now: number): number {
  const interval = refreshIntervalMs(source.spec.refreshInterval);
  return now + (failed ? Math.min(interval, 60_000) : interval);
}

/** Whether what the source holds now (a commit, a ConfigMap version) differs from what is served. */
export function needsBuild(source: DocSourceObject, revision: string): boolean {
  return source.status?.observedGeneration !== (source.metadata.generation ?? 1) || !source.status?.site || source.status.commit !== revision;
}

export interface BuiltSite {
  id: string;
  chunks: number;
  bytes: number;
  siteName: string;
  pageCount: number;
  warnings: string[];
}

/** Status after a successful build: the new build is served. */
export function builtStatus(source: DocSourceObject, revision: string, site: BuiltSite, now: Date): DocSourceStatus {
  const generation = source.metadata.generation ?? 1;
  return {
    observedGeneration: generation,
    phase: 'Ready',
    siteName: site.siteName,
    commit: revision,
    pageCount: site.pageCount,
    lastBuildTime: rfc3339(now),
    lastCheckTime: rfc3339(now),
    site: { id: site.id, chunks: site.chunks, bytes: site.bytes },
    warnings: site.warnings.slice(0, 20),
    conditions: mergeConditions(source.status?.conditions, [
      { type: 'Ready', status: 'True', reason: 'Built', message: `${site.pageCount} pages built from ${revision}` },
      { type: 'BuildSucceeded', status: 'True', reason: 'Built', message: site.warnings.length ? `${site.warnings.length} warnings; see status.warnings` : 'built without warnings' },
    ], generation, now),
  };
}

/** Status after a failed fetch or build: the last good build, if any, keeps being served. */
export function failedStatus(source: DocSourceObject, reason: 'FetchFailed' | 'BuildFailed' | 'StoreFailed', message: string, now: Date): DocSourceStatus {
  const generation = source.metadata.generation ?? 1;
  const previous = source.status ?? {};
  const serving = Boolean(previous.site);
  return {
    ...previous,
    // The failure is about this generation; the served build may be from an older one.
    observedGeneration: generation,
    phase: serving ? 'Ready' : 'Failed',
    lastCheckTime: rfc3339(now),
    conditions: mergeConditions(previous.conditions, [
      serving
        ? { type: 'Ready', status: 'True', reason: 'ServingLastGoodBuild', message: `serving the build of ${previous.commit}; the latest build failed` }
        : { type: 'Ready', status: 'False', reason, message },
      { type: 'BuildSucceeded', status: 'False', reason, message: message.slice(0, 4096) },
    ], generation, now),
  };
}
