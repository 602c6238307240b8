import type { KubeConfig } from '@kubernetes/client-node';
import { Counter } from 'prom-client';
import { metricOn } from '../../observability/metrics.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { Controller, splitKey } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import { InProcessExecutor } from '../../templates/in-process-executor.ts';
import type { JobSettings } from '../../templates/job.ts';
import type { Executor } from './decide.ts';
import { RunReconciler } from './reconcile.ts';
import { runWatches, type RunSources } from './triggers.ts';

export interface RunControllerOptions {
  sources: RunSources;
  executor: Executor;
  job: JobSettings;
  /** Namespaces whose Templates runs in other namespaces may use (--shared-template-namespaces). */
  sharedTemplateNamespaces: readonly string[];
  /** Child processes at once with the in-process executor, and the credentials it hands them. */
  maxInProcess: number;
  kubeConfig: KubeConfig;
  /** Runs handled at once. */
  concurrency: number;
}

/** The run controller, and what stopping it must also stop: the in-process scaffolders it started. */
export interface RunController {
  controller: Controller;
  inProcess: InProcessExecutor;
}

/**
 * Template runs: validates each run's values, starts its Job or child process, follows it and
 * writes the outcome (reconcile.ts, deciding in decide.ts). The scaffolder itself reports the
 * steps as it runs them.
 */
export function templateRunController(context: ControllerContext, options: RunControllerOptions): RunController {
  const { sources } = options;
  const log = context.logger.child({ component: 'templates' });
  const enqueueEveryRun = () => {
    for (const run of sources.runs.list()) controller.enqueue(keyOf(run));
  };
  // A child that exits changes no watched object until it has written its status: look at every run again.
  const inProcess = new InProcessExecutor({
    kubeConfig: options.kubeConfig,
    logger: log,
    maxConcurrent: options.maxInProcess,
    allowHttpGit: options.job.allowHttpGit,
    onExit: () => enqueueEveryRun(),
  });
  const reconciler = new RunReconciler({
    client: context.client,
    log,
    executor: options.executor,
    job: options.job,
    inProcess,
    record: context.events,
    finished: metricOn(
      context.registry,
      'greenroom_template_runs_finished_total',
      (registers) =>
        new Counter({
          name: 'greenroom_template_runs_finished_total',
          help: 'Template runs this operator saw finish, by phase.',
          labelNames: ['phase'],
          registers,
        }),
      'replaced',
    ),
    runs: sources.runs,
    templates: sources.templates,
    jobs: sources.jobs,
    sharedTemplateNamespaces: options.sharedTemplateNamespaces,
    now: () => nowOf(context),
  });
  const cancel = (run: { metadata: { uid: string; namespace: string; name: string } }) => {
    if (inProcess.cancel(run.metadata.uid)) log.info({ run: keyOf(run) }, 'run deleted; its scaffolder was stopped');
  };
  const controller = new Controller(context, {
    name: 'templaterun',
    watches: runWatches(sources, cancel),
    concurrency: options.concurrency,
    keys: () => sources.runs.list().map(keyOf),
    reconcile: (key) => {
      const { namespace, name } = splitKey(key);
      return reconciler.reconcile(namespace, name);
    },
  });
  return { controller, inProcess };
}
