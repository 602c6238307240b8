import { isTransientApiError, KubeApiError } from '../../kube/raw-client.ts';
import { LimitExceededError } from '../../docs/limits.ts';
import { GitError } from '../../git/git-cli.ts';
import { REASON } from './reasons.ts';

export type FailureReason = typeof REASON.FetchFailed | typeof REASON.BuildFailed | typeof REASON.StoreFailed | typeof REASON.LimitExceeded;

/** Where a look at a source went wrong: getting the files, building them, storing the site. */
export type BuildStage = 'fetch' | 'build' | 'store';

/** A fetch that failed for a reason the DocSource's author (or the cluster's admin) can fix. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

/** A fetch that failed because the apiserver was busy or unreachable: worth retrying soon. */
export class SourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}

/** A chunk's name is taken by a ConfigMap the operator did not write for this build: someone must delete it. */
export class StoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** A failed look at a source, as the DocSource's status tells it. */
export interface BuildFailure {
  reason: FailureReason;
  message: string;
  /** Passing trouble (the apiserver busy or down): retried with a short backoff, not at the next refresh. */
  transient: boolean;
}

const REASON_OF: Record<BuildStage, FailureReason> = {
  fetch: REASON.FetchFailed,
  build: REASON.BuildFailed,
  store: REASON.StoreFailed,
};

/**
 * What a failure at `stage` means for the person reading the DocSource: every error becomes
 * one (the operator never leaves a failure unreported), worded for docs. Errors of no known
 * kind are retried like passing trouble, since nothing says the author can fix them.
 */
export function describeFailure(stage: BuildStage, error: unknown): BuildFailure {
  const reason = REASON_OF[stage];
  const text = error instanceof Error ? error.message : String(error);
  // Retrying the same docs goes past the same limit: only a new commit or spec, or a raised flag, helps.
  if (error instanceof LimitExceededError) return { reason: REASON.LimitExceeded, message: text, transient: false };
  if (error instanceof StoreConflictError) return { reason, message: text, transient: false };
  if (error instanceof FetchError || error instanceof GitError) return { reason, message: text, transient: false };
  if (error instanceof SourceUnavailableError) return { reason, message: `${text}; retrying`, transient: true };
  if (stage === 'build') return { reason, message: text, transient: false };
  if (stage === 'store' && error instanceof KubeApiError && !isTransientApiError(error)) {
    const hint =
      error.code === 403
        ? ' (the operator may write ConfigMaps only in the namespaces where Greenroom stores docs: with the Helm chart, add this namespace to rbac.docsNamespaces; it needs create and delete on configmaps there, within its quota)'
        : '';
    return { reason, message: `the built site could not be stored in ConfigMaps: ${text}${hint}`, transient: false };
  }
  const what = stage === 'store' ? 'the built site could not be stored in ConfigMaps' : 'the source could not be read';
  return { reason, message: `${what}: ${text}; retrying`, transient: true };
}
