import { describe, expect, it } from '@jest/globals';
import { scaffoldJob, SERVICE_ACCOUNT_DIR, STEP_HOME, STEP_RESOURCES } from '../../src/templates/job.ts';
import { jobNameFor } from '../../src/templates/job-name.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { SNAPSHOT_DIR, takeSnapshot } from '../../src/templates/snapshot.ts';

const settings = {
  image: 'ghcr.io/greenroom-dev/greenroom:0.1.0',
  serviceAccountName: 'greenroom-scaffolder',
  ttlSecondsAfterFinished: 3600,
  activeDeadlineSeconds: 900,
};
const run: TemplateRunObject = {
  metadata: { name: 'orders', namespace: 'team-a', uid: '0f8e2c1a-aaaa-bbbb-cccc-123456789abc' },
  spec: { templateRef: { name: 'service', namespace: 'platform' }, values: { name: 'orders; rm -rf /' } },
};
const template = (steps: TemplateObject['spec']['steps']): TemplateObject => ({
  metadata: { name: 'service', namespace: 'platform', uid: 't-1', generation: 2 },
  spec: {
    type: 'service',
    owner: 'team-platform',
    skeleton: { git: { url: 'https://git.example/skeletons.git', secretRef: { name: 'skeleton-reader' } } },
    steps,
  },
});
const jobOf = (steps: TemplateObject['spec']['steps']) => scaffoldJob(run, takeSnapshot(run, template(steps)), settings);

interface Container {
  name: string;
  image: string;
  args?: string[];
  env: { name: string; value?: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Pod {
  automountServiceAccountToken: boolean;
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; projected?: { sources: object[] }; configMap?: { name: string } }[];
}
const podOf = (job: object) => (job as { spec: { template: { spec: Pod } } }).spec.template.spec;
const withContainerStep: TemplateObject['spec']['steps'] = [
  { name: 'render', action: 'render' },
  { name: 'lint', action: 'run', run: { image: 'busybox', command: ['sh', '-c', 'true'] } },
  {
    name: 'publish',
    action: 'publish:git',
    publishGit: { url: 'https://git.example/x.git', secretRef: { name: 'pusher', passwordKey: 'token' } },
  },
];

describe('the scaffolding Job of a run', () => {
  it('when the template has only built-in steps, then one scaffolder container runs them all from the snapshot', () => {
    const pod = podOf(
      jobOf([
        { name: 'render', action: 'render' },
        { name: 'register', action: 'register' },
      ]),
    );
    expect(pod.initContainers).toEqual([]);
    expect(pod.containers.map((c) => [c.name, c.args])).toEqual([
      ['greenroom-scaffold-0', ['scaffold', '--workspace', '/workspace', '--snapshot', `${SNAPSHOT_DIR}/snapshot.json`, '--from', '0']],
    ]);
  });

  it('when a container step sits between built-in steps, then the pod runs segment, container, segment in order', () => {
    const pod = podOf(jobOf(withContainerStep));
    expect([...pod.initContainers, ...pod.containers].map((c) => c.name)).toEqual(['greenroom-scaffold-0', 'lint', 'greenroom-scaffold-2']);
    // Values reach the container step as JSON data, not in its command.
    expect(pod.initContainers[1]!.env).toEqual(
      expect.arrayContaining([{ name: 'GREENROOM_VALUES', value: '{"name":"orders; rm -rf /"}' }]),
    );
  });

  it('when the pod runs, then only the scaffolder containers get the API token and the snapshot; a container step gets neither', () => {
    const pod = podOf(jobOf(withContainerStep));
    expect(pod.automountServiceAccountToken).toBe(false);
    const mountsOf = (c: Container) => c.volumeMounts.map((m) => [m.name, m.mountPath, m.readOnly ?? false]);
    for (const c of [pod.initContainers[0]!, pod.containers[0]!]) {
      expect(mountsOf(c)).toEqual(
        expect.arrayContaining([
          ['kube-api-access', SERVICE_ACCOUNT_DIR, true],
          ['run-snapshot', SNAPSHOT_DIR, true],
        ]),
      );
    }
    expect(mountsOf(pod.initContainers[1]!).map(([name]) => name)).toEqual(['workspace', 'step-home', 'step-tmp']);
    // The standard projection: a bound token, the cluster CA and the namespace.
    expect(pod.volumes.find((v) => v.name === 'kube-api-access')?.projected?.sources).toEqual([
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    expect(pod.volumes.find((v) => v.name === 'run-snapshot')?.configMap).toMatchObject({ name: `${jobNameFor(run)}-snapshot` });
  });

  it('when the template needs credentials, then they are secretKeyRefs the kubelet resolves, never values', () => {
    const pod = podOf(
      jobOf([
        {
          name: 'publish',
          action: 'publish:git',
          publishGit: { url: 'https://git.example/x.git', secretRef: { name: 'pusher', passwordKey: 'token' } },
        },
      ]),
    );
    expect(pod.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'GREENROOM_SKELETON_PASSWORD', valueFrom: { secretKeyRef: { name: 'skeleton-reader', key: 'password' } } },
        { name: 'GREENROOM_STEP_0_PASSWORD', valueFrom: { secretKeyRef: { name: 'pusher', key: 'token' } } },
        { name: 'GREENROOM_RUN_UID', value: run.metadata.uid },
      ]),
    );
  });

  it("when a container step runs, then its HOME and /tmp are volumes of its own, not the scaffolder's, so nothing it plants there reaches the git that holds the credentials", () => {
    const pod = podOf(jobOf(withContainerStep));
    const [scaffolder, step] = [pod.initContainers[0]!, pod.initContainers[1]!];
    const volumeAt = (c: Container, path: string) => c.volumeMounts.find((m) => m.mountPath === path)?.name;
    expect(step.env).toEqual(expect.arrayContaining([{ name: 'HOME', value: STEP_HOME }]));
    expect(volumeAt(step, STEP_HOME)).toBe('step-home');
    expect(volumeAt(step, '/tmp')).toBe('step-tmp');
    expect(volumeAt(scaffolder, '/tmp')).toBe('tmp');
    expect(scaffolder.env).toEqual(expect.arrayContaining([{ name: 'HOME', value: '/tmp' }]));
    // Only the workspace (the rendered tree) is shared.
    const shared = step.volumeMounts.map((m) => m.name).filter((name) => scaffolder.volumeMounts.some((m) => m.name === name));
    expect(shared).toEqual(['workspace']);
    expect(pod.volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['step-home', 'step-tmp', 'tmp']));
  });

