import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'template-admission';

const template = (spec: Record<string, unknown>, name = 'ts-service') =>
  JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'Template', metadata: { name, namespace }, spec });

const valid = {
  type: 'service',
  owner: 'team-platform',
  parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z-]+$' } } },
  skeleton: { inline: { 'README.md': '# ${{ values.name }}' } },
  steps: [
    { name: 'render', action: 'render' },
    { name: 'publish', action: 'publish:git', publishGit: { url: 'http://git.example/${{ values.name }}.git' } },
    { name: 'register', action: 'register' },
  ],
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

describe('admission of Templates and TemplateRuns (generated CRDs on the real apiserver)', () => {
  it('when a Template is valid, then it is stored with its JSON Schema parameters intact', async () => {
    await kubectl(['apply', '-f', '-'], template(valid));
    const stored = JSON.parse(await kubectl(['get', 'template', 'ts-service', '-n', namespace, '-o', 'json'])) as { spec: typeof valid };
    expect(stored.spec.parameters).toEqual(valid.parameters);
  });

  it('when a skeleton names two sources, then the error says exactly one is needed', async () => {
    const spec = { ...valid, skeleton: { inline: {}, configMapRef: { name: 'x' } } };
    await expect(kubectl(['apply', '-f', '-'], template(spec, 'two-sources'))).rejects.toThrow(
      /exactly one of inline, configMapRef or git/,
    );
  });

  it('when a publish:git step has no settings, then the error names what is missing', async () => {
    const spec = { ...valid, steps: [{ name: 'publish', action: 'publish:git' }] };
    await expect(kubectl(['apply', '-f', '-'], template(spec, 'no-remote'))).rejects.toThrow(/publish:git step needs publishGit settings/);
  });

  it('when step names repeat, then the error says they must be unique', async () => {
    const spec = {
      ...valid,
      steps: [
        { name: 'a', action: 'render' },
        { name: 'a', action: 'register' },
      ],
    };
    await expect(kubectl(['apply', '-f', '-'], template(spec, 'dupe-steps'))).rejects.toThrow(/step names must be unique/);
  });

  it('when a started TemplateRun is changed, then the change is refused; before it starts, it is allowed', async () => {
    const run = (name: string) =>
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'TemplateRun',
        metadata: { name: 'run-1', namespace },
        spec: { templateRef: { name: 'ts-service' }, values: { name } },
      });
    await kubectl(['apply', '-f', '-'], run('orders'));
    await kubectl(['apply', '-f', '-'], run('orders-v2'));
    await kubectl([
      'patch',
      'templaterun',
      'run-1',
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Running"}}',
    ]);
    await expect(kubectl(['apply', '-f', '-'], run('orders-v3'))).rejects.toThrow(/spec is immutable once the run has started/);
  });
});
