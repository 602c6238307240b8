import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Counter, type Registry } from 'prom-client';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import type { Executor } from '../controllers/template-run/decide.ts';
import type { JobLike } from '../controllers/template-run/execution.ts';
import { ScopedInformer, type WatchScope } from '../controllers/template-run/informers.ts';
import { RunReconciler } from '../controllers/template-run/reconcile.ts';
import { eventRecorder } from '../kube/events.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus } from '../kube/status-writer.ts';
import { decideTemplateConditions, templateStatusUpToDate } from '../controllers/template/decide.ts';
import type { Logger } from '../observability/logger.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { InProcessExecutor } from '../templates/in-process-executor.ts';
import { MANAGED_BY, type JobSettings } from '../templates/job.ts';
import type { TemplateObject, TemplateRunObject, TemplateStore } from '../api/objects.ts';

export interface TemplateOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  /** Where to watch: every namespace (undefined), one, or a list (a platform namespace and team namespaces). */
  namespace?: WatchScope;
  isLeader: () => boolean;
  executor: Executor;
  job: JobSettings;
  /** Namespaces whose Templates runs in other namespaces may use (--shared-template-namespaces); none when absent. */
  sharedTemplateNamespaces?: readonly string[];
  /** Child processes at once with the in-process executor. */
  maxInProcess?: number;
  now?: () => Date;
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
  /** Told of every Template seen and gone, e.g. to search them; never waited on. */
  onTemplate?: { upsert: (template: TemplateObject) => void; remove: (namespace: string, name: string) => void };
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Software templates: keeps Templates and TemplateRuns in informer caches (the dashboard
 * reads them), and drives each run — validates its values, starts its Job or child process,
 * follows it and writes the outcome. The scaffolder itself reports the steps as it runs them.
 */
export class TemplateOperator implements TemplateStore {
  private readonly options: TemplateOperatorOptions;
  private readonly log: Logger;
  private readonly client: RawKubeClient;
  private readonly templateInformer: ScopedInformer<KubernetesObject>;
  private readonly runInformer: ScopedInformer<KubernetesObject>;
  private readonly jobInformer: ScopedInformer<KubernetesObject> | undefined;
  private readonly queue: WorkQueue;
  private readonly templateQueue: WorkQueue;
  private readonly inProcess: InProcessExecutor;
  private readonly reconciler: RunReconciler;

