import { describe, expect, it } from '@jest/globals';
import { decideRun, type RunObservation } from '../../src/controllers/template-run/decide.ts';
import { SECRET_REASON } from '../../src/controllers/template-run/reasons.ts';
import { scaffoldJob } from '../../src/templates/job.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { RunReport, type ScaffoldReport } from '../../src/templates/report.ts';
import { redactor } from '../../src/git/git-cli.ts';
import { renderTree } from '../../src/templates/render.ts';
import {
  secretParameterEnvs,
  secretParameterNames,
  secretsFromData,
  secretsFromEnv,
  secretsInValues,
  secretsToEnv,
  withoutSecretRequirements,
} from '../../src/templates/secret-parameters.ts';
import { takeSnapshot } from '../../src/templates/snapshot.ts';

const TOKEN = 'ghp_s3cr3t-T0KEN-value';
const parameters = {
  type: 'object',
  required: ['name', 'token'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    token: { type: 'string', minLength: 8, 'ui:field': 'Secret' },
    apiKey: { type: 'string', 'ui:field': 'Secret' },
    notes: { type: 'string', 'ui:field': 'TextArea' },
  },
};
const template: TemplateObject = {
  metadata: { name: 'service', namespace: 'platform', uid: 't-1', generation: 2 },
  spec: {
    type: 'service',
    owner: 'team-platform',
    parameters,
    skeleton: { inline: { 'README.md': '${{ secrets.token }}' } },
    steps: [
      { name: 'render', action: 'render' },
      { name: 'lint', action: 'run', run: { image: 'busybox', command: ['true'] } },
    ],
  },
};
const run = (
  values: Record<string, unknown>,
  secretValuesRef: { name: string } | undefined = { name: 'orders-secrets' },
): TemplateRunObject => ({
  metadata: { name: 'orders', namespace: 'team-a', uid: 'r-1', generation: 1 },
  spec: { templateRef: { name: 'service', namespace: 'platform' }, values, ...(secretValuesRef ? { secretValuesRef } : {}) },
});
const observe = (overrides: Partial<RunObservation>): RunObservation => ({
  run: run({ name: 'orders' }),
  template,
  execution: undefined,
  executor: 'job',
  sharedTemplateNamespaces: ['platform'],
  now: new Date('2026-12-03T10:00:00Z'),
  ...overrides,
});
const succeeded = (d: ReturnType<typeof decideRun>) =>
  'status' in d ? d.status.conditions?.find((c) => c.type === 'Succeeded') : undefined;

describe('secret template parameters', () => {
  it('when a parameter says ui:field Secret, then it is secret and others (another ui:field, none) are not', () => {
    expect(secretParameterNames(parameters)).toEqual(['apiKey', 'token']);
    expect(secretParameterNames(undefined)).toEqual([]);
    expect(secretParameterEnvs(parameters)).toEqual([
      { parameter: 'apiKey', variable: 'GREENROOM_SECRET_PARAMETER_0' },
      { parameter: 'token', variable: 'GREENROOM_SECRET_PARAMETER_1' },
    ]);
  });

  it('when a Secret holds more keys than secret parameters, then only the secret parameters are taken', () => {
    expect(secretsFromData(parameters, { token: TOKEN, name: 'x', other: 'y' })).toEqual({ token: TOKEN });
  });

  it('when secrets go to a child as variables, then the child reads the same secrets back', () => {
    const env = secretsToEnv(parameters, { token: TOKEN });
    expect(env).toEqual({ GREENROOM_SECRET_PARAMETER_1: TOKEN });
    expect(secretsFromEnv(parameters, env)).toEqual({ token: TOKEN });
  });

  it('when spec.values carries secret parameters, then they are named', () => {
    expect(secretsInValues(parameters, { name: 'a', token: TOKEN })).toEqual(['token']);
    expect(secretsInValues(parameters, { name: 'a' })).toEqual([]);
  });

  it('when the secrets cannot be seen, then the secret parameters are no longer required and the rest still is', () => {
    expect(withoutSecretRequirements(parameters)?.required).toEqual(['name']);
  });
});

