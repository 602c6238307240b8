import { describe, expect, it } from '@jest/globals';
import {
  decideRun,
  pendingAgain,
  startFailed,
  withRemoved,
  type Execution,
  type OperatorRunStatus,
  type RunObservation,
} from '../../src/controllers/template-run/decide.ts';
import { jobExecution } from '../../src/controllers/template-run/execution.ts';
import { TEMPLATE_NAMESPACE_NOT_SHARED } from '../../src/controllers/template-run/reasons.ts';
import { MAX_MESSAGE_LENGTH } from '../../src/controllers/conditions.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';

const now = new Date('2026-11-24T10:00:00Z');

const template = (
  steps: TemplateObject['spec']['steps'] = [
    { name: 'render', action: 'render' },
    { name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example/x.git' } },
  ],
): TemplateObject => ({
  metadata: { name: 'service', namespace: 'team-a', uid: 't-1', generation: 3 },
  spec: {
    type: 'service',
    owner: 'team-platform',
    parameters: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z]+$' }, port: { type: 'integer' } },
    },
    skeleton: { inline: { 'README.md': '# ${{ values.name }}' } },
    steps,
  },
});

const run = (status?: TemplateRunObject['status'], values: Record<string, unknown> = { name: 'orders' }): TemplateRunObject => ({
  metadata: { name: 'orders', namespace: 'team-a', uid: 'r-1', generation: 1 },
  spec: { templateRef: { name: 'service' }, values },
  ...(status ? { status } : {}),
});

const observe = (overrides: Partial<RunObservation>): RunObservation => ({
  run: run(),
  template: template(),
  execution: undefined,
  executor: 'job',
  sharedTemplateNamespaces: [],
  now,
  ...overrides,
});
const succeeded = (d: ReturnType<typeof decideRun>) =>
  'status' in d ? d.status.conditions?.find((c) => c.type === 'Succeeded') : undefined;
const running = (steps: { name: string; phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; message?: string }[]) =>
  run({
    phase: 'Running',
    startedAt: '2026-11-24T09:59:00Z',
    jobName: 'orders-r1',
    steps,
    conditions: [
      { type: 'TemplateResolved', status: 'True', reason: 'Found', message: 'found', lastTransitionTime: '2026-11-24T09:59:00Z' },
    ],
  });

