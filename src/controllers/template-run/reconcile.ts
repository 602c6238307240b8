import type { Counter } from 'prom-client';
import { objectPath } from '../../api/resource-paths.ts';
import { API_VERSION, RESOURCES } from '../../api/v1alpha1/index.ts';
import type { EventRecorder } from '../../kube/events.ts';
import { isNotFound, type RawKubeClient } from '../../kube/raw-client.ts';
import type { Logger } from '../../observability/logger.ts';
import type { WorkResult } from '../../runtime/work-queue.ts';
import { redactor } from '../../git/git-cli.ts';
import type { InProcessExecutor } from '../../templates/in-process-executor.ts';
import type { JobSettings } from '../../templates/job.ts';
import { snapshotName } from '../../templates/job-name.ts';
import { failsTheRun, gatherSnapshot, prepareJob, readCredentials, type StartFailure } from '../../templates/launch.ts';
import type { TemplateObject, TemplateRunObject } from '../../api/objects.ts';
import { writeRunStatus } from '../../templates/run-status.ts';
import { secretValues } from '../../templates/scaffold-env.ts';
import { redactable, secretsToEnv } from '../../templates/secret-parameters.ts';
import { readSecretValues, type SecretValues } from '../../templates/secret-values.ts';
import { removeRegistered } from '../../templates/unregister.ts';
import {
  decideRun,
  mayUseTemplate,
  pendingAgain,
  startFailed,
  withRemoved,
  type Execution,
  type Executor,
  type OperatorRunStatus,
  type RunDecision,
} from './decide.ts';
import { jobExecution, type JobLike } from './execution.ts';
import { CONDITION, EVENT_REASON } from './reasons.ts';

/** What the reconciler reads from: the operator's caches. */
interface Cache<T> {
  get(namespace: string, name: string): T | undefined;
}

export interface RunReconcilerOptions {
  client: RawKubeClient;
  log: Logger;
  executor: Executor;
  job: JobSettings;
  inProcess: InProcessExecutor;
  record: EventRecorder;
  finished: Counter<'phase'>;
  runs: Cache<TemplateRunObject>;
  templates: Cache<TemplateObject>;
  jobs: Cache<JobLike> | undefined;
  /** Namespaces whose Templates runs in other namespaces may use. */
  sharedTemplateNamespaces: readonly string[];
  now: () => Date;
}

/** How to start a checked run once it is marked Running. */
interface Prepared {
  jobName?: string;
  start: () => Promise<void>;
}

/**
 * The I/O shell around {@link decideRun}: gathers a run, its Template and its execution,
 * and carries the decision out. Starting is claim-then-start: the Running status is written
 * only if the run is still the version the decision was made from, and only then is the
 * Job or child created — so a stale cache or values edited meanwhile never start anything,
 * and once Running the spec is frozen (CEL) to exactly what was checked.
 */
export class RunReconciler {
  private readonly o: RunReconcilerOptions;

  constructor(options: RunReconcilerOptions) {
    this.o = options;
  }

  async reconcile(namespace: string, name: string): Promise<WorkResult> {
    let run = this.o.runs.get(namespace, name);
    if (!run) return 'done';
    const ref = run.spec.templateRef;
    // A Template the run may not use is never looked at (nor its skeleton read).
    const template = mayUseTemplate(run, this.o.sharedTemplateNamespaces)
      ? this.o.templates.get(ref.namespace ?? namespace, ref.name)
      : undefined;
    const execution = await this.observe(run);
    // Finishing reads the run again: the scaffolder's last report may not have reached the cache.
    if (execution && execution.state !== 'running') run = await this.fresh(run);
    if (!run) return 'done';
    // Only a run about to start needs its secret parameters: checked now, handed over at the start.
    const secrets =
      template && (run.status?.phase ?? 'Pending') === 'Pending' && !run.metadata.deletionTimestamp
        ? await readSecretValues(this.o.client, run, template)
        : undefined;
    const decision = decideRun({
      run,
      template,
      execution,
      executor: this.o.executor,
      secrets,
      sharedTemplateNamespaces: this.o.sharedTemplateNamespaces,
      now: this.o.now(),
    });
    return this.carryOut(run, template, decision, secrets);
  }

  private async observe(run: TemplateRunObject): Promise<Execution | undefined> {
    if (run.status?.phase !== 'Running') return undefined;
    if (run.status.jobName) {
      const job =
        this.o.jobs?.get(run.metadata.namespace, run.status.jobName) ?? (await this.getJob(run.metadata.namespace, run.status.jobName));
      if (!job)
        return {
          state: 'lost',
          message: `the scaffolding Job ${run.status.jobName} does not exist: it was deleted before it finished, or the operator stopped before it could create it`,
        };
      return jobExecution(job);
    }
    return (
      this.o.inProcess.execution(run.metadata.uid) ?? {
        state: 'lost',
        message: 'the operator restarted while the run was in progress (in-process executor); create a new TemplateRun to run it again',
      }
    );
  }

  private async carryOut(
    run: TemplateRunObject,
    template: TemplateObject | undefined,
    decision: RunDecision,
    secrets: SecretValues | undefined,
  ): Promise<WorkResult> {
    if (decision.action === 'none') return 'done';
    if (decision.action === 'start') return this.begin(run, template!, decision.status, secrets);
    let status = decision.status;
    if (decision.action === 'finish') {
      if (decision.removeRegistered)
        status = withRemoved(status, await removeRegistered(this.o.client, run.metadata.namespace, run.metadata.uid));
      if (run.status?.jobName) await this.deleteSnapshot(run);
    }
    // A decision made from a Pending run (values checked, Template found) holds only for that version of it.
    return this.settle(run, status, (run.status?.phase ?? 'Pending') === 'Pending');
  }