  constructor(options: TemplateOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'templates' });
    this.client = new RawKubeClient(options.kubeConfig);
    const informer = (name: string, collection: (prefix: string) => string, labelSelector?: string) =>
      new ScopedInformer<KubernetesObject>(options.namespace, collection, { kubeConfig: options.kubeConfig, name, logger: this.log, registry: options.registry, ...(labelSelector ? { labelSelector } : {}), ...options.informerTimings });
    this.templateInformer = informer('template', (scope) => `/apis/${API_VERSION}/${scope}templates`);
    this.runInformer = informer('templaterun', (scope) => `/apis/${API_VERSION}/${scope}templateruns`);
    if (options.executor === 'job') {
      this.jobInformer = informer('scaffold-job', (scope) => `/apis/batch/v1/${scope}jobs`, Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(','));
    }
    this.queue = new WorkQueue({ name: 'templaterun', logger: this.log, registry: options.registry });
    this.templateQueue = new WorkQueue({ name: 'template', logger: this.log, registry: options.registry });
    this.inProcess = new InProcessExecutor({ kubeConfig: options.kubeConfig, logger: this.log, maxConcurrent: options.maxInProcess ?? 4, allowHttpGit: options.job.allowHttpGit ?? false, onExit: () => this.enqueueRuns() });
    if (options.registry.getSingleMetric('greenroom_template_runs_finished_total')) options.registry.removeSingleMetric('greenroom_template_runs_finished_total');
    const jobs = this.jobInformer;
    this.reconciler = new RunReconciler({
      client: this.client,
      log: this.log,
      executor: options.executor,
      job: options.job,
      inProcess: this.inProcess,
      record: eventRecorder(this.client, (error) => this.log.warn({ err: error }, 'could not record an event')),
      finished: new Counter({ name: 'greenroom_template_runs_finished_total', help: 'Template runs this operator saw finish, by phase.', labelNames: ['phase'], registers: [options.registry] }),
      runs: { get: (namespace, name) => this.runInformer.get(namespace, name) as unknown as TemplateRunObject | undefined },
      templates: { get: (namespace, name) => this.templateInformer.get(namespace, name) as unknown as TemplateObject | undefined },
      jobs: jobs ? { get: (namespace, name) => jobs.get(namespace, name) as JobLike | undefined } : undefined,
      sharedTemplateNamespaces: options.sharedTemplateNamespaces ?? [],
      now: () => options.now?.() ?? new Date(),
    });
    this.wire();
  }

  private wire(): void {
    const enqueueRun = (object: KubernetesObject) => this.queue.add(key(object.metadata!.namespace!, object.metadata!.name!));
    this.runInformer.on('add', enqueueRun);
    this.runInformer.on('update', enqueueRun);
    // Deleting a run cancels it: its Job goes with it (owner reference), its child is stopped here.
    this.runInformer.on('delete', (object) => {
      if (this.inProcess.cancel(object.metadata!.uid!)) this.log.info({ run: key(object.metadata!.namespace!, object.metadata!.name!) }, 'run deleted; its scaffolder was stopped');
    });
    const enqueueWaiting = (object: KubernetesObject) => {
      for (const run of this.runs()) {
        const ref = run.spec.templateRef;
        if ((run.status?.phase ?? 'Pending') === 'Pending' && ref.name === object.metadata!.name && (ref.namespace ?? run.metadata.namespace) === object.metadata!.namespace) enqueueRun(run as KubernetesObject);
      }
    };
    const templateChanged = (object: KubernetesObject) => {
      this.templateQueue.add(key(object.metadata!.namespace!, object.metadata!.name!));
      enqueueWaiting(object);
      this.options.onTemplate?.upsert(object as unknown as TemplateObject);
    };
    this.templateInformer.on('add', templateChanged);
    this.templateInformer.on('update', templateChanged);
    this.templateInformer.on('delete', (object) => this.options.onTemplate?.remove(object.metadata!.namespace!, object.metadata!.name!));
    const enqueueOwner = (job: KubernetesObject) => {
      const owner = job.metadata?.ownerReferences?.find((o) => o.kind === 'TemplateRun');
      if (owner) this.queue.add(key(job.metadata!.namespace!, owner.name));
    };
    this.jobInformer?.on('add', enqueueOwner);
    this.jobInformer?.on('update', enqueueOwner);
    this.jobInformer?.on('delete', enqueueOwner);
  }

  templates(): TemplateObject[] {
    return this.templateInformer.list() as unknown as TemplateObject[];
  }

  runs(): TemplateRunObject[] {
    return this.runInformer.list() as unknown as TemplateRunObject[];
  }

  hasSynced(): boolean {
    return this.templateInformer.hasSynced() && this.runInformer.hasSynced() && (this.jobInformer?.hasSynced() ?? true);
  }

  async start(): Promise<void> {
    await Promise.all([this.templateInformer.start(), this.runInformer.start(), this.jobInformer?.start()]);
    this.queue.run((k) => this.work(k), 2);
    this.templateQueue.run((k) => this.checkTemplate(k), 1);
    this.enqueueAll();
  }

  /** Queues every run and template, e.g. when this replica becomes leader. */
  enqueueAll(): void {
    for (const run of this.runs()) this.queue.add(key(run.metadata.namespace, run.metadata.name));
    for (const t of this.templates()) this.templateQueue.add(key(t.metadata.namespace, t.metadata.name));
  }

  private enqueueRuns(): void {
    for (const run of this.runs()) this.queue.add(key(run.metadata.namespace, run.metadata.name));
  }

  /** Writes a Template's Ready condition when what it says has changed. */
  private async checkTemplate(templateKey: string): Promise<WorkResult> {
    if (!this.options.isLeader()) return 'done';
    const [namespace, name] = templateKey.split('/') as [string, string];
    const t = this.templateInformer.get(namespace, name) as unknown as TemplateObject | undefined;
    if (!t) return 'done';
    const conditions = decideTemplateConditions(t, this.options.now?.() ?? new Date());
    if (templateStatusUpToDate(t, conditions)) return 'done';
    await applyStatus(this.client, { kind: 'Template', plural: 'templates' }, namespace, name, { observedGeneration: t.metadata.generation, conditions });
    return 'done';
  }

  async stop(): Promise<void> {
    this.inProcess.stopAll();
    await Promise.all([this.templateInformer.stop(), this.runInformer.stop(), this.jobInformer?.stop(), this.queue.shutdown(), this.templateQueue.shutdown()]);
  }

  private async work(runKey: string): Promise<WorkResult> {
    if (!this.options.isLeader()) return 'done';
    const [namespace, name] = runKey.split('/') as [string, string];
    return this.reconciler.reconcile(namespace, name);
  }
}
