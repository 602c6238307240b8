import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import type { TemplateObject } from '../../src/api/objects.ts';
import { playNode, type JobObject } from '../support/job-node.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators, statusOf } from '../support/operator.ts';
import { allowGitHost, cloneOf, createRun, finished, getRun, GIT_USER, gitServers, templateNamespace } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Template runs through the default executor, a Kubernetes Job per run. No kubelet runs
// here, for speed, so the harness plays the node (test/support/job-node.ts): it runs the Job's
// containers' commands locally, in order, with their env and the pod's ServiceAccount
// token, and writes the Job's status as the job controller would. The same two runs (a
// container step that succeeds, one that fails) go through a real kubelet in
// test/node/chart.test.ts.
const namespace = 'templates-job';
const IMAGE = 'registry.test/greenroom:dev';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('job-run-');
let git: GitServer;

const root = fileURLToPath(new URL('../../', import.meta.url));
const golden = parse(readFileSync(join(root, 'templates/typescript-service/template.yaml'), 'utf8')) as TemplateObject;

/** The TypeScript service golden path with a container step between render and publish. */
async function applyTemplateWithContainerStep(name: string, script: string): Promise<void> {
  const steps = [...golden.spec.steps];
  steps.splice(1, 0, {
    name: 'build-info',
    action: 'run',
    run: { image: 'docker.io/library/busybox:1.36', command: ['sh', '-c', script] },
  });
  await kubectl(['apply', '-n', namespace, '-f', '-'], JSON.stringify({ ...golden, metadata: { name }, spec: { ...golden.spec, steps } }));
}

const jobOf = async (run: string): Promise<JobObject> => {
  const jobName = await eventually(`run ${run} to start its Job`, async () => (await getRun(namespace, run)).status?.jobName);
  return JSON.parse(await kubectl(['get', 'job', jobName, '-n', namespace, '-o', 'json']));
};

beforeAll(async () => {
  await templateNamespace(namespace);
  await kubectl(['apply', '-n', namespace, '-f', join(root, 'examples/scaffolder/rbac.yaml')]);
  git = await newGitServer();
  await allowGitHost(namespace, git.url);
  await start({ templateExecutor: 'job', scaffoldImage: IMAGE, scaffoldJobTtlSeconds: 600 });
});

