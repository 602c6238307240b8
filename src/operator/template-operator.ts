import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Counter, type Registry } from 'prom-client';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { decideRun, type Execution, type Executor, type RunDecision } from '../controllers/template-run/decide.ts';
import { jobExecution, type JobLike } from '../controllers/template-run/execution.ts';
import { eventRecorder, type EventRecorder } from '../kube/events.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus, mergeStatus } from '../kube/status-writer.ts';
import { decideTemplateConditions } from '../controllers/template/decide.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { InProcessExecutor } from '../templates/in-process-executor.ts';
import { MANAGED_BY, type JobSettings } from '../templates/job.ts';
import type { TemplateObject, TemplateRunObject, TemplateStore } from '../templates/objects.ts';
import { removeRegistered } from '../templates/unregister.ts';
import type { RunIdentity } from '../templates/scaffold-env.ts';
import { launchJob, readCredentials, type Launched } from '../templates/launch.ts';

export interface TemplateOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  namespace?: string | undefined;
  isLeader: () => boolean;
  executor: Executor;
  job: JobSettings;
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
  private readonly templateInformer: Informer<KubernetesObject>;
  private readonly runInformer: Informer<KubernetesObject>;
  private readonly jobInformer: Informer<KubernetesObject> | undefined;
  private readonly queue: WorkQueue;
  private readonly templateQueue: WorkQueue;
  private readonly inProcess: InProcessExecutor;
  private readonly record: EventRecorder;
  private readonly finished: Counter<'phase'>;

  constructor(options: TemplateOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'templates' });
    this.client = new RawKubeClient(options.kubeConfig);
    const scope = options.namespace ? `namespaces/${options.namespace}/` : '';
    const informer = (name: string, path: string, labelSelector?: string) =>
      new Informer<KubernetesObject>({ kubeConfig: options.kubeConfig, path, name, logger: this.log, registry: options.registry, ...(labelSelector ? { labelSelector } : {}), ...options.informerTimings });
    this.templateInformer = informer('template', `/apis/${API_VERSION}/${scope}templates`);
    this.runInformer = informer('templaterun', `/apis/${API_VERSION}/${scope}templateruns`);
    if (options.executor === 'job') {
      this.jobInformer = informer('scaffold-job', `/apis/batch/v1/${scope}jobs`, Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(','));
    }
    this.queue = new WorkQueue({ name: 'templaterun', logger: this.log, registry: options.registry });
    this.templateQueue = new WorkQueue({ name: 'template', logger: this.log, registry: options.registry });
    this.inProcess = new InProcessExecutor({ kubeConfig: options.kubeConfig, logger: this.log, maxConcurrent: options.maxInProcess ?? 4, onExit: () => this.enqueueRuns() });
    this.record = eventRecorder(this.client, (error) => this.log.warn({ err: error }, 'could not record an event'));
    if (options.registry.getSingleMetric('greenroom_template_runs_finished_total')) options.registry.removeSingleMetric('greenroom_template_runs_finished_total');
    this.finished = new Counter({ name: 'greenroom_template_runs_finished_total', help: 'Template runs this operator saw finish, by phase.', labelNames: ['phase'], registers: [options.registry] });
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
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (t.status?.observedGeneration === t.metadata.generation && same(t.status?.conditions, conditions)) return 'done';
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
    let run = this.runInformer.get(namespace, name) as unknown as TemplateRunObject | undefined;
    if (!run) return 'done';
    const ref = run.spec.templateRef;
    const template = this.templateInformer.get(ref.namespace ?? namespace, ref.name) as unknown as TemplateObject | undefined;
    const execution = await this.observe(run);
    // Finishing reads the run again: the scaffolder's last report may not have reached the cache.
    if (execution && execution.state !== 'running') run = await this.fresh(run);
    if (!run) return 'done';
    const decision = decideRun({ run, template, execution, executor: this.options.executor, now: this.options.now?.() ?? new Date() });
    return this.carryOut(run, template, decision);
  }

  private async observe(run: TemplateRunObject): Promise<Execution | undefined> {
    if (run.status?.phase !== 'Running') return undefined;
    if (run.status.jobName) {
      const job = (this.jobInformer?.get(run.metadata.namespace, run.status.jobName) as JobLike | undefined) ?? (await this.getJob(run.metadata.namespace, run.status.jobName));
      if (!job) return { state: 'lost', message: `the scaffolding Job ${run.status.jobName} was deleted before it finished` };
      return jobExecution(job);
    }
    return this.inProcess.execution(run.metadata.uid) ?? { state: 'lost', message: 'the operator restarted while the run was in progress (in-process executor); create a new TemplateRun to run it again' };
  }

  private async startExecution(run: TemplateRunObject, template: TemplateObject): Promise<Launched> {
    if (this.options.executor === 'job') return launchJob(this.client, run, template, this.options.job);
    const identity: RunIdentity = { namespace: run.metadata.namespace, name: run.metadata.name, uid: run.metadata.uid, templateUid: template.metadata.uid, templateGeneration: template.metadata.generation ?? 1 };
    const credentials = await readCredentials(this.client, run.metadata.namespace, template.spec);
    if ('failed' in credentials) return credentials;
    const secrets = Object.entries(credentials.env).filter(([name]) => name.endsWith('_PASSWORD')).map(([, value]) => value);
    await this.inProcess.start(identity, credentials.env, (text) => secrets.reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text));
    return {};
  }

  private async getJob(namespace: string, name: string): Promise<JobLike | undefined> {
    try {
      return await this.client.request<JobLike>({ method: 'GET', path: `/apis/batch/v1/namespaces/${namespace}/jobs/${encodeURIComponent(name)}` });
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  private async fresh(run: TemplateRunObject): Promise<TemplateRunObject | undefined> {
    try {
      return await this.client.request<TemplateRunObject>({ method: 'GET', path: `/apis/${API_VERSION}/namespaces/${run.metadata.namespace}/templateruns/${encodeURIComponent(run.metadata.name)}` });
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  private async carryOut(run: TemplateRunObject, template: TemplateObject | undefined, decision: RunDecision): Promise<WorkResult> {
    const { namespace, name, uid } = run.metadata;
    if (decision.action === 'none') return 'done';
    let status = decision.status;
    if (decision.action === 'start') {
      if (this.options.executor === 'in-process' && !this.inProcess.hasRoom()) return { requeueAfter: 2_000 };
      const started = await this.startExecution(run, template!);
      if ('failed' in started) {
        status = { ...status, phase: 'Failed', finishedAt: status.startedAt, steps: status.steps?.map((s) => ({ ...s, phase: 'Skipped' })), conditions: status.conditions?.map((c) => (c.type === 'Succeeded' ? { ...c, status: 'False', reason: 'StartFailed', message: started.failed } : c)) };
      } else if (started.jobName) status = { ...status, jobName: started.jobName };
    }
    if (decision.action === 'finish' && decision.removeRegistered) {
      const removed = await removeRegistered(this.client, namespace, uid);
      if (removed.length > 0) {
        status = { ...status, conditions: status.conditions?.map((c) => (c.type === 'Succeeded' ? { ...c, message: `${c.message}; removed the ${removed.length} entities it had registered (${removed.join(', ')})` } : c)) };
      }
    }
    await mergeStatus(this.client, 'templateruns', namespace, name, status);
    const involved = { apiVersion: API_VERSION, kind: 'TemplateRun', namespace, name, uid };
    const outcome = status.conditions?.find((c) => c.type === 'Succeeded');
    if (status.phase === 'Running') void this.record(involved, { type: 'Normal', reason: 'Started', message: status.jobName ? `started Job ${status.jobName}` : 'started the scaffolder in-process' });
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      this.finished.inc({ phase: status.phase });
      this.inProcess.forget(uid);
      void this.record(involved, { type: status.phase === 'Succeeded' ? 'Normal' : 'Warning', reason: status.phase, message: outcome?.message ?? status.phase });
    }
    return 'done';
  }


}
