import type { NewRun } from '../../self-service/cluster-writes.ts';
import { secretParameterNames } from '../../templates/secret-parameters.ts';
import type { TemplateObject, TemplateRunObject, TemplateStore } from '../../api/objects.ts';

/** Where a run started from the portal came from, for `kubectl get -o yaml` readers. */
export const STARTED_FROM_ANNOTATION = 'greenroom.dev/started-from';
export const RETRY_OF_ANNOTATION = 'greenroom.dev/retry-of';

/**
 * A run's name prefix: the template and the `name` value, as `kubectl create` from the form's
 * YAML would name it, cut so the apiserver's five random characters still leave a name that
 * fits a label value (63), which the run's Job carries.
 */
export function runPrefix(base: string): string {
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '');
  return `${cleaned.slice(0, 52).replace(/-+$/, '') || 'run'}-`;
}

/**
 * Whether the portal can start `t` itself: not when it takes secret values, which the page
 * never receives (they go in a Secret the person creates with kubectl; the form says how).
 */
export const startableFromPortal = (t: TemplateObject): boolean => secretParameterNames(t.spec.parameters).length === 0;

/** The run the Template page's form starts: in the template's namespace, with the checked values. */
export function portalRun(t: TemplateObject, values: Record<string, unknown>): NewRun {
  const named = typeof values.name === 'string' ? `${t.metadata.name}-${values.name}` : t.metadata.name;
  return {
    namespace: t.metadata.namespace,
    generateName: runPrefix(named),
    spec: { templateRef: { name: t.metadata.name }, values },
    annotations: { [STARTED_FROM_ANNOTATION]: 'portal' },
  };
}

/** Retry is a new run with the same template, values and secret values (a run's spec never changes once started). */
export function retryRun(r: TemplateRunObject): NewRun {
  const base = r.metadata.annotations?.[RETRY_OF_ANNOTATION] ?? r.metadata.name;
  return {
    namespace: r.metadata.namespace,
    generateName: runPrefix(base.replace(/-[a-z0-9]{5}$/, '')),
    spec: r.spec,
    annotations: { [STARTED_FROM_ANNOTATION]: 'portal', [RETRY_OF_ANNOTATION]: r.metadata.name },
  };
}

/** Runs that are still going can be cancelled; failed ones retried. */
export const isCancellable = (r: TemplateRunObject): boolean => ['Pending', 'Running'].includes(r.status?.phase ?? 'Pending');
export const isRetryable = (r: TemplateRunObject): boolean => r.status?.phase === 'Failed';

export function findRun(store: TemplateStore, namespace: string, name: string): TemplateRunObject | undefined {
  return store.runs().find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
}