describe('a template run through a scaffolding Job (the harness plays the node)', () => {
  it("when the harness runs the Job's containers as the node would, then the repository holds the rendered files and the container step's output, and the Component is in the catalog", async () => {
    await applyTemplateWithContainerStep('service-with-build', 'printf "%s\\n" "$GREENROOM_VALUES" > BUILD-INFO.json');
    const remote = await git.createRepository('payments');
    await createRun(namespace, 'payments', 'service-with-build', {
      name: 'payments',
      owner: 'team-storefront',
      system: 'storefront',
      repoUrl: remote,
    });
    const job = await jobOf('payments');

    // The Job as a platform team would want it.
    const run = await getRun(namespace, 'payments');
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'TemplateRun', name: 'payments', uid: run.metadata.uid, controller: true }),
    ]);
    expect(job.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 900 });
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('greenroom-scaffolder');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect([...pod.initContainers!, ...pod.containers].map((c) => c.name)).toEqual([
      'greenroom-scaffold-0',
      'build-info',
      'greenroom-scaffold-2',
    ]);
    for (const c of [...pod.initContainers!, ...pod.containers])
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(JSON.stringify(job)).not.toContain(GIT_USER.password);
    expect(pod.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'GREENROOM_STEP_2_PASSWORD', valueFrom: { secretKeyRef: { name: 'greenroom-git', key: 'password' } } },
      ]),
    );

    const node = await playNode(namespace, job.metadata.name, IMAGE);
    // Only the scaffolder's containers are given the ServiceAccount token; the container step is not.
    expect(node.containers.map((c) => [c.name, c.code, c.apiAccess])).toEqual([
      ['greenroom-scaffold-0', 0, true],
      ['build-info', 0, false],
      ['greenroom-scaffold-2', 0, true],
    ]);
    // The pod's volumes (its ServiceAccount token among them) go with it.
    expect(existsSync(node.workDir)).toBe(false);

    const done = await finished(namespace, 'payments');
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.map((s) => [s.name, s.phase])).toEqual([
      ['render', 'Succeeded'],
      ['build-info', 'Succeeded'],
      ['publish', 'Succeeded'],
      ['register', 'Succeeded'],
    ]);
    expect(done.status?.outputs?.entityRefs).toEqual([`component:${namespace}/payments`]);
    expect(JSON.stringify(done.status)).not.toContain(GIT_USER.password);

    const clone = await cloneOf(remote, newDir());
    expect(JSON.parse(await readFile(join(clone, 'BUILD-INFO.json'), 'utf8'))).toMatchObject({
      name: 'payments',
      owner: 'team-storefront',
    });
    expect(JSON.parse(await readFile(join(clone, 'package.json'), 'utf8'))).toMatchObject({ name: 'payments' });
    const component = await eventually('the registered Component to be Ready', async () => {
      const status = await statusOf(namespace, 'components', 'payments');
      return status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? status : undefined;
    });
    expect(component.relations).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ownedBy', target: `group:${namespace}/team-storefront` })]),
    );
  });

  it('when the container step fails on the node, then the run fails at that step and the later steps are skipped', async () => {
    await applyTemplateWithContainerStep('service-with-failing-build', 'echo "lint failed" >&2; exit 3');
    await createRun(namespace, 'failing', 'service-with-failing-build', {
      name: 'failing',
      owner: 'team-storefront',
      repoUrl: await git.createRepository('failing'),
    });
    const job = await jobOf('failing');
    const node = await playNode(namespace, job.metadata.name, IMAGE);
    expect(node.containers.map((c) => c.code)).toEqual([0, 3]);
    const done = await finished(namespace, 'failing');
    expect(done.status?.steps?.map((s) => s.phase)).toEqual(['Succeeded', 'Failed', 'Skipped', 'Skipped']);
    expect(done.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({
      status: 'False',
      reason: 'StepFailed',
      message: expect.stringMatching(/step build-info failed: the scaffolding Job failed \(BackoffLimitExceeded/),
    });
  });

  it('when a running run is deleted, then its Job is garbage-collected with it', async () => {
    await createRun(namespace, 'cancelled', 'typescript-service', {
      name: 'cancelled',
      owner: 'team-storefront',
      repoUrl: `${git.url}/cancelled.git`,
    });
    const job = await jobOf('cancelled');
    await kubectl(['delete', 'templaterun', 'cancelled', '-n', namespace, '--wait=false']);
    await eventually(
      'the Job to be deleted with its run',
      async () => {
        try {
          await kubectl(['get', 'job', job.metadata.name, '-n', namespace]);
          return undefined;
        } catch (error) {
          return /not found/i.test(String(error)) ? true : undefined;
        }
      },
      30_000,
    );
  });

  it("when a container step plants a ~/.gitconfig whose url.insteadOf points the push at another server, then the push still goes to the run's repository and that server never sees the token", async () => {
    const attacker = await startGitServer();
    try {
      // The attacker's server holds a repository of the same name and asks for no password.
      await attacker.createRepository('redirected');
      const remote = await git.createRepository('redirected');
      await applyTemplateWithContainerStep(
        'plants-gitconfig',
        `printf '[url "%s/"]\\n\\tinsteadOf = %s/\\n' '${attacker.url}' '${git.url}' > "$HOME/.gitconfig"`,
      );
      await createRun(namespace, 'redirected', 'plants-gitconfig', { name: 'redirected', owner: 'team-storefront', repoUrl: remote });
      const node = await playNode(namespace, (await jobOf('redirected')).metadata.name, IMAGE);
      expect(node.containers.map((c) => [c.name, c.code])).toEqual([
        ['greenroom-scaffold-0', 0],
        ['build-info', 0],
        ['greenroom-scaffold-2', 0],
      ]);
      const done = await finished(namespace, 'redirected');
      expect(done.status?.phase).toBe('Succeeded');
      expect(attacker.requests).toEqual([]);
      expect(JSON.parse(await readFile(join(await cloneOf(remote, newDir()), 'package.json'), 'utf8'))).toMatchObject({
        name: 'redirected',
      });
    } finally {
      await attacker.stop();
    }
  });

  it("when a container step plants a .git/config with core.fsmonitor in the rendered tree, then the scaffolder's git never runs it and the push succeeds without it", async () => {
    const marker = join(newDir(), 'fsmonitor-ran');
    const remote = await git.createRepository('fsmonitor');
    await applyTemplateWithContainerStep(
      'plants-fsmonitor',
      `mkdir -p .git && printf '[core]\\n\\tfsmonitor = "env > ${marker}; false #"\\n' > .git/config`,
    );
    await createRun(namespace, 'fsmonitor', 'plants-fsmonitor', { name: 'fsmonitor', owner: 'team-storefront', repoUrl: remote });
    const node = await playNode(namespace, (await jobOf('fsmonitor')).metadata.name, IMAGE);
    expect(node.containers.map((c) => c.code)).toEqual([0, 0, 0]);
    expect((await finished(namespace, 'fsmonitor')).status?.phase).toBe('Succeeded');
    expect(existsSync(marker)).toBe(false);
    const clone = await cloneOf(remote, newDir());
    expect(existsSync(join(clone, 'package.json'))).toBe(true);
  });

  it('when the scaffolder ServiceAccount is asked, then it may report on runs and register entities but not read Secrets, Templates or ConfigMaps, nor create Deployments', async () => {
    const as = `--as=system:serviceaccount:${namespace}:greenroom-scaffolder`;
    const can = async (...args: string[]) =>
      (await kubectl(['auth', 'can-i', ...args, '-n', namespace, as]).catch((e: Error) => e.message.split(': ').pop()!)).trim();
    expect(await can('patch', 'templateruns.greenroom.dev', '--subresource=status')).toBe('yes');
    expect(await can('create', 'components.greenroom.dev')).toBe('yes');
    expect(await can('get', 'secrets')).toBe('no');
    // What a run needs of its Template comes in the snapshot the Job mounts.
    expect(await can('get', 'templates.greenroom.dev')).toBe('no');
    expect(await can('get', 'configmaps')).toBe('no');
    expect(await can('create', 'deployments.apps')).toBe('no');
    expect(await can('update', 'templateruns.greenroom.dev')).toBe('no');
  });
});