  it('when a template has only built-in steps, then no container-step volumes are added', () => {
    const pod = podOf(jobOf([{ name: 'render', action: 'render' }]));
    expect(pod.volumes.map((v) => v.name)).not.toEqual(expect.arrayContaining(['step-home']));
  });

  it('when a container step runs, then it has cpu, memory and ephemeral-storage requests and limits', () => {
    const step = podOf(jobOf(withContainerStep)).initContainers[1] as Container & { resources?: object };
    expect(step.resources).toEqual(STEP_RESOURCES);
    for (const kind of ['requests', 'limits'] as const)
      expect(Object.keys(STEP_RESOURCES[kind]).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
  });

  it('when a container step sets some of its resources, then those replace the defaults and the rest stay', () => {
    const steps: TemplateObject['spec']['steps'] = [
      {
        name: 'build',
        action: 'run',
        run: { image: 'node:24', command: ['npm', 'ci'], resources: { requests: { memory: '1Gi' }, limits: { memory: '4Gi', cpu: '2' } } },
      },
    ];
    const step = podOf(jobOf(steps)).initContainers[1] as Container & { resources?: object };
    expect(step.resources).toEqual({
      requests: { ...STEP_RESOURCES.requests, memory: '1Gi' },
      limits: { ...STEP_RESOURCES.limits, memory: '4Gi', cpu: '2' },
    });
  });

  it("when the operator read the Secrets' allowed hosts and allows http, then the scaffolder containers are told both as plain values", () => {
    const job = scaffoldJob(
      run,
      takeSnapshot(run, template(withContainerStep)),
      { ...settings, allowHttpGit: true },
      { GREENROOM_STEP_2_ALLOWED_HOSTS: 'git.example' },
    );
    const pod = podOf(job);
    for (const c of [pod.initContainers[0]!, pod.containers[0]!]) {
      expect(c.env).toEqual(
        expect.arrayContaining([
          { name: 'GREENROOM_STEP_2_ALLOWED_HOSTS', value: 'git.example' },
          { name: 'GREENROOM_ALLOW_HTTP_GIT', value: '1' },
        ]),
      );
    }
    expect(pod.initContainers[1]!.env.map((e) => e.name)).not.toContain('GREENROOM_STEP_2_ALLOWED_HOSTS');
    expect(podOf(jobOf(withContainerStep)).containers[0]!.env.map((e) => e.name)).not.toContain('GREENROOM_ALLOW_HTTP_GIT');
  });

  it('when the run name is long, then the Job name still fits a label and stays unique per run', () => {
    const long = { ...run, metadata: { ...run.metadata, name: `${'a'.repeat(80)}.b` } };
    expect(jobNameFor(long)).toMatch(/^a{48}-0f8e2c1a$/);
    // 57 at most: the pods' names ("<job>-" cut at 58, plus 5 characters) keep the whole Job name.
    expect(jobNameFor(long).length).toBeLessThanOrEqual(57);
  });
});
