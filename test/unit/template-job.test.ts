import { describe, expect, it } from '@jest/globals';
import { jobNameFor, scaffoldJob } from '../../src/templates/job.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/templates/objects.ts';

const settings = { image: 'ghcr.io/greenroom-dev/greenroom:0.1.0', serviceAccountName: 'greenroom-scaffolder', ttlSecondsAfterFinished: 3600, activeDeadlineSeconds: 900 };
const run: TemplateRunObject = { metadata: { name: 'orders', namespace: 'team-a', uid: '0f8e2c1a-aaaa-bbbb-cccc-123456789abc' }, spec: { templateRef: { name: 'service' }, values: { name: 'orders; rm -rf /' } } };
const template = (steps: TemplateObject['spec']['steps']): TemplateObject => ({
  metadata: { name: 'service', namespace: 'team-a', uid: 't-1', generation: 2 },
  spec: { type: 'service', owner: 'team-platform', skeleton: { git: { url: 'https://git.example/skeletons.git', secretRef: { name: 'skeleton-reader' } } }, steps },
});
type Pod = { initContainers: { name: string; args?: string[]; env: { name: string; value?: string }[] }[]; containers: { name: string; args?: string[] }[] };
const podOf = (job: object) => (job as { spec: { template: { spec: Pod } } }).spec.template.spec;

describe('the scaffolding Job of a run', () => {
  it('when the template has only built-in steps, then one scaffolder container runs them all', () => {
    const pod = podOf(scaffoldJob(run, template([{ name: 'render', action: 'render' }, { name: 'register', action: 'register' }]), settings));
    expect(pod.initContainers).toEqual([]);
    expect(pod.containers.map((c) => [c.name, c.args])).toEqual([['greenroom-scaffold-0', ['scaffold', '--workspace', '/workspace', '--from', '0']]]);
  });

  it('when a container step sits between built-in steps, then the pod runs segment, container, segment in order', () => {
    const pod = podOf(scaffoldJob(run, template([
      { name: 'render', action: 'render' },
      { name: 'lint', action: 'run', run: { image: 'busybox', command: ['sh', '-c', 'true'] } },
      { name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example/x.git', secretRef: { name: 'pusher', passwordKey: 'token' } } },
    ]), settings));
    expect([...pod.initContainers, ...pod.containers].map((c) => c.name)).toEqual(['greenroom-scaffold-0', 'lint', 'greenroom-scaffold-2']);
    // Values reach the container step as JSON data, not in its command.
    expect(pod.initContainers[1]!.env).toEqual(expect.arrayContaining([{ name: 'GREENROOM_VALUES', value: '{"name":"orders; rm -rf /"}' }]));
  });

  it('when the template needs credentials, then they are secretKeyRefs the kubelet resolves, never values', () => {
    const job = scaffoldJob(run, template([{ name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example/x.git', secretRef: { name: 'pusher', passwordKey: 'token' } } }]), settings);
    const env = podOf(job).containers[0] as unknown as { env: object[] };
    expect(env.env).toEqual(expect.arrayContaining([
      { name: 'GREENROOM_SKELETON_PASSWORD', valueFrom: { secretKeyRef: { name: 'skeleton-reader', key: 'password' } } },
      { name: 'GREENROOM_STEP_0_PASSWORD', valueFrom: { secretKeyRef: { name: 'pusher', key: 'token' } } },
      { name: 'GREENROOM_TEMPLATE_GENERATION', value: '2' },
    ]));
  });

  it('when the run name is long, then the Job name still fits a label and stays unique per run', () => {
    const long = { ...run, metadata: { ...run.metadata, name: `${'a'.repeat(80)}.b` } };
    expect(jobNameFor(long)).toMatch(/^a{50}-0f8e2c1a$/);
    expect(jobNameFor(long).length).toBeLessThanOrEqual(63);
  });
});
