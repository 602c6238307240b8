import type { KubeConfig } from '@kubernetes/client-node';
import { templateController } from '../controllers/template/controller.ts';
import { watchTemplates, type TemplateListener } from '../controllers/template/triggers.ts';
import { templateRunController } from '../controllers/template-run/controller.ts';
import type { Executor } from '../controllers/template-run/decide.ts';
import { watchRuns } from '../controllers/template-run/triggers.ts';
import type { ControllerContext } from '../runtime/context.ts';
import type { Controller } from '../runtime/controller.ts';
import type { JobSettings } from '../templates/job.ts';
import type { TemplateStore } from '../api/objects.ts';

export interface TemplatesOptions {
  kubeConfig: KubeConfig;
  executor: Executor;
  job: JobSettings;
  sharedTemplateNamespaces: readonly string[];
  /** Told of every Template (search). */
  listener?: TemplateListener;
}

/** Software templates in one replica: the Template checks and the run controller over shared caches. */
export interface Templates {
  /** What the dashboard reads: the caches. */
  store: TemplateStore;
  controllers: readonly Controller[];
  start(): Promise<void>;
  /** Stops the in-process scaffolders too. */
  stop(): Promise<void>;
}

/** Runs at once, and in-process children at once: a run's work is mostly waiting on git and the apiserver. */
const RUN_WORKERS = 2;
const IN_PROCESS_CHILDREN = 4;

export function templates(context: ControllerContext, options: TemplatesOptions): Templates {
  const templateSource = watchTemplates(context);
  const sources = watchRuns(context, options.executor, templateSource);
  const checks = templateController(context, templateSource, options.listener);
  const runs = templateRunController(context, {
    sources,
    executor: options.executor,
    job: options.job,
    sharedTemplateNamespaces: options.sharedTemplateNamespaces,
    kubeConfig: options.kubeConfig,
    maxInProcess: IN_PROCESS_CHILDREN,
    concurrency: RUN_WORKERS,
  });
  const controllers = [checks, runs.controller];
  return {
    store: { templates: () => templateSource.list(), runs: () => sources.runs.list() },
    controllers,
    start: async () => void (await Promise.all(controllers.map((c) => c.start()))),
    stop: async () => {
      runs.inProcess.stopAll();
      await Promise.all(controllers.map((c) => c.stop()));
    },
  };
}
