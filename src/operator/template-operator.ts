import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Counter, type Registry } from 'prom-client';
import { API_VERSION, CATALOG_KINDS } from '../api/v1alpha1/index.ts';
import { decideRun, type Execution, type Executor, type RunDecision } from '../controllers/template-run/decide.ts';
import { jobExecution, type JobLike } from '../controllers/template-run/execution.ts';
import { eventRecorder, type EventRecorder } from '../kube/events.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { mergeStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { InProcessExecutor } from '../templates/in-process-executor.ts';
import { jobNameFor, MANAGED_BY, scaffoldJob, type JobSettings } from '../templates/job.ts';
import type { TemplateObject, TemplateRunObject, TemplateStore } from '../templates/objects.ts';
import { RUN_UID_LABEL } from '../templates/scaffold.ts';
import { credentialEnvs, type RunIdentity } from '../templates/scaffold-env.ts';

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
    this.inProcess = new InProcessExecutor({ kubeConfig: options.kubeConfig, logger: this.log, maxConcurrent: options.maxInProcess ?? 4, onExit: () => this.enqueueAll() });
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
    this.templateInformer.on('add', enqueueWaiting);
    this.templateInformer.on('update', enqueueWaiting);
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
    this.enqueueAll();
  }

  /** Queues every run, e.g. when this replica becomes leader. */
  enqueueAll(): void {
    for (const run of this.runs()) this.queue.add(key(run.metadata.namespace, run.metadata.name));
  }

  async stop(): Promise<void> {
    this.inProcess.stopAll();
    await Promise.all([this.templateInformer.stop(), this.runInformer.stop(), this.jobInformer?.stop(), this.queue.shutdown()]);
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
      const removed = await this.removeRegistered(namespace, uid);
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

  private async startExecution(run: TemplateRunObject, template: TemplateObject): Promise<{ jobName?: string } | { failed: string }> {
    const identity: RunIdentity = { namespace: run.metadata.namespace, name: run.metadata.name, uid: run.metadata.uid, templateUid: template.metadata.uid, templateGeneration: template.metadata.generation ?? 1 };
    if (this.options.executor === 'in-process') {
      const credentials: Record<string, string> = {};
      const secrets: string[] = [];
      for (const c of credentialEnvs(template.spec)) {
        const secret = await this.readSecret(run.metadata.namespace, c.secretName);
        if (!secret) return { failed: `Secret ${run.metadata.namespace}/${c.secretName} (credentials for ${c.purpose}) does not exist` };
        const password = secret[c.passwordKey];
        if (password === undefined) return { failed: `Secret ${run.metadata.namespace}/${c.secretName} has no key ${c.passwordKey} (credentials for ${c.purpose})` };
        credentials[c.passwordVar] = password;
        credentials[c.usernameVar] = secret[c.usernameKey] ?? '';
        secrets.push(password);
      }
      await this.inProcess.start(identity, credentials, (text) => secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text));
      return {};
    }
    const job = scaffoldJob(run, template, this.options.job);
    const jobName = jobNameFor(run);
    try {
      await this.client.request({ method: 'GET', path: `/api/v1/namespaces/${run.metadata.namespace}/serviceaccounts/${encodeURIComponent(this.options.job.serviceAccountName)}` });
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return { failed: `ServiceAccount ${run.metadata.namespace}/${this.options.job.serviceAccountName}, which scaffolding Jobs run as, does not exist; the Helm chart creates it in the namespaces listed in scaffolder.namespaces` };
      throw error;
    }
    try {
      await this.client.request({ method: 'POST', path: `/apis/batch/v1/namespaces/${run.metadata.namespace}/jobs`, query: { fieldManager: 'greenroom-operator' }, body: job });
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (error.code === 409) {
        // Created by an earlier attempt whose status write did not land: adopt it if it is ours.
        const existing = await this.getJob(run.metadata.namespace, jobName);
        if (existing?.metadata?.ownerReferences?.some((o) => o.uid === run.metadata.uid)) return { jobName };
        return { failed: `a Job named ${jobName} already exists and belongs to something else` };
      }
      if (error.code >= 500 || error.code === 429) throw error;
      return { failed: `the scaffolding Job could not be created: ${error.message}` };
    }
    return { jobName };
  }

  private async readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const secret = await this.client.request<{ data?: Record<string, string> }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/secrets/${encodeURIComponent(name)}` });
      return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** A failed run leaves nothing half-registered: every entity labelled with its uid goes. */
  private async removeRegistered(namespace: string, uid: string): Promise<string[]> {
    const removed: string[] = [];
    for (const kind of CATALOG_KINDS) {
      const collection = `/apis/${API_VERSION}/namespaces/${namespace}/${kind.plural}`;
      const list = await this.client.request<{ items: { metadata: { name: string } }[] }>({ method: 'GET', path: collection, query: { labelSelector: `${RUN_UID_LABEL}=${uid}` } });
      for (const item of list.items) {
        await this.client.request({ method: 'DELETE', path: `${collection}/${encodeURIComponent(item.metadata.name)}` }).catch((error: unknown) => {
          if (!(error instanceof KubeApiError && error.code === 404)) throw error;
        });
        removed.push(`${kind.kind.toLowerCase()}:${namespace}/${item.metadata.name}`);
      }
    }
    return removed;
  }
}