describe('deciding what happens to a TemplateRun', () => {
  const elsewhere = (namespace: string): TemplateRunObject => ({
    ...run(),
    spec: { templateRef: { name: 'service', namespace }, values: { name: 'orders' } },
  });

  it('when it names a Template in a namespace that is not shared, then it fails with TemplateResolved=False naming the flag and the chart value, and starts nothing', () => {
    const decision = decideRun(
      observe({
        run: elsewhere('team-b'),
        template: { ...template(), metadata: { ...template().metadata, namespace: 'team-b' } },
        sharedTemplateNamespaces: ['platform'],
      }),
    );
    expect(decision.action).toBe('finish');
    const status = 'status' in decision ? decision.status : undefined;
    expect(status?.phase).toBe('Failed');
    const resolved = status?.conditions?.find((c) => c.type === 'TemplateResolved');
    expect(resolved).toMatchObject({ status: 'False', reason: TEMPLATE_NAMESPACE_NOT_SHARED });
    expect(resolved?.message).toMatch(/team-b\/service .*--shared-template-namespaces .*templates\.sharedNamespaces/);
  });

  it('when it names a Template in a shared namespace, then it starts', () => {
    const decision = decideRun(observe({ run: elsewhere('platform'), sharedTemplateNamespaces: ['platform'] }));
    expect(decision.action).toBe('start');
  });

  it('when it names its own namespace explicitly, then no sharing is needed', () => {
    expect(decideRun(observe({ run: elsewhere('team-a') })).action).toBe('start');
  });

  it('when its Template does not exist, then it waits Pending and says which Template is missing', () => {
    const decision = decideRun(observe({ template: undefined }));
    expect(decision.action).toBe('wait');
    expect('status' in decision && decision.status.phase).toBe('Pending');
    expect('status' in decision && decision.status.conditions?.find((c) => c.type === 'TemplateResolved')).toMatchObject({
      status: 'False',
      reason: 'TemplateNotFound',
      message: expect.stringContaining('team-a/service'),
    });
  });

  it('when the values break the schema, then it fails before anything starts with every message, and no step runs', () => {
    const decision = decideRun(observe({ run: run(undefined, { name: 'Orders!', port: 'x' }) }));
    expect(decision).toMatchObject({
      action: 'finish',
      removeRegistered: false,
      status: { phase: 'Failed', finishedAt: '2026-11-24T10:00:00Z' },
    });
    expect(succeeded(decision)).toMatchObject({ status: 'False', reason: 'InvalidValues' });
    expect(succeeded(decision)?.message).toMatch(/values\.name must match pattern.*; values\.port must be integer/);
    expect('status' in decision && decision.status.steps?.map((s) => s.phase)).toEqual(['Skipped', 'Skipped']);
  });

  it('when hundreds of values are not parameters, then the message lists what fits the status and says how many more there are', () => {
    const strict = template();
    strict.spec.parameters = { ...strict.spec.parameters, additionalProperties: false };
    const values = Object.fromEntries(Array.from({ length: 800 }, (_, i) => [`unexpected-key-number-${i}`, i]));
    const message = succeeded(decideRun(observe({ template: strict, run: run(undefined, { name: 'orders', ...values }) })))?.message ?? '';
    expect(message).toMatch(
      /^the values do not fit the template's parameters: values\.unexpected-key-number-0 is not a parameter of this template; /,
    );
    expect(message).toMatch(/; … and \d+ more$/);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it('when a step reports a very long message, then the condition is cut to a length the status takes', () => {
    const execution: Execution = { state: 'failed', message: 'x'.repeat(40_000) };
    const message = succeeded(decideRun(observe({ run: running([{ name: 'render', phase: 'Running' }]), execution })))?.message ?? '';
    expect(message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(message.endsWith('…')).toBe(true);
  });

  it('when the values fit, then it starts, Running with every step Pending', () => {
    const decision = decideRun(observe({}));
    expect(decision).toMatchObject({
      action: 'start',
      status: {
        phase: 'Running',
        startedAt: '2026-11-24T10:00:00Z',
        steps: [
          { name: 'render', phase: 'Pending' },
          { name: 'publish', phase: 'Pending' },
        ],
      },
    });
    expect(succeeded(decision)).toMatchObject({ status: 'Unknown', reason: 'Running' });
  });

  it('when the in-process executor meets a container step, then the run fails saying a Job is needed', () => {
    const decision = decideRun(
      observe({
        executor: 'in-process',
        template: template([{ name: 'lint', action: 'run', run: { image: 'busybox', command: ['true'] } }]),
      }),
    );
    expect(succeeded(decision)).toMatchObject({
      status: 'False',
      reason: 'ContainerStepsNeedJobs',
      message: expect.stringContaining('lint'),
    });
  });

  it('when the Job is still running, then nothing is written', () => {
    expect(decideRun(observe({ run: running([{ name: 'render', phase: 'Running' }]), execution: { state: 'running' } }))).toEqual({
      action: 'none',
    });
  });

  it('when the Job completes, then the run succeeds and a step the scaffolder could not close is closed', () => {
    const decision = decideRun(
      observe({
        run: running([
          { name: 'render', phase: 'Succeeded' },
          { name: 'publish', phase: 'Running' },
        ]),
        execution: { state: 'succeeded', at: '2026-11-24T10:01:00Z' },
      }),
    );
    expect(decision).toMatchObject({
      action: 'finish',
      removeRegistered: false,
      status: { phase: 'Succeeded', finishedAt: '2026-11-24T10:01:00Z' },
    });
    expect('status' in decision && decision.status.steps?.map((s) => s.phase)).toEqual(['Succeeded', 'Succeeded']);
  });

  it("when a step reported its own failure, then the run fails with that step's message and what it registered is removed", () => {
    const execution: Execution = { state: 'failed', message: 'the scaffolding Job failed (BackoffLimitExceeded)' };
    const decision = decideRun(
      observe({
        run: running([
          { name: 'render', phase: 'Succeeded' },
          { name: 'publish', phase: 'Failed', message: 'git push failed: rejected' },
        ]),
        execution,
      }),
    );
    expect(decision).toMatchObject({ action: 'finish', removeRegistered: true, status: { phase: 'Failed' } });
    expect(succeeded(decision)).toMatchObject({ reason: 'StepFailed', message: 'step publish failed: git push failed: rejected' });
  });

  it("when a container step ends the pod, then that step fails with the Job's reason and the rest are skipped", () => {
    const decision = decideRun(
      observe({
        run: running([
          { name: 'render', phase: 'Succeeded' },
          { name: 'publish', phase: 'Running' },
          { name: 'register', phase: 'Pending' },
        ]),
        execution: { state: 'failed', message: 'the scaffolding Job failed (DeadlineExceeded)' },
      }),
    );
    expect('status' in decision && decision.status.steps?.map((s) => [s.phase, s.message])).toEqual([
      ['Succeeded', undefined],
      ['Failed', 'the scaffolding Job failed (DeadlineExceeded)'],
      ['Skipped', undefined],
    ]);
  });

  it('when nothing runs the run any more, then it fails as lost', () => {
    const decision = decideRun(
      observe({
        run: running([{ name: 'render', phase: 'Pending' }]),
        execution: { state: 'lost', message: 'the scaffolding Job orders-r1 was deleted before it finished' },
      }),
    );
    expect(succeeded(decision)).toMatchObject({ status: 'False', reason: 'ExecutionLost' });
  });

  it('when the run has finished or is being deleted, then nothing more happens', () => {
    expect(decideRun(observe({ run: run({ phase: 'Succeeded' }) }))).toEqual({ action: 'none' });
    expect(decideRun(observe({ run: run({ phase: 'Failed' }) }))).toEqual({ action: 'none' });
    expect(decideRun(observe({ run: { ...run(), metadata: { ...run().metadata, deletionTimestamp: '2026-11-24T09:00:00Z' } } }))).toEqual({
      action: 'none',
    });
  });

  it('when a condition keeps its status, then its transition time is kept', () => {
    const first = decideRun(observe({ template: undefined, now: new Date('2026-11-24T09:00:00Z') }));
    const again = decideRun(observe({ template: undefined, run: run('status' in first ? first.status : undefined) }));
    expect('status' in again && again.status.conditions?.[0]?.lastTransitionTime).toBe('2026-11-24T09:00:00Z');
  });
});

describe('what is written when a run cannot start or has registered entities', () => {
  const starting = (decideRun(observe({})) as { status: OperatorRunStatus }).status;

  it('when the start fails, then the run is Failed at once, every step Skipped, with the reason', () => {
    const status = startFailed(starting, 'Secret team-a/git does not exist');
    expect(status).toMatchObject({ phase: 'Failed', finishedAt: starting.startedAt });
    expect(status.steps?.map((s) => s.phase)).toEqual(['Skipped', 'Skipped']);
    expect(status.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      status: 'False',
      reason: 'StartFailed',
      message: 'Secret team-a/git does not exist',
    });
  });

  it('when a claimed start fails for a passing reason, then the run is Pending again, the claim undone, and Succeeded keeps its transition time', () => {
    const waited = decideRun(observe({ template: undefined, now: new Date('2026-11-24T09:00:00Z') })) as { status: OperatorRunStatus };
    const status = pendingAgain(run(waited.status), 'POST jobs: 503 the server is busy', now);
    expect(status).toMatchObject({ phase: 'Pending', startedAt: null, jobName: null, steps: null });
    expect(status.conditions.map((c) => c.type)).toEqual(['TemplateResolved', 'Succeeded']);
    expect(status.conditions.find((c) => c.type === 'Succeeded')).toEqual({
      type: 'Succeeded',
      status: 'Unknown',
      reason: 'Pending',
      message: 'starting again: POST jobs: 503 the server is busy',
      observedGeneration: 1,
      lastTransitionTime: '2026-11-24T09:00:00Z',
    });
    expect(pendingAgain(run(), 'x'.repeat(5000), now).conditions[0]!.message.length).toBe(1024);
  });

  it('when a failed run had registered thousands of entities, then the message names some, counts them all and still fits', () => {
    const failed = {
      ...starting,
      conditions: starting.conditions?.map((c) =>
        c.type === 'Succeeded' ? { ...c, status: 'False' as const, message: 'step publish failed: rejected' } : c,
      ),
    };
    const removed = Array.from({ length: 3000 }, (_, i) => `component:team-a/service-${i}`);
    const message = withRemoved(failed, removed).conditions?.find((c) => c.type === 'Succeeded')?.message ?? '';
    expect(message).toMatch(
      /^step publish failed: rejected; removed the 3000 entities it had registered \(component:team-a\/service-0, component:team-a\/service-1, .*… and \d+ more\)$/,
    );
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});

describe('reading a Job as a run execution', () => {
  it('when Complete or Failed is true, then the run has ended that way; otherwise it runs', () => {
    expect(
      jobExecution({ status: { conditions: [{ type: 'Complete', status: 'True' }], completionTime: '2026-11-24T10:00:00Z' } }),
    ).toEqual({ state: 'succeeded', at: '2026-11-24T10:00:00Z' });
    expect(
      jobExecution({
        status: {
          conditions: [
            { type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
          ],
        },
      }),
    ).toMatchObject({
      state: 'failed',
      message: 'the scaffolding Job failed (DeadlineExceeded: Job was active longer than specified deadline)',
    });
    expect(jobExecution({ status: { conditions: [{ type: 'Suspended', status: 'False' }] } })).toEqual({ state: 'running' });
  });
});
