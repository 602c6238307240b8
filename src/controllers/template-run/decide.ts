import type { StepStatus, TemplateObject, TemplateRunObject, TemplateRunStatus } from '../../api/objects.ts';
import { secretParameterNames, secretsInValues, withoutSecretRequirements } from '../../templates/secret-parameters.ts';
import type { SecretValues } from '../../templates/secret-values.ts';
import { parametersCacheKey } from '../../templates/parameter-schema.ts';
import type { Execution } from '../../templates/execution.ts';
import { checkValues } from '../../templates/values.ts';
import { listProblems, MAX_MESSAGE_LENGTH, mergeConditions, rfc3339, type ConditionDecision } from '../conditions.ts';
import { CONDITION, REASON, SECRET_REASON, TEMPLATE_NAMESPACE_NOT_SHARED } from './reasons.ts';

export type Executor = 'job' | 'in-process';
export type { Execution };

export interface RunObservation {
  run: TemplateRunObject;
  /** The Template the run refers to, when it exists. */
  template: TemplateObject | undefined;
  /** Undefined until something was started for the run. */
  execution: Execution | undefined;
  executor: Executor;
  /** The Secret of the run's secret parameters, as read for a Pending run; undefined when it names none. */
  secrets?: SecretValues | undefined;
  /** Namespaces whose Templates runs in other namespaces may use (--shared-template-namespaces). */
  sharedTemplateNamespaces: readonly string[];
  now: Date;
}

/** Whether a run may use its Template: one in its own namespace, or in a shared namespace. */
export function mayUseTemplate(run: Pick<TemplateRunObject, 'metadata' | 'spec'>, sharedTemplateNamespaces: readonly string[]): boolean {
  const namespace = run.spec.templateRef.namespace ?? run.metadata.namespace;
  return namespace === run.metadata.namespace || sharedTemplateNamespaces.includes(namespace);
}

/** The fields of a run's status the operator owns (the scaffolder owns steps while it runs). */
export type OperatorRunStatus = Pick<
  TemplateRunStatus,
  'phase' | 'startedAt' | 'finishedAt' | 'jobName' | 'conditions' | 'observedGeneration' | 'steps'
>;

export type RunDecision =
  /** Nothing to do: finished, or running and not done yet. */
  | { action: 'none' }
  /** Write status and come back later (the Template is missing). */
  | { action: 'wait'; status: OperatorRunStatus }
  /** Start the Job or child process, then write status. */
  | { action: 'start'; status: OperatorRunStatus }
  /** Write the final status; a failed run's registered entities are removed first. */
  | { action: 'finish'; status: OperatorRunStatus; removeRegistered: boolean };

const isFinished = (run: TemplateRunObject): boolean => run.status?.phase === 'Succeeded' || run.status?.phase === 'Failed';

/**
 * What the operator does about one TemplateRun. Pure: the shell gathers the run, its
 * Template and the state of its Job or process, and carries the decision out.
 */
