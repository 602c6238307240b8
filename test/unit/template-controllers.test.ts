import { describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import type { RawRequest } from '../../src/kube/raw-client.ts';
import { templates as templatesPart } from '../../src/operator/templates.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { fakeContext, settle, until } from '../support/fake-context.ts';

// The Template and TemplateRun controllers as a replica runs them — generic controller,
// triggers, reconcile — over a fake context. The apiserver is a recorder of requests that
// answers each with an empty object (unit test: the integration tests talk to a real one).
const template = (
  name: string,
  parameters: Record<string, unknown> = { type: 'object', properties: { name: { type: 'string' } } },
): TemplateObject => ({
  metadata: { name, namespace: 'team-a', uid: `t-${name}`, generation: 1 },
  spec: {
    type: 'service',
    owner: 'team-a',
    parameters,
    skeleton: { inline: { 'README.md': '# ${{ values.name }}\n' } },
    steps: [{ name: 'render', action: 'render' }],
  },
});
const run = (name: string, templateName: string): TemplateRunObject => ({
  metadata: { name, namespace: 'team-a', uid: `r-${name}`, generation: 1, resourceVersion: '1', creationTimestamp: '2026-03-01T00:00:00Z' },
  spec: { templateRef: { name: templateName }, values: { name: 'inventory' } },
});

function harness() {
  const requests: RawRequest[] = [];
  const context = fakeContext({ client: { request: async <T>(req: RawRequest) => (requests.push(req), {} as T) } });
  const part = templatesPart(context, {
    kubeConfig: new KubeConfig(),
    executor: 'job',
    sharedTemplateNamespaces: [],
    job: {
      image: 'registry.test/greenroom:dev',
      serviceAccountName: 'greenroom-scaffolder',
      ttlSecondsAfterFinished: 60,
      activeDeadlineSeconds: 60,
    },
  });
  const runStatusPatches = (name: string) =>
    requests
      .filter((r) => r.method === 'PATCH' && r.path.endsWith(`/templateruns/${name}/status`))
      .map((r) => (r.body as { status: { phase?: string; conditions?: { type: string; status: string; reason: string }[] } }).status);
  return { context, part, requests, runStatusPatches };
}

describe('the Template controller', () => {
  it('when a Template is applied with a broken parameter schema, then its Ready condition says so; when fixed, then it is Ready', async () => {
    const { context, part } = harness();
    await part.start();
    context.source<TemplateObject>('template').upsert(template('service', { type: 'object', properties: { name: { type: 'strin' } } }));
    const templateWrites = () =>
      context.writes
        .filter((w) => w.kind === 'Template')
        .map((w) => (w.status as { conditions: { type: string; status: string; reason: string }[] }).conditions[0]);
    await until('the Template status to be written', () => templateWrites().length === 1);
    expect(templateWrites()[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'InvalidParameters' });
    context
      .source<TemplateObject>('template')
      .upsert({ ...template('service'), metadata: { ...template('service').metadata, generation: 2 } });
    await until('the fixed Template to be written', () => templateWrites().length === 2);
    expect(templateWrites()[1]).toMatchObject({ type: 'Ready', status: 'True' });
    await part.stop();
  }, 30_000);
});

describe('the TemplateRun controller', () => {
  it('when a run names a Template that does not exist, then it waits Pending saying so; when the Template arrives, then the run is claimed and its Job created', async () => {
    const { context, part, requests, runStatusPatches } = harness();
    context.source<TemplateRunObject>('templaterun').upsert(run('inventory', 'service'));
    await part.start();
    await until('the waiting run to be written', () => runStatusPatches('inventory').length > 0);
    expect(runStatusPatches('inventory').at(-1)?.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'TemplateResolved', status: 'False', reason: 'TemplateNotFound' })]),
    );
    expect(requests.some((r) => r.method === 'POST' && r.path.endsWith('/jobs'))).toBe(false);

    // The Template's arrival is the trigger: nothing about the run itself changed.
    context.source<TemplateObject>('template').upsert(template('service'));
    await until('the Job to be created', () =>
      requests.some((r) => r.method === 'POST' && r.path === '/apis/batch/v1/namespaces/team-a/jobs'),
    );
    expect(runStatusPatches('inventory').some((s) => s.phase === 'Running')).toBe(true);
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/apis/batch/v1/namespaces/team-a/jobs')).toHaveLength(1);
    await part.stop();
  }, 30_000);

  it('when the replica is a follower, then no run is touched', async () => {
    const { context, part, requests } = harness();
    context.leader = false;
    context.source<TemplateObject>('template').upsert(template('service'));
    context.source<TemplateRunObject>('templaterun').upsert(run('inventory', 'service'));
    await part.start();
    await settle();
    expect(requests).toEqual([]);
    expect(context.writes).toEqual([]);
    await part.stop();
  });
});
