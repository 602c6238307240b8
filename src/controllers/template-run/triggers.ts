import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import { MANAGED_BY } from '../../templates/job.ts';
import type { TemplateObject, TemplateRunObject } from '../../api/objects.ts';
import type { JobLike } from './execution.ts';

/** What the run controller reads: runs, the Templates they name, and (executor `job`) their Jobs. */
export interface RunSources {
  runs: Source<TemplateRunObject>;
  templates: Source<TemplateObject>;
  jobs: Source<JobLike> | undefined;
}

/** The runs source, and the scaffolding Jobs source when runs execute as Jobs (only Jobs Greenroom made). */
export function watchRuns(context: ControllerContext, executor: 'job' | 'in-process', templates: Source<TemplateObject>): RunSources {
  const selector = Object.entries(MANAGED_BY)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    runs: context.watch<TemplateRunObject>(RESOURCES.templateRuns, { name: 'templaterun' }),
    templates,
    jobs: executor === 'job' ? context.watch<JobLike>(RESOURCES.jobs, { name: 'scaffold-job', labelSelector: selector }) : undefined,
  };
}

/**
 * What enqueues a run: the run itself changing; its Template arriving or changing while it
 * waits (Pending); its Job moving. Deleting a run cancels it: its Job goes with it (owner
 * reference), its in-process child is stopped by `cancel`.
 */
export function runWatches(sources: RunSources, cancel: (run: TemplateRunObject) => void): Watch[] {
  const waitingOn = (template: TemplateObject): string[] =>
    sources.runs
      .list()
      .filter((run) => (run.status?.phase ?? 'Pending') === 'Pending')
      .filter(
        (run) =>
          run.spec.templateRef.name === template.metadata.name &&
          (run.spec.templateRef.namespace ?? run.metadata.namespace) === template.metadata.namespace,
      )
      .map(keyOf);
  const watches = [
    watch(sources.runs, ({ type, object }) => {
      if (type !== 'delete') return [keyOf(object)];
      cancel(object);
      return [];
    }),
    watch(sources.templates, ({ type, object }) => (type === 'delete' ? [] : waitingOn(object))),
  ];
  if (sources.jobs) {
    watches.push(
      watch(sources.jobs, ({ object }) => {
        const owner = object.metadata.ownerReferences?.find((o) => o.kind === 'TemplateRun');
        return owner ? [`${object.metadata.namespace}/${owner.name}`] : [];
      }),
    );
  }
  return watches;
}