export function decideRun(observation: RunObservation): RunDecision {
  const { run, template, execution, now } = observation;
  if (run.metadata.deletionTimestamp || isFinished(run)) return { action: 'none' };
  const generation = run.metadata.generation ?? 1;
  const conditions = (decisions: ConditionDecision[]) =>
    mergeConditions(run.status?.conditions, decisions.map(clippedCondition), generation, now);
  const templateName = `${run.spec.templateRef.namespace ?? run.metadata.namespace}/${run.spec.templateRef.name}`;

  if (run.status?.phase === 'Running') {
    if (!execution || execution.state === 'running') return { action: 'none' };
    return finish(observation, execution, conditions);
  }

  // Pending: nothing has been started yet, so a run failed now registered nothing to remove.
  const failed = (decisions: ConditionDecision[], steps?: StepStatus[]): RunDecision => ({
    action: 'finish',
    removeRegistered: false,
    status: {
      phase: 'Failed',
      observedGeneration: generation,
      finishedAt: rfc3339(now),
      ...(steps ? { steps } : {}),
      conditions: conditions(decisions),
    },
  });
  if (!mayUseTemplate(run, observation.sharedTemplateNamespaces)) {
    const message = `Template ${templateName} is in another namespace, which is not shared: a run in ${run.metadata.namespace} may use Templates of its own namespace or of the namespaces in the operator's --shared-template-namespaces (Helm chart value templates.sharedNamespaces)`;
    return failed([
      { type: CONDITION.TemplateResolved, status: 'False', reason: TEMPLATE_NAMESPACE_NOT_SHARED, message },
      { type: CONDITION.Succeeded, status: 'False', reason: TEMPLATE_NAMESPACE_NOT_SHARED, message },
    ]);
  }
  if (!template) {
    return {
      action: 'wait',
      status: {
        phase: 'Pending',
        observedGeneration: generation,
        conditions: conditions([
          {
            type: CONDITION.TemplateResolved,
            status: 'False',
            reason: REASON.TemplateNotFound,
            message: `Template ${templateName} does not exist; the run starts when it does`,
          },
          { type: CONDITION.Succeeded, status: 'Unknown', reason: REASON.Pending, message: 'waiting for the Template' },
        ]),
      },
    };
  }
  const resolved: ConditionDecision = {
    type: CONDITION.TemplateResolved,
    status: 'True',
    reason: REASON.Found,
    message: `Template ${templateName} generation ${template.metadata.generation ?? 1}`,
  };
  const stepNames = template.spec.steps.map((s) => s.name);
  const failBeforeStart = (reason: string, message: string): RunDecision =>
    failed(
      [resolved, { type: CONDITION.Succeeded, status: 'False', reason, message }],
      stepNames.map((name) => ({ name, phase: 'Skipped' })),
    );
  const check = checkAllValues(observation, template);
  if ('failed' in check) return failBeforeStart(check.failed.reason, check.failed.message);
  // Hundreds of bad keys make hundreds of messages: listed up to a length the status takes.
  if (!check.ok) {
    const intro = "the values do not fit the template's parameters: ";
    return failBeforeStart(REASON.InvalidValues, intro + listProblems(check.messages, MAX_MESSAGE_LENGTH - intro.length));
  }
  const containerSteps = template.spec.steps.filter((s) => s.action === 'run').map((s) => s.name);
  if (observation.executor === 'in-process' && containerSteps.length > 0) {
    return failBeforeStart(
      REASON.ContainerStepsNeedJobs,
      `steps ${containerSteps.join(', ')} run containers, which the in-process executor cannot start; run the operator with --template-executor=job`,
    );
  }
  return {
    action: 'start',
    status: {
      phase: 'Running',
      observedGeneration: generation,
      startedAt: rfc3339(now),
      steps: stepNames.map((name) => ({ name, phase: 'Pending' })),
      conditions: conditions([
        resolved,
        { type: CONDITION.Succeeded, status: 'Unknown', reason: REASON.Running, message: `running ${stepNames.length} steps` },
      ]),
    },
  };
}

/**
 * The run's values and secret parameters checked together against the template. A secret
 * parameter in spec.values fails the run naming it (never its value); the check then goes
 * on as if it were not there, so nothing of it is carried further.
 */
function checkAllValues(
  observation: RunObservation,
  template: TemplateObject,
): ReturnType<typeof checkValues> | { failed: { reason: string; message: string } } {
  const { run, secrets, executor } = observation;
  const parameters = template.spec.parameters;
  const inValues = secretsInValues(parameters, run.spec.values);
  if (inValues.length > 0) {
    return {
      failed: {
        reason: SECRET_REASON.inValues,
        message: `spec.values carries the secret parameters ${inValues.join(', ')}; a secret parameter's value goes only in the Secret named by spec.secretValuesRef, so that it never reaches the run's status, snapshot or Job: create a new run without it in spec.values`,
      },
    };
  }
  if (secrets?.state === 'missing') return { failed: { reason: SECRET_REASON.notFound, message: secrets.message } };
  if (secrets?.state === 'unreadable' && executor === 'in-process')
    return { failed: { reason: SECRET_REASON.unreadable, message: secrets.message } };
  // A Job's scaffolder gets the Secret from the kubelet and checks the secret parameters itself.
  const schema = secrets?.state === 'unreadable' ? withoutSecretRequirements(parameters) : parameters;
  // Validators are cached per Template uid and generation; the schema without secret requirements under its own key.
  const key = parametersCacheKey(template);
  const check = checkValues(
    schema,
    { ...run.spec.values, ...(secrets?.state === 'read' ? secrets.values : {}) },
    key && (schema === parameters ? key : `${key}/without-secrets`),
  );
  if (check.ok) return check;
  const secret = new Set(secretParameterNames(parameters));
  const hint = (m: string): string => {
    const name = /^values\.(.+) is required$/.exec(m)?.[1];
    return name && secret.has(name) ? `${m} (a secret parameter: a key of the Secret named by spec.secretValuesRef)` : m;
  };
  return { ok: false, messages: check.messages.map(hint) };
}

