// End to end, as a platform team runs Greenroom: the image built from the Dockerfile, the
// Helm chart installed with its default values into a namespace that enforces the
// restricted Pod Security profile, real pods on a real node (containerd, kubelet,
// kube-proxy), scaffolding Jobs run by the kubelet. The tests share one cluster and one
// release and run in order, as the release's life does: install, use, lose the leader,
// upgrade, uninstall.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { hostAddress } from '../../src/local-cluster/node.ts';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { pushFiles } from '../support/git-repos.ts';
import { eventually } from '../support/operator.ts';
import { cloneOf, GIT_USER, gitSecret } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';
import {
  applySampleCatalog,
  dashboardShows,
  LOCAL_IMAGE_VALUES,
  restrictedNamespace,
  startGreenroomNode,
  type GreenroomNode,
} from '../support/greenroom-on-node.ts';

const run = promisify(execFile);
// A cold image build takes about 4 minutes; starting the node 10–20 s; each test below
// waits on pods, which take seconds each.
jest.setTimeout(15 * 60_000);

const root = fileURLToPath(new URL('../../', import.meta.url));
const chart = join(root, 'helm/greenroom');
const namespace = 'greenroom';
const catalogNamespace = 'pageturner';
const newDir = tempDirs('chart-e2e-');
// Beyond the image: the test's git server speaks plain http (git.allowHttp), and the one
// git Secret the Templates and the DocSource use is named for the operator to read.
const VALUES = [...LOCAL_IMAGE_VALUES, '--set', 'git.allowHttp=true', '--set', 'rbac.secretNames={greenroom-git}'];

let node: GreenroomNode;
let git: GitServer;
let dashboard: string;

