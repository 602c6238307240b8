import { SYNC_REQUEST_ANNOTATION, type CatalogSourceStatus } from '../../api/v1alpha1/catalog-source.ts';
import type { CatalogSourceObject } from '../../api/objects.ts';
import type { Conflict } from '../../catalog-sources/plan.ts';
import type { SourceProblem } from '../../catalog-sources/provider.ts';
import { refreshIntervalMs } from '../../shared/duration.ts';
import type { Polled } from '../check-schedule.ts';
import { mergeConditions, rfc3339, type ConditionDecision } from '../conditions.ts';
import { CONDITION, REASON } from './reasons.ts';

/** The shortest interval honoured: a check is a git ls-remote or a directory search, not free. */
export const MIN_INTERVAL_MS = 10_000;
/** How many problems the status lists (all are counted). */
export const MAX_LISTED_PROBLEMS = 50;

const generationOf = (source: CatalogSourceObject): number => source.metadata.generation ?? 1;

/** The source's check interval in milliseconds, never under MIN_INTERVAL_MS. */
export const intervalOf = (source: CatalogSourceObject): number =>
  Math.max(MIN_INTERVAL_MS, refreshIntervalMs(source.spec.interval ?? '5m'));

/** The sync request (a verified push, an annotation) not yet honoured, if any; compared by value. */
export function pendingSync(source: CatalogSourceObject): string | undefined {
  const asked = source.metadata.annotations?.[SYNC_REQUEST_ANNOTATION];
  return asked && asked !== source.status?.syncRequest ? asked : undefined;
}

/** The status field recording that this check honoured the request (synced or failed, it was tried). */
const honoured = (source: CatalogSourceObject): { syncRequest?: string } => {
  const asked = pendingSync(source) ?? source.status?.syncRequest;
  return asked ? { syncRequest: asked } : {};
};

/** What the shared check schedule reads of a CatalogSource: a pending sync request asks for now. */
export const polledOf = (source: CatalogSourceObject, askedNow = pendingSync(source) !== undefined): Polled => ({
  intervalMs: intervalOf(source),
  generation: generationOf(source),
  observedGeneration: source.status?.observedGeneration,
  consecutiveFailures: source.status?.consecutiveFailures,
  lastCheckTime: source.status?.lastCheckTime,
  askedNow,
});

/**
 * Whether the source must be read in full: the spec changed, the last sync failed or never
 * happened, the revision moved, or the catalog lost some of what the source holds (an entity
 * deleted by hand comes back at the next check, without waiting for a new commit).
 */
export function needsRead(source: CatalogSourceObject, revision: string | undefined, heldNow: number): boolean {
  const status = source.status;
  const synced = status?.conditions?.find((c) => c.type === CONDITION.Synced)?.status === 'True';
  return (
    !synced ||
    status?.observedGeneration !== generationOf(source) ||
    revision === undefined ||
    status.revision !== revision ||
    status.counts?.entities !== heldNow
  );
}

/** What one sync did, for the status. */
export interface SyncOutcome {
  revision: string;
  held: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  conflicts: Conflict[];
  problems: SourceProblem[];
}

function conflictCondition(conflicts: readonly Conflict[]): ConditionDecision {
  if (conflicts.length === 0)
    return {
      type: CONDITION.Conflicting,
      status: 'False',
      reason: REASON.NoConflicts,
      message: 'no entity of the source is held by anyone else',
    };
  const named = conflicts
    .slice(0, 5)
    .map((c) => `${c.kind} ${c.name} (${c.location}) is held by ${c.holder}`)
    .join('; ');
  const more = conflicts.length > 5 ? `; and ${conflicts.length - 5} more` : '';
  return {
    type: CONDITION.Conflicting,
    status: 'True',
    reason: REASON.Conflicts,
    message: `${named}${more}: left as they are; remove them or the source's definitions, or label them greenroom.dev/catalog-source to hand them over`,
  };
}