  private async begin(
    run: TemplateRunObject,
    template: TemplateObject,
    running: OperatorRunStatus,
    secrets: SecretValues | undefined,
  ): Promise<WorkResult> {
    const { uid } = run.metadata;
    if (this.o.executor === 'in-process') {
      if (this.o.inProcess.has(uid)) {
        // The cache has not seen this run start yet (a Template update re-queued it): one child per run.
        this.o.log.info(
          { run: `${run.metadata.namespace}/${run.metadata.name}` },
          'the run already has a scaffolder here; not starting another',
        );
        return 'done';
      }
      if (!this.o.inProcess.hasRoom()) return { requeueAfter: 2_000 };
    }
    const prepared = await this.prepare(run, template, secrets);
    if ('failed' in prepared) return this.settle(run, startFailed(running, prepared.failed), true);
    const claimed: OperatorRunStatus = prepared.jobName ? { ...running, jobName: prepared.jobName } : running;
    const written = await writeRunStatus(this.o.client, run, claimed, true);
    if (written === 'conflict') return 'requeue';
    if (written === 'gone') return 'done';
    try {
      await prepared.start();
    } catch (error) {
      if (failsTheRun(error))
        return this.settle(run, startFailed(claimed, `the run could not be started: ${(error as Error).message}`), false);
      await this.unclaim(run, error);
      throw error;
    }
    this.announce(run, claimed);
    return 'done';
  }

  /** Everything a start needs, checked before the run is claimed: the snapshot, and the Job's or the child's needs. */
  private async prepare(
    run: TemplateRunObject,
    template: TemplateObject,
    secrets: SecretValues | undefined,
  ): Promise<Prepared | StartFailure> {
    const gathered = await gatherSnapshot(this.o.client, run, template);
    if ('failed' in gathered) return gathered;
    const { snapshot } = gathered;
    if (this.o.executor === 'job') return prepareJob(this.o.client, run, snapshot, this.o.job);
    const credentials = await readCredentials(this.o.client, snapshot);
    if ('failed' in credentials) return credentials;
    // Secret parameters reach the child as variables, like credentials (decideRun saw them read).
    const secretParameters = secrets?.state === 'read' ? secrets.values : {};
    const env = { ...credentials.env, ...secretsToEnv(snapshot.template.spec.parameters, secretParameters) };
    // What the scaffolder itself hides (scaffold-env.ts), so its output reads the same in the operator's log.
    const redact = redactor([...secretValues(snapshot.template.spec, credentials.env), ...redactable(secretParameters)]);
    return {
      start: async () => {
        if (!(await this.o.inProcess.start(snapshot, env, redact)))
          this.o.log.info(
            { run: `${run.metadata.namespace}/${run.metadata.name}` },
            'the run already has a scaffolder here; not starting another',
          );
      },
    };
  }

  /** Puts a run whose start failed for a passing reason (apiserver busy) back to Pending, to be started again. */
  private async unclaim(run: TemplateRunObject, error: unknown): Promise<void> {
    await writeRunStatus(this.o.client, run, pendingAgain(run, (error as Error).message, this.o.now()), false).catch((e: unknown) =>
      this.o.log.warn({ err: e }, 'could not put the run back to Pending'),
    );
  }

  private async settle(run: TemplateRunObject, status: OperatorRunStatus, ifUnchanged: boolean): Promise<WorkResult> {
    const written = await writeRunStatus(this.o.client, run, status, ifUnchanged);
    if (written === 'conflict') return 'requeue';
    if (written === 'written') this.announce(run, status);
    return 'done';
  }

  /** Events and counters for a status just written. */
  private announce(run: TemplateRunObject, status: OperatorRunStatus): void {
    const { namespace, name, uid } = run.metadata;
    const involved = { apiVersion: API_VERSION, kind: 'TemplateRun', namespace, name, uid };
    const outcome = status.conditions?.find((c) => c.type === CONDITION.Succeeded);
    if (status.phase === 'Running')
      void this.o.record(involved, {
        type: 'Normal',
        reason: EVENT_REASON.Started,
        message: status.jobName ? `started Job ${status.jobName}` : 'started the scaffolder in-process',
      });
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      this.o.finished.inc({ phase: status.phase });
      this.o.inProcess.forget(uid);
      void this.o.record(involved, {
        type: status.phase === 'Succeeded' ? 'Normal' : 'Warning',
        reason: status.phase === 'Succeeded' ? EVENT_REASON.Succeeded : EVENT_REASON.Failed,
        message: outcome?.message ?? status.phase,
      });
    }
  }

  /** The snapshot is needed while the Job runs only; a finished run keeps its status, not a copy of its Template. */
  private async deleteSnapshot(run: TemplateRunObject): Promise<void> {
    try {
      await this.o.client.request({
        method: 'DELETE',
        path: objectPath(RESOURCES.configMaps, run.metadata.namespace, snapshotName(run)),
      });
    } catch (error) {
      if (!isNotFound(error))
        this.o.log.warn(
          { err: error, run: `${run.metadata.namespace}/${run.metadata.name}` },
          "could not delete the run's snapshot ConfigMap; it goes with the run",
        );
    }
  }

  private async getJob(namespace: string, name: string): Promise<JobLike | undefined> {
    return this.getOrUndefined<JobLike>(objectPath(RESOURCES.jobs, namespace, name));
  }

  private async fresh(run: TemplateRunObject): Promise<TemplateRunObject | undefined> {
    return this.getOrUndefined<TemplateRunObject>(objectPath(RESOURCES.templateRuns, run.metadata.namespace, run.metadata.name));
  }

  private async getOrUndefined<T>(path: string): Promise<T | undefined> {
    try {
      return await this.o.client.request<T>({ method: 'GET', path });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