describe('a run with secret parameters', () => {
  it('when spec.values carries a secret parameter, then the run fails before starting, naming the parameter but not its value', () => {
    const decision = decideRun(
      observe({ run: run({ name: 'orders', token: TOKEN }), secrets: { state: 'read', values: { token: TOKEN } } }),
    );
    expect(decision).toMatchObject({ action: 'finish', status: { phase: 'Failed' } });
    expect(succeeded(decision)).toMatchObject({
      status: 'False',
      reason: SECRET_REASON.inValues,
      message: expect.stringContaining('secret parameters token'),
    });
    expect(JSON.stringify(decision)).not.toContain(TOKEN);
  });

  it('when the Secret holds a valid token, then the run starts; when the token breaks the schema, then the check says so without the value', () => {
    expect(decideRun(observe({ secrets: { state: 'read', values: { token: TOKEN } } })).action).toBe('start');
    const short = decideRun(observe({ secrets: { state: 'read', values: { token: 'abc1' } } }));
    expect(succeeded(short)).toMatchObject({
      reason: 'InvalidValues',
      message: expect.stringContaining('values.token must NOT have fewer than 8 characters'),
    });
    expect(JSON.stringify(short)).not.toContain('abc1');
  });

  it('when a required secret parameter is missing, then the message says it belongs in the Secret', () => {
    const decision = decideRun(observe({ run: run({ name: 'orders' }, undefined), secrets: undefined }));
    expect(succeeded(decision)?.message).toContain(
      'values.token is required (a secret parameter: a key of the Secret named by spec.secretValuesRef)',
    );
  });

  it('when the Secret does not exist, then the run fails with SecretValuesNotFound', () => {
    const decision = decideRun(
      observe({ secrets: { state: 'missing', message: 'Secret team-a/orders-secrets (spec.secretValuesRef) does not exist' } }),
    );
    expect(succeeded(decision)).toMatchObject({ reason: SECRET_REASON.notFound, message: expect.stringContaining('orders-secrets') });
  });

  it('when the operator may not read the Secret, then a Job still starts (its scaffolder checks them) and an in-process run fails', () => {
    const unreadable = { state: 'unreadable' as const, message: 'the operator may not read Secret team-a/orders-secrets' };
    expect(decideRun(observe({ secrets: unreadable })).action).toBe('start');
    const template1 = { ...template, spec: { ...template.spec, steps: [{ name: 'render', action: 'render' as const }] } };
    expect(succeeded(decideRun(observe({ template: template1, secrets: unreadable, executor: 'in-process' })))).toMatchObject({
      reason: SECRET_REASON.unreadable,
    });
  });

  it("when the Job is built, then secret parameters arrive as secretKeyRefs to the run's Secret, and neither the snapshot nor a container step holds them", () => {
    const r = run({ name: 'orders' });
    const snapshot = takeSnapshot(r, template);
    expect(snapshot.secretValuesRef).toEqual({ name: 'orders-secrets' });
    const job = scaffoldJob(r, snapshot, {
      image: 'greenroom',
      serviceAccountName: 'sa',
      ttlSecondsAfterFinished: 1,
      activeDeadlineSeconds: 1,
    }) as { spec: { template: { spec: { initContainers: { name: string; env: object[] }[]; containers: { env: object[] }[] } } } };
    const pod = job.spec.template.spec;
    expect(pod.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'GREENROOM_SECRET_PARAMETER_1', valueFrom: { secretKeyRef: { name: 'orders-secrets', key: 'token', optional: true } } },
      ]),
    );
    const lint = pod.initContainers.find((c) => c.name === 'lint')!;
    expect(JSON.stringify(lint.env)).not.toContain('SECRET_PARAMETER');
  });

  it('when a skeleton uses ${{ secrets.token }}, then it renders with the secret, and values.token stays empty', () => {
    const out = renderTree(
      new Map([['a.txt', '${{ secrets.token }}|${{ values.token }}']]),
      { name: 'orders' },
      { secrets: { token: TOKEN } },
    );
    expect(out.get('a.txt')).toBe(`${TOKEN}|`);
  });

  it('when an output link or a message holds a secret, then the report keeps it starred', async () => {
    let written: ScaffoldReport | undefined;
    const report = new RunReport({ stepNames: ['render'], redact: redactor([TOKEN]), write: async (r) => void (written = r) });
    await report.addOutputs({ links: [{ title: `token ${TOKEN}`, url: `https://x.example/?t=${TOKEN}` }] });
    await report.finished(0, 'Failed', `bad ${TOKEN}`);
    expect(JSON.stringify(written)).not.toContain(TOKEN);
    expect(written?.outputs?.links).toEqual([{ title: 'token ***', url: 'https://x.example/?t=***' }]);
  });
});