/** Status after a sync that brought the catalog in step (some files may not have converted: they are listed). */
export function syncedStatus(source: CatalogSourceObject, outcome: SyncOutcome, now: Date): CatalogSourceStatus {
  const generation = generationOf(source);
  const problems = outcome.problems.length;
  const summary = `${outcome.held} entities from ${outcome.revision}`;
  const synced: ConditionDecision = problems
    ? {
        type: CONDITION.Synced,
        status: 'True',
        reason: REASON.SyncedWithProblems,
        message: `${summary}; ${problems} files or records could not be converted (status.problems)`,
      }
    : { type: CONDITION.Synced, status: 'True', reason: REASON.Synced, message: summary };
  return {
    observedGeneration: generation,
    revision: outcome.revision,
    lastCheckTime: rfc3339(now),
    lastSyncTime: rfc3339(now),
    counts: {
      entities: outcome.held,
      created: outcome.created,
      updated: outcome.updated,
      deleted: outcome.deleted,
      unchanged: outcome.unchanged,
      conflicts: outcome.conflicts.length,
    },
    problems: outcome.problems.slice(0, MAX_LISTED_PROBLEMS),
    problemCount: problems,
    ...honoured(source),
    conditions: mergeConditions(
      source.status?.conditions,
      [{ ...synced, type: CONDITION.Ready }, synced, conflictCondition(outcome.conflicts)],
      generation,
      now,
    ),
  };
}

/** Status after a check that found the source where the last sync left it: only the time of the check moves. */
export function checkedStatus(source: CatalogSourceObject, now: Date): CatalogSourceStatus {
  return { ...source.status, lastCheckTime: rfc3339(now), ...honoured(source) };
}

/** A check that failed, as the status tells it. */
export interface CheckFailure {
  reason: (typeof REASON)[keyof typeof REASON];
  message: string;
  /** Passing trouble (the apiserver busy): retried within seconds, and not counted in the status. */
  transient: boolean;
}

/**
 * Status after a failed check: the catalog keeps what the last sync wrote (nothing is
 * deleted because a source could not be read), and Ready says so while there was one.
 */
export function failedStatus(source: CatalogSourceObject, failure: CheckFailure, now: Date): CatalogSourceStatus {
  const generation = generationOf(source);
  const previous = source.status;
  const kept = previous?.lastSyncTime !== undefined;
  const failed = { status: 'False' as const, reason: failure.reason, message: failure.message };
  return {
    ...previous,
    observedGeneration: generation,
    lastCheckTime: rfc3339(now),
    consecutiveFailures: failure.transient ? (previous?.consecutiveFailures ?? 0) : (previous?.consecutiveFailures ?? 0) + 1,
    ...honoured(source),
    conditions: mergeConditions(
      previous?.conditions,
      [
        kept
          ? {
              type: CONDITION.Ready,
              status: 'True',
              reason: failure.reason,
              message: `the catalog keeps the sync of ${previous?.revision ?? 'the source'}; the latest check failed: ${failure.message}`,
            }
          : { type: CONDITION.Ready, ...failed },
        { type: CONDITION.Synced, ...failed },
        ...(previous?.conditions?.filter((c) => c.type === CONDITION.Conflicting) ?? []),
      ],
      generation,
      now,
    ),
  };
}

/** Status of a suspended source: nothing is checked, written or deleted until it is resumed. */
export function suspendedStatus(source: CatalogSourceObject, now: Date): CatalogSourceStatus {
  const generation = generationOf(source);
  const message = 'spec.suspend is true: the catalog keeps what the last sync wrote, and nothing is checked';
  return {
    ...source.status,
    observedGeneration: generation,
    conditions: mergeConditions(
      source.status?.conditions,
      [
        { type: CONDITION.Ready, status: 'True', reason: REASON.Suspended, message },
        { type: CONDITION.Synced, status: 'False', reason: REASON.Suspended, message },
      ],
      generation,
      now,
    ),
  };
}