function finish(
  observation: RunObservation,
  execution: Exclude<Execution, { state: 'running' }>,
  conditions: (d: ConditionDecision[]) => OperatorRunStatus['conditions'],
): RunDecision {
  const { run, now } = observation;
  const succeeded = execution.state === 'succeeded';
  const at = ('at' in execution && execution.at) || rfc3339(now);
  const why = execution.state === 'succeeded' ? '' : execution.message;
  // The scaffolder reported the steps it ran; what it could not report (it was killed, or
  // a container step ended the pod) follows from how the execution ended.
  const steps: StepStatus[] = (run.status?.steps ?? []).map((step) => {
    if (step.phase === 'Running')
      return { ...step, phase: succeeded ? 'Succeeded' : 'Failed', finishedAt: at, ...(succeeded ? {} : { message: step.message ?? why }) };
    if (step.phase === 'Pending') return { ...step, phase: succeeded ? 'Succeeded' : 'Skipped' };
    return step;
  });
  const failedStep = steps.find((s) => s.phase === 'Failed');
  const resolved: ConditionDecision = {
    type: CONDITION.TemplateResolved,
    status: 'True',
    reason: REASON.Found,
    message: run.status?.conditions?.find((c) => c.type === CONDITION.TemplateResolved)?.message ?? 'found',
  };
  const outcome: ConditionDecision = succeeded
    ? { type: CONDITION.Succeeded, status: 'True', reason: REASON.Succeeded, message: `all ${steps.length} steps succeeded` }
    : failedStep
      ? {
          type: CONDITION.Succeeded,
          status: 'False',
          reason: REASON.StepFailed,
          message: `step ${failedStep.name} failed: ${failedStep.message ?? why}`,
        }
      : {
          type: CONDITION.Succeeded,
          status: 'False',
          reason: execution.state === 'lost' ? REASON.ExecutionLost : REASON.Failed,
          message: why,
        };
  return {
    action: 'finish',
    removeRegistered: !succeeded,
    status: {
      phase: succeeded ? 'Succeeded' : 'Failed',
      finishedAt: at,
      steps,
      conditions: conditions([resolved, outcome]),
      observedGeneration: run.metadata.generation ?? 1,
    },
  };
}

/** A run that was about to start and could not: Failed, every step Skipped, with the reason. */
export function startFailed(status: OperatorRunStatus, message: string): OperatorRunStatus {
  return {
    ...status,
    phase: 'Failed',
    finishedAt: status.startedAt,
    steps: status.steps?.map((s) => ({ ...s, phase: 'Skipped' })),
    conditions: status.conditions?.map((c) =>
      c.type === CONDITION.Succeeded
        ? { ...c, status: 'False', reason: REASON.StartFailed, message: clippedCondition({ message }).message }
        : c,
    ),
  };
}

/**
 * A claimed run whose start failed for a passing reason (the apiserver busy), back to Pending
 * to be started again: what the claim set is removed, and Succeeded says why. Succeeded was
 * Unknown before the claim and is Unknown again, so its transition time stays.
 */
export function pendingAgain(run: TemplateRunObject, why: string, now: Date) {
  const previous = run.status?.conditions ?? [];
  const decisions: ConditionDecision[] = [
    ...previous.filter((c) => c.type !== CONDITION.Succeeded),
    { type: CONDITION.Succeeded, status: 'Unknown', reason: REASON.Pending, message: `starting again: ${why}`.slice(0, 1024) },
  ];
  return {
    phase: 'Pending',
    startedAt: null,
    jobName: null,
    steps: null,
    conditions: mergeConditions(previous, decisions, run.metadata.generation ?? 1, now),
  };
}

/** A failed run's outcome, saying which entities it had registered were removed again. */
export function withRemoved(status: OperatorRunStatus, removed: readonly string[]): OperatorRunStatus {
  if (removed.length === 0) return status;
  const list = listProblems(removed, 1024).replaceAll('; ', ', ');
  return {
    ...status,
    conditions: status.conditions?.map((c) =>
      c.type === CONDITION.Succeeded
        ? clippedCondition({ ...c, message: `${c.message}; removed the ${removed.length} entities it had registered (${list})` })
        : c,
    ),
  };
}

/**
 * A condition message the apiserver accepts: what the run reports (a step's message, a Job's
 * or a child's last words) is cut rather than have the status write refused forever. Unlike
 * mergeConditions' plain cut, this one ends in "…", so a reader sees the message goes on; it
 * also serves the conditions edited after the merge (startFailed, withRemoved).
 */
function clippedCondition<C extends { message: string }>(condition: C): C {
  return condition.message.length <= MAX_MESSAGE_LENGTH
    ? condition
    : { ...condition, message: `${condition.message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` };
}
