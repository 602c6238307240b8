import { API_VERSION } from '../../api/v1alpha1/group-version.ts';
import type { CatalogSourceObject } from '../../api/objects.ts';
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import { SOURCE_LABEL } from '../../api/v1alpha1/catalog-source.ts';
import { planSync, type CatalogEntry } from '../../catalog-sources/plan.ts';
import type { CatalogProvider } from '../../catalog-sources/provider.ts';
import { isTransientApiError } from '../../kube/raw-client.ts';
import type { Logger } from '../../observability/logger.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { splitKey } from '../../runtime/controller.ts';
import type { Source } from '../../runtime/source.ts';
import type { WorkResult } from '../../runtime/work-queue.ts';
import { CheckPlans } from '../check-schedule.ts';
import { ApiUnavailableError, SourceConfigError } from '../named-secrets.ts';
import {
  checkedStatus,
  failedStatus,
  intervalOf,
  needsRead,
  pendingSync,
  polledOf,
  suspendedStatus,
  syncedStatus,
  type CheckFailure,
} from './decide.ts';
import { REASON } from './reasons.ts';
import { carryOut, fieldManagerOf } from './sync.ts';

/**
 * Makes the provider for a source (reading the Secrets it names). Rejects with
 * SourceConfigError when the source cannot be used as written (a kind this operator has no
 * provider for, a missing Secret, a namespace it may not read).
 */
export type ProviderFor = (source: CatalogSourceObject) => Promise<CatalogProvider>;

export interface CatalogSourceReconcilerOptions {
  sources: Source<CatalogSourceObject>;
  providerFor: ProviderFor;
  /** The catalog entities of a namespace, as the replica's read model holds them. */
  entriesIn: (namespace: string) => CatalogEntry[];
  /** Longest a check (read and writes) may take before it is abandoned and retried. */
  checkTimeoutMs: number;
  /** Writes in flight at once per sync. */
  writeConcurrency: number;
}

/**
 * The leader's look at one CatalogSource (the I/O shell around decide.ts and the plan):
 * when its check is due, asks the provider whether the source moved, reads it when it did
 * (or when the catalog lost some of its entities), plans and carries out the sync, and writes
 * what happened. Every failure ends as a condition and a backoff, and deletes nothing; only
 * a status write the apiserver refuses is thrown, for the queue to retry.
 */
export class CatalogSourceReconciler {
  private readonly plans = new CheckPlans();
  /** Sources a signed push asked to check now. */
  private readonly pushed = new Set<string>();
  private readonly log: Logger;
  private readonly context: ControllerContext;
  private readonly options: CatalogSourceReconcilerOptions;

  constructor(context: ControllerContext, options: CatalogSourceReconcilerOptions) {
    this.context = context;
    this.options = options;
    this.log = context.logger.child({ component: 'catalog-sources' });
  }

  /** A push webhook verified for this source: its next look is now. */
  askNow(key: string): void {
    this.pushed.add(key);
  }

  async reconcile(k: string): Promise<WorkResult> {
    const { namespace, name } = splitKey(k);
    const source = this.options.sources.get(namespace, name);
    if (!source) {
      this.forget(k);
      return 'done';
    }
    const now = nowOf(this.context);
    if (source.spec.suspend) {
      this.forget(k);
      await this.writeStatus(source, suspendedStatus(source, now));
      return 'done';
    }
    const wait = this.plans.waitFor(k, polledOf(source, this.pushed.has(k) || pendingSync(source) !== undefined), now.getTime());
    if (wait > 0) return { requeueAfter: wait };
    this.pushed.delete(k);
    const failure = await this.check(source, now);
    return { requeueAfter: this.plans.planAfter(k, failure, source.status?.consecutiveFailures ?? 0, intervalOf(source), now.getTime()) };
  }

  private forget(k: string): void {
    this.plans.forget(k);
    this.pushed.delete(k);
  }

  private async check(source: CatalogSourceObject, now: Date): Promise<CheckFailure | undefined> {
    const { namespace, name } = source.metadata;
    try {
      await this.sync(source, now);
      return undefined;
    } catch (error) {
      const failure = describeFailure(error);
      this.log.warn(
        { catalogsource: `${namespace}/${name}`, reason: failure.reason, message: failure.message },
        'catalog source check failed',
      );
      await this.writeStatus(source, failedStatus(source, failure, now));
      return failure;
    }
  }

  private async sync(source: CatalogSourceObject, now: Date): Promise<void> {
    const { namespace, name, uid } = source.metadata;
    const signal = AbortSignal.timeout(this.options.checkTimeoutMs);
    const provider = await this.options.providerFor(source);
    const current = this.options.entriesIn(namespace);
    const heldNow = current.filter((entry) => entry.labels?.[SOURCE_LABEL] === name).length;
    const revision = provider.currentRevision ? await provider.currentRevision(signal) : undefined;
    if (!needsRead(source, revision, heldNow)) {
      await this.writeStatus(source, checkedStatus(source, now));
      return;
    }
    const snapshot = await provider.read(signal);
    const plan = planSync({ namespace, name }, snapshot, current);
    const writes = await carryOut(plan, {
      client: this.context.client,
      namespace,
      fieldManager: fieldManagerOf(name),
      owner: { apiVersion: API_VERSION, kind: 'CatalogSource', name, uid: uid ?? '' },
      concurrency: this.options.writeConcurrency,
      signal,
    });
    const outcome = {
      revision: snapshot.revision,
      held: plan.held - writes.refusedCreates,
      created: writes.created,
      updated: writes.updated,
      deleted: writes.deleted,
      unchanged: plan.unchanged,
      conflicts: [...plan.conflicts, ...writes.conflicts],
      problems: [...plan.problems, ...writes.problems],
    };
    await this.writeStatus(source, syncedStatus(source, outcome, now));
    this.log.info(
      { catalogsource: `${namespace}/${name}`, ...outcome, conflicts: outcome.conflicts.length, problems: outcome.problems.length },
      'catalog source synced',
    );
  }

  private async writeStatus(source: CatalogSourceObject, status: object): Promise<void> {
    await this.context.status.apply(RESOURCES.catalogSources, source.metadata.namespace, source.metadata.name, status);
  }
}

/**
 * What a failed check means for the person reading the CatalogSource. Passing trouble with
 * the apiserver is retried in seconds; anything else (the source unreachable or refusing,
 * a Secret missing, a limit passed) backs off, since it needs a person or time.
 */
export function describeFailure(error: unknown): CheckFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiUnavailableError || isTransientApiError(error))
    return { reason: REASON.WriteFailed, message: `${message}; retrying`, transient: true };
  if (error instanceof SourceConfigError) return { reason: REASON.SourceInvalid, message, transient: false };
  if (error instanceof Error && error.name === 'TimeoutError')
    return { reason: REASON.SourceUnreachable, message: `the check took too long and was stopped: ${message}`, transient: false };
  return { reason: REASON.SourceUnreachable, message, transient: false };
}
