import type { z } from 'zod';
import { REBUILD_ANNOTATION, type docSourceSpec, type docSourceStatus } from '../../api/v1alpha1/doc-source.ts';
import { refreshIntervalMs } from '../../shared/duration.ts';
import type { ObjectMeta } from '../../api/objects.ts';
import { nextCheckAt as nextCheckAtOf, nextCheckIn as nextCheckInOf, type LookFailure, type Polled } from '../check-schedule.ts';
import { mergeConditions, rfc3339 } from '../conditions.ts';

export type { LookFailure } from '../check-schedule.ts';
import type { BuildFailure } from './failures.ts';
import { CONDITION, REASON } from './reasons.ts';

export type DocSourceSpec = z.infer<typeof docSourceSpec>;
export type DocSourceStatus = z.infer<typeof docSourceStatus>;
export interface DocSourceObject {
  metadata: ObjectMeta;
  spec: DocSourceSpec;
  status?: DocSourceStatus;
}

/** The rebuild request not yet honoured, if any (compared by value, so clocks need not agree). */
export function pendingRebuild(source: DocSourceObject): string | undefined {
  const asked = source.metadata.annotations?.[REBUILD_ANNOTATION];
  return asked && asked !== source.status?.rebuildRequest ? asked : undefined;
}

/** The status field recording that this look honoured the request (made or failed, it was tried). */
const honoured = (source: DocSourceObject): { rebuildRequest?: string } => {
  const asked = pendingRebuild(source);
  return asked ? { rebuildRequest: asked } : {};
};

/** What the shared check schedule reads of a DocSource. */
export const polledOf = (source: DocSourceObject): Polled => ({
  intervalMs: refreshIntervalMs(source.spec.refreshInterval),
  generation: source.metadata.generation ?? 1,
  observedGeneration: source.status?.observedGeneration,
  consecutiveFailures: source.status?.consecutiveFailures,
  lastCheckTime: source.status?.lastCheckTime,
  askedNow: pendingRebuild(source) !== undefined,
});

/** How long until a DocSource's source should be looked at (0 = now); see check-schedule.ts. */
export function nextCheckIn(source: DocSourceObject, plannedAt: number | undefined, now: number): number {
  return nextCheckInOf(polledOf(source), plannedAt, now);
}

/** When to look again after this look; see check-schedule.ts. */
export function nextCheckAt(source: DocSourceObject, failure: LookFailure | undefined, now: number): number {
  return nextCheckAtOf(refreshIntervalMs(source.spec.refreshInterval), failure, now);
}

const generationOf = (source: DocSourceObject): number => source.metadata.generation ?? 1;

/**
 * Whether to build: nothing is served, the served build was made from another spec than
 * the current one (even if a build of this spec failed before), or the source moved (a new
 * commit, a new ConfigMap version). A served build recorded without its generation or its
 * digest is rebuilt once, since nothing says which spec it came from or which bytes are it.
 */
export function needsBuild(source: DocSourceObject, revision: string): boolean {
  const site = source.status?.site;
  return (
    !site ||
    !site.digest ||
    site.generation !== generationOf(source) ||
    source.status?.commit !== revision ||
    pendingRebuild(source) !== undefined
  );
}

export interface BuiltSite {
  id: string;
  /** siteDigest of the stored chunks, which readers check. */
  digest: string;
  chunks: number;
  bytes: number;
  siteName: string;
  pageCount: number;
  warnings: string[];
}

/** Status after a successful build: the new build is served, and which spec it came from is kept. */
export function builtStatus(source: DocSourceObject, revision: string, site: BuiltSite, now: Date): DocSourceStatus {
  const generation = generationOf(source);
  return {
    observedGeneration: generation,
    phase: 'Ready',
    siteName: site.siteName,
    commit: revision,
    pageCount: site.pageCount,
    lastBuildTime: rfc3339(now),
    lastCheckTime: rfc3339(now),
    site: { id: site.id, chunks: site.chunks, bytes: site.bytes, digest: site.digest, generation },
    warnings: site.warnings.slice(0, 20),
    ...(source.status?.rebuildRequest ? { rebuildRequest: source.status.rebuildRequest } : {}),
    ...honoured(source),
    conditions: mergeConditions(
      source.status?.conditions,
      builtConditions(site.pageCount, revision, site.warnings.length),
      generation,
      now,
    ),
  };
}

function builtConditions(pageCount: number | undefined, revision: string | undefined, warnings: number) {
  return [
    {
      type: CONDITION.Ready,
      status: 'True' as const,
      reason: REASON.Built,
      message: `${pageCount ?? 0} pages built from ${revision ?? 'the source'}`,
    },
    {
      type: CONDITION.BuildSucceeded,
      status: 'True' as const,
      reason: REASON.Built,
      message: warnings ? `${warnings} warnings; see status.warnings` : 'built without warnings',
    },
  ];
}

/**
 * Status after a failed look (fetch, build or store): the last good build, if any, keeps being
 * served. A failure the author must fix counts in consecutiveFailures, which the backoff (in
 * this process and the next leader) follows; passing trouble does not.
 */
export function failedStatus(
  source: DocSourceObject,
  failure: Pick<BuildFailure, 'reason' | 'message'> & { transient?: boolean },
  now: Date,
): DocSourceStatus {
  const generation = generationOf(source);
  const previous = source.status ?? {};
  const consecutiveFailures = (previous.consecutiveFailures ?? 0) + (failure.transient ? 0 : 1);
  const serving = previous.site;
  const olderSpec = serving && serving.generation !== generation ? ', made before the spec last changed' : '';
  return {
    ...previous,
    // The failure is about this generation; which one the served build came from is in site.generation.
    observedGeneration: generation,
    phase: serving ? 'Ready' : 'Failed',
    lastCheckTime: rfc3339(now),
    ...honoured(source),
    ...(consecutiveFailures ? { consecutiveFailures } : {}),
    conditions: mergeConditions(
      previous.conditions,
      [
        serving
          ? {
              type: CONDITION.Ready,
              status: 'True',
              reason: REASON.ServingLastGoodBuild,
              message: `serving the build of ${previous.commit}${olderSpec}; the latest build failed`,
            }
          : { type: CONDITION.Ready, status: 'False', reason: failure.reason, message: failure.message },
        { type: CONDITION.BuildSucceeded, status: 'False', reason: failure.reason, message: failure.message },
      ],
      generation,
      now,
    ),
  };
}

/**
 * Status after a good look that needed no build, when the last one had failed (the git server
 * or apiserver is back, same commit): the conditions say so again. Undefined when they already
 * do, so a quiet source costs no writes.
 */
export function recoveredStatus(source: DocSourceObject, now: Date): DocSourceStatus | undefined {
  const previous = source.status;
  if (!previous?.site || previous.conditions?.find((c) => c.type === CONDITION.BuildSucceeded)?.status !== 'False') return undefined;
  const generation = generationOf(source);
  const { consecutiveFailures: _over, ...rest } = previous;
  return {
    ...rest,
    observedGeneration: generation,
    phase: 'Ready',
    lastCheckTime: rfc3339(now),
    conditions: mergeConditions(
      previous.conditions,
      builtConditions(previous.pageCount, previous.commit, previous.warnings?.length ?? 0),
      generation,
      now,
    ),
  };
}