interface PodObject {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: {
    phase: string;
    conditions?: { type: string; status: string }[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}
interface ContainerStatus {
  name: string;
  state: { terminated?: { exitCode: number } };
}
type Status = { phase?: string; conditions?: { type: string; status: string; reason?: string }[] } & Record<string, unknown>;

const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await node.kubectl([...args, '-o', 'json'])) as T;
const operatorPods = async (): Promise<PodObject[]> =>
  (await getJson<{ items: PodObject[] }>(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/component=operator'])).items;
const ready = (pod: PodObject) =>
  pod.status.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const twoReadyOperators = (timeoutMs = 120_000) =>
  eventually(
    'two operator pods Running and Ready',
    async () => {
      const pods = await operatorPods();
      return pods.length === 2 && pods.every(ready) ? pods : undefined;
    },
    timeoutMs,
  );
const leader = async (): Promise<string> =>
  (await getJson<{ spec: { holderIdentity?: string } }>(['get', 'lease', 'greenroom-operator', '-n', namespace])).spec.holderIdentity ?? '';
const statusOf = async (plural: string, name: string, ns = namespace): Promise<Status> =>
  (await getJson<{ status?: Status }>(['get', plural, name, '-n', ns])).status ?? {};
const isReady = (status: Status) => status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const page = async (path: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${dashboard}${path}`);
  return { status: res.status, text: await res.text() };
};
const apply = (yaml: string, ns = namespace) => node.kubectl(['apply', '-n', ns, '-f', '-'], yaml);

/** The TypeScript service golden path with a container step, run in the Greenroom image (it has a shell), between render and publish. */
async function templateWithStep(name: string, script: string): Promise<string> {
  const golden = parse(await readFile(join(root, 'templates/typescript-service/template.yaml'), 'utf8')) as TemplateObject;
  const steps = [...golden.spec.steps];
  steps.splice(1, 0, { name: 'build-info', action: 'run', run: { image: node.image, command: ['sh', '-c', script] } });
  return JSON.stringify({ ...golden, metadata: { name }, spec: { ...golden.spec, steps } });
}

async function startRun(name: string, template: string, repository: string): Promise<string> {
  const remote = await git.createRepository(repository);
  await node.kubectl(
    ['create', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'TemplateRun',
      metadata: { name },
      spec: { templateRef: { name: template }, values: { name: repository, owner: 'team-storefront', repoUrl: remote } },
    }),
  );
  return remote;
}

const finished = (name: string, timeoutMs = 120_000) =>
  eventually(
    `TemplateRun ${name} to finish`,
    async () => {
      const object = await getJson<TemplateRunObject>(['get', 'templaterun', name, '-n', namespace]);
      return object.status?.phase === 'Succeeded' || object.status?.phase === 'Failed' ? object : undefined;
    },
    timeoutMs,
  );

beforeAll(async () => {
  node = await startGreenroomNode(root, (line) => process.stderr.write(`${line}\n`));
  // Pods reach the host's address, not its loopback: the git server listens there.
  git = await startGitServer({ credentials: GIT_USER, address: hostAddress() });
});

afterAll(async () => {
  await git?.stop();
  await node?.stop();
});

describe('Greenroom installed with Helm onto a real node', () => {
  it('when the chart is installed with its default values into a restricted namespace, then two operator pods are Ready, one leads, and the dashboard answers through the Service with the sample catalog', async () => {
    await restrictedNamespace(node, namespace);
    const install = await node.helm(['install', 'greenroom', chart, '-n', namespace, ...VALUES]);
    // The apiserver warns (and with enforce, refuses) for any pod template that breaks the profile.
    expect(install.stderr).not.toMatch(/PodSecurity|would violate/);

    const pods = await twoReadyOperators();
    expect(pods.map((p) => p.spec.nodeName)).toEqual(['greenroom-node', 'greenroom-node']);
    const holder = await eventually('a leader', async () => (await leader()) || undefined);
    expect(pods.map((p) => p.metadata.name)).toContain(holder);

    dashboard = await node.serviceUrl(namespace, 'greenroom');
    const home = await page('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<title>Home · Greenroom');

    await node.kubectl(['create', 'namespace', catalogNamespace]);
    const entities = await applySampleCatalog(node, root, catalogNamespace);
    await dashboardShows(dashboard, catalogNamespace, entities, 60_000);
    // The pages, not only the API: a sample component's page through the Service.
    const storefront = await page(`/catalog/component/${catalogNamespace}/web-storefront`);
    expect(storefront.status).toBe(200);
    expect(storefront.text).toContain('team-storefront');
  });

  describe('a TemplateRun as a scaffolding Job whose pod the kubelet runs', () => {
    beforeAll(async () => {
      for (const file of ['template.yaml', 'skeleton.configmap.yaml'])
        await apply(await readFile(join(root, 'templates/typescript-service', file), 'utf8'));
      await gitSecret(namespace, git.url, (args) => node.kubectl(args));
      await apply('apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-storefront}\nspec: {type: team}\n');
    });

    it("when it runs, then its init containers and the container step run in the node's containerd, the repository is pushed, the ServiceAccount token reaches only the scaffolder, and the Component is registered", async () => {
      // The container step records what it sees: the run's values, and whether a token is mounted.
      await apply(
        await templateWithStep(
          'service-with-build',
          'printf "%s\\n" "$GREENROOM_VALUES" > BUILD-INFO.json; ' +
            'if [ -e /var/run/secrets/kubernetes.io/serviceaccount/token ]; then echo present; else echo absent; fi > TOKEN-SEEN-BY-STEP',
        ),
      );
      const remote = await startRun('payments', 'service-with-build', 'payments');
      const done = await finished('payments');
      expect(done.status?.steps?.map((s) => [s.name, s.phase])).toEqual([
        ['render', 'Succeeded'],
        ['build-info', 'Succeeded'],
        ['publish', 'Succeeded'],
        ['register', 'Succeeded'],
      ]);
      expect(done.status?.phase).toBe('Succeeded');
      expect(JSON.stringify(done.status)).not.toContain(GIT_USER.password);

      // The kubelet ran the pod: every container terminated with 0, on the node.
      const [pod] = (await getJson<{ items: PodObject[] }>(['get', 'pods', '-n', namespace, '-l', `job-name=${done.status?.jobName}`]))
        .items;
      expect(pod?.spec.nodeName).toBe('greenroom-node');
      expect(pod?.status.phase).toBe('Succeeded');
      expect(
        [...(pod?.status.initContainerStatuses ?? []), ...(pod?.status.containerStatuses ?? [])].map((c) => [
          c.name,
          c.state.terminated?.exitCode,
        ]),
      ).toEqual([
        ['greenroom-scaffold-0', 0],
        ['build-info', 0],
        ['greenroom-scaffold-2', 0],
      ]);

      const clone = await cloneOf(remote, newDir());
      expect(JSON.parse(await readFile(join(clone, 'BUILD-INFO.json'), 'utf8'))).toMatchObject({
        name: 'payments',
        owner: 'team-storefront',
      });
      expect(JSON.parse(await readFile(join(clone, 'package.json'), 'utf8'))).toMatchObject({ name: 'payments' });
      expect((await readFile(join(clone, 'TOKEN-SEEN-BY-STEP'), 'utf8')).trim()).toBe('absent');

      const component = await eventually('the registered Component to be Ready', async () => {
        const status = await statusOf('components', 'payments');
        return isReady(status) ? status : undefined;
      });
      expect(component.relations).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'ownedBy', target: `group:${namespace}/team-storefront` })]),
      );
    });

    it('when its container step exits non-zero in the pod, then the run fails at that step and nothing is pushed', async () => {
      await apply(await templateWithStep('service-with-failing-build', 'echo "lint failed" >&2; exit 3'));
      await startRun('failing', 'service-with-failing-build', 'failing');
      const done = await finished('failing');
      expect(done.status?.steps?.map((s) => s.phase)).toEqual(['Succeeded', 'Failed', 'Skipped', 'Skipped']);
      expect(done.status?.conditions?.find((c) => c.type === 'Succeeded')).toMatchObject({ status: 'False', reason: 'StepFailed' });
      const pushed = await run('git', [
        '--git-dir',
        join(git.root, 'failing.git'),
        'rev-parse',
        '--verify',
        '--quiet',
        'refs/heads/main',
      ]).then(
        () => true,
        () => false,
      );
      expect(pushed).toBe(false);
    });
  });

  it('when a DocSource names a git repository, then the leader pod fetches and builds it (read-only root, /tmp only) and the reader serves it through the Service', async () => {
    const remote = await git.createRepository('checkout-docs');
    const source = join(root, 'examples/docs/checkout-service');
    const files: Record<string, string> = {};
    for (const entry of await readdir(source, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        files[relative(source, join(entry.parentPath, entry.name))] = await readFile(join(entry.parentPath, entry.name), 'utf8');
    }
    await pushFiles(newDir(), remote, GIT_USER, { files, message: 'docs' });
    await apply(
      `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: checkout-docs}\nspec:\n  entityRef: payments\n  source:\n    git: {url: "${remote}", ref: main, secretRef: {name: greenroom-git}}\n`,
    );
    const status = await eventually(
      'the DocSource to be Ready',
      async () => {
        const s = await statusOf('docsources', 'checkout-docs');
        return s.phase === 'Ready' ? s : s.phase === 'Failed' ? Promise.reject(new Error(JSON.stringify(s.conditions))) : undefined;
      },
      120_000,
    );
    expect(status).toMatchObject({ siteName: 'Checkout service', pageCount: 4 });
    const reader = await eventually('the reader to serve the site', async () => {
      const p = await page(`/docs/${namespace}/checkout-docs`);
      return p.status === 200 ? p.text : undefined;
    });
    expect(reader).toContain("The checkout service turns a reader's basket into an order");
  });

  it('when a Deployment labelled for a Component runs on the node, then a Scorecard scores its ready replicas as the deployment controller counts them', async () => {
    await apply(
      [
        'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: team-storefront}\n',
        `apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: availability}
spec:
  selector: {kinds: [Component], types: [service]}
  levels: [{name: bronze}, {name: gold}]
  rules:
    - {name: has-owner, level: bronze, expression: "has(self.spec.owner)", description: Every service has an owner}
    - {name: redundant, level: gold, expression: "facts.hasWorkload && facts.readyReplicas >= 2", description: At least two ready replicas}
`,
        // The probe image answers HTTP; its readiness probe is what makes a replica ready.
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, labels: {greenroom.dev/component: orders}}
spec:
  replicas: 2
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 65535, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: orders
          image: greenroom.local/probe:v1
          imagePullPolicy: Never
          args: [serve]
          readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`,
      ].join('---\n'),
    );
    const levelOf = async (name: string) =>
      ((await statusOf('components', name)).scorecards as { scorecard: string; level?: string }[] | undefined)?.find(
        (s) => s.scorecard === `${namespace}/availability`,
      )?.level;
    const levelBecomes = (level: string) =>
      eventually(`orders to reach ${level}`, async () => ((await levelOf('orders')) === level ? level : undefined), 90_000);
    await levelBecomes('gold');
    await node.kubectl(['scale', 'deployment', 'orders', '-n', namespace, '--replicas=1']);
    await levelBecomes('bronze');
  });

  it('when the leader pod is deleted, then the other pod takes over and nothing is lost: a run started meanwhile finishes once, a new entity is resolved, earlier status stays', async () => {
    const before = await leader();
    const count = (JSON.parse((await page(`/api/v1/entities?namespace=${catalogNamespace}&limit=1`)).text) as { total: number }).total;
    await node.kubectl(['delete', 'pod', before, '-n', namespace, '--wait=false']);
    const remote = await startRun('during-takeover', 'service-with-build', 'during-takeover');
    await apply('apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-late}\nspec: {type: team}\n', catalogNamespace);

    const after = await eventually(
      'another pod to lead',
      async () => {
        const holder = await leader();
        return holder && holder !== before ? holder : undefined;
      },
      60_000,
    );
    expect((await operatorPods()).map((p) => p.metadata.name)).toContain(after);

    expect((await finished('during-takeover')).status?.phase).toBe('Succeeded');
    const commits = await run('git', ['--git-dir', join(git.root, 'during-takeover.git'), 'rev-list', '--count', 'main']);
    expect(commits.stdout.trim()).toBe('1');
    expect(remote).toContain('during-takeover');
    await eventually('the new Group to be resolved', async () =>
      isReady(await statusOf('groups', 'team-late', catalogNamespace)) ? true : undefined,
    );
    await dashboardShows(dashboard, catalogNamespace, count + 1, 60_000);
    expect((await getJson<TemplateRunObject>(['get', 'templaterun', 'payments', '-n', namespace])).status?.phase).toBe('Succeeded');
    expect(isReady(await statusOf('docsources', 'checkout-docs'))).toBe(true);
    // The Deployment replaces the deleted pod.
    await twoReadyOperators();
  });

  it('when the release is upgraded with the same values, then nothing changes: same manifest, same pods, no rollout', async () => {
    const podsBefore = (await operatorPods()).map((p) => p.metadata.uid).sort();
    const generation = async () =>
      (await getJson<{ metadata: { generation: number } }>(['get', 'deployment', 'greenroom', '-n', namespace])).metadata.generation;
    const generationBefore = await generation();
    await node.helm(['upgrade', 'greenroom', chart, '-n', namespace, ...VALUES]);
    const manifest = async (revision: number) =>
      (await node.helm(['get', 'manifest', 'greenroom', '-n', namespace, `--revision=${revision}`])).stdout;
    expect(await manifest(2)).toBe(await manifest(1));
    expect(await generation()).toBe(generationBefore);
    expect((await operatorPods()).map((p) => p.metadata.uid).sort()).toEqual(podsBefore);
  });

  it('when the release is uninstalled, then the operator is gone and the catalog stays: CRDs, entities and their status', async () => {
    const components = async () => (await getJson<{ items: unknown[] }>(['get', 'components', '-A'])).items.length;
    const before = await components();
    await node.helm(['uninstall', 'greenroom', '-n', namespace, '--wait']);
    await eventually('the operator pods to be gone', async () => ((await operatorPods()).length === 0 ? true : undefined), 60_000);
    expect(await components()).toBe(before);
    expect(isReady(await statusOf('components', 'payments'))).toBe(true);
    const crds = await getJson<{ items: { metadata: { name: string } }[] }>(['get', 'crd', '-l', 'app.kubernetes.io/part-of=greenroom']);
    expect(crds.items.map((c) => c.metadata.name)).toEqual(
      expect.arrayContaining(['components.greenroom.dev', 'templateruns.greenroom.dev']),
    );
  });
});
