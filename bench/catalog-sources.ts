// A git CatalogSource with 10,000 Backstage catalog files (issue 16): the time to the first
// complete sync, the time for one changed file to reach the catalog after its signed push
// webhook, and the operator's memory while it syncs. The floor is the bare write: the same
// 10,000 converted entities server-side applied by this process with the concurrency the
// sync uses, with nothing read, converted or planned. Replaces only the "Catalog sources"
// section of BENCHMARKS.md.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { API_VERSION } from '../src/api/v1alpha1/group-version.ts';
import { installCrds } from '../src/kube/apply.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { RawKubeClient } from '../src/kube/raw-client.ts';
import { startControlPlane } from '../src/local-cluster/control-plane.ts';
import { startGitServer } from '../src/local-cluster/git-server.ts';
import { freePort } from '../src/local-cluster/ports.ts';
import { writeBenchmarksSection } from './benchmarks-file.ts';
import { kubectlFor } from './kubectl.ts';
import { startOperatorProcess } from './operator-process.ts';
import { inParallel } from './synthetic-catalog.ts';

const FILES = 10_000;
const NAMESPACE = 'bench-sources';
const FLOOR_NAMESPACE = 'bench-sources-floor';
/** As the sync's writes (src/controllers/catalog-source/controller.ts, writeConcurrency). */
const WRITE_CONCURRENCY = 8;
const HOOK_SECRET = 'bench-hook-secret';
const USER = { username: 'bench', password: 'bench-password' };
const run = promisify(execFile);
const log = (line: string): void => void process.stderr.write(`[catalog-sources] ${line}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const name = (i: number) => `svc-${String(i).padStart(5, '0')}`;
const componentFile = (i: number, owner = `team-${i % 50}`) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name(i)}\n  description: Service ${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const controlPlane = await startControlPlane({ log });
const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
const client = new RawKubeClient(kubeConfig);
const kubectl = kubectlFor(controlPlane);
const git = await startGitServer({ credentials: USER });
const work = await mkdtemp(join(tmpdir(), 'greenroom-bench-sources-'));
let operator: Awaited<ReturnType<typeof startOperatorProcess>> | undefined;
try {
  await installCrds(kubeConfig, fileURLToPath(new URL('../crds/', import.meta.url)));
  for (const ns of [NAMESPACE, FLOOR_NAMESPACE]) await kubectl(['create', 'namespace', ns]);

  log(`writing and pushing ${FILES} catalog files`);
  const remote = await git.createRepository('catalog');
  for (let i = 0; i < FILES; i++) {
    const dir = join(work, 'services', name(i));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'catalog-info.yaml'), componentFile(i));
  }
  const gitIn = (...args: string[]) =>
    run('git', args, {
      cwd: work,
      maxBuffer: 64 << 20,
      env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' },
    });
  const authed = remote.replace('http://', `http://${USER.username}:${USER.password}@`);
  await gitIn('init', '--quiet', '--initial-branch=main');
  await gitIn('add', '--all');
  await gitIn('commit', '--quiet', '-m', 'catalog');
  await gitIn('push', '--quiet', authed, 'main');

  log('floor: the same entities server-side applied directly');
  const floorStart = performance.now();
  await inParallel(
    Array.from({ length: FILES }, (_, i) => i),
    WRITE_CONCURRENCY,
    async (i) => {
      await client.request({
        method: 'PATCH',
        path: `/apis/greenroom.dev/v1alpha1/namespaces/${FLOOR_NAMESPACE}/components/${name(i)}`,
        query: { fieldManager: 'bench-floor', force: 'true' },
        contentType: 'application/apply-patch+yaml',
        body: {
          apiVersion: API_VERSION,
          kind: 'Component',
          metadata: { name: name(i), namespace: FLOOR_NAMESPACE },
          spec: { type: 'service', lifecycle: 'production', owner: `team-${i % 50}`, description: `Service ${i}` },
        },
      });
    },
  );
  const floor = seconds(floorStart);
  log(`floor: ${floor.toFixed(1)} s`);
  await kubectl(['delete', 'namespace', FLOOR_NAMESPACE, '--wait=true', '--timeout=300s']);

  await kubectl([
    'create',
    'secret',
    'generic',
    'git',
    '-n',
    NAMESPACE,
    `--from-literal=username=${USER.username}`,
    `--from-literal=password=${USER.password}`,
  ]);
  await kubectl(['annotate', 'secret', 'git', '-n', NAMESPACE, `greenroom.dev/allowed-hosts=${new URL(git.url).host}`]);
  await kubectl(['create', 'secret', 'generic', 'hook', '-n', NAMESPACE, `--from-literal=secret=${HOOK_SECRET}`]);
  operator = await startOperatorProcess(controlPlane.kubeconfigPath, NAMESPACE, await freePort(), 8, {
    extraArgs: ['--allow-http-git', 'true'],
  });
  const idleRss = operator.rssMiB();
  const status = async () =>
    (
      (await client.request({ method: 'GET', path: `/apis/greenroom.dev/v1alpha1/namespaces/${NAMESPACE}/catalogsources/catalog` })) as {
        status?: { counts?: { entities: number }; conditions?: { type: string; status: string }[] };
      }
    ).status;

  log('first sync');
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, operator!.rssMiB())), 200);
  const syncStart = performance.now();
  await kubectl(
    ['apply', '-n', NAMESPACE, '-f', '-'],
    `apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: catalog}\nspec:\n  interval: 1h\n  git:\n    url: ${remote}\n    secretRef: {name: git}\n    webhookSecretRef: {name: hook}\n`,
  );
  await until(
    'the first complete sync',
    async () => {
      const s = await status();
      return s?.counts?.entities === FILES && s.conditions?.some((c) => c.type === 'Synced' && c.status === 'True') === true;
    },
    900_000,
    250,
  );
  const firstSync = seconds(syncStart);
  clearInterval(sampler);
  const afterRss = operator.rssMiB();
  log(`first sync: ${firstSync.toFixed(1)} s, RSS idle ${idleRss.toFixed(0)} MiB, peak ${peakRss.toFixed(0)} MiB`);

  log('one changed file, pushed with a signed webhook');
  await writeFile(join(work, 'services', name(4242), 'catalog-info.yaml'), componentFile(4242, 'team-moved'));
  await gitIn('commit', '--quiet', '-am', 'move svc-04242');
  await gitIn('push', '--quiet', authed, 'main');
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const changeStart = performance.now();
  const answer = await fetch(`${operator.url}/hooks/catalogsources/${NAMESPACE}/catalog`, {
    method: 'POST',
    headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}` },
    body,
  });
  if (answer.status !== 202) throw new Error(`the webhook answered ${answer.status}`);
  await until(
    'the changed file in the catalog',
    async () => {
      const component = (await client.request({
        method: 'GET',
        path: `/apis/greenroom.dev/v1alpha1/namespaces/${NAMESPACE}/components/${name(4242)}`,
      })) as {
        spec: { owner: string };
      };
      return component.spec.owner === 'team-moved';
    },
    300_000,
    50,
  );
  const oneChange = seconds(changeStart);
  log(`one changed file: ${oneChange.toFixed(1)} s`);

  writeBenchmarksSection(
    'Catalog sources',
    `## Catalog sources

A git CatalogSource over one repository of ${FILES.toLocaleString('en')} Backstage \`catalog-info.yaml\` files (one
Component each), served by the local git server over http, synced by the operator as a
separate process (compiled, as the image runs it); ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (\`bench/catalog-sources.ts\`).

| measure | figure | floor | ratio |
|---|---:|---:|---:|
| first complete sync: fetch, read, convert, plan and apply ${FILES.toLocaleString('en')} entities | ${firstSync.toFixed(1)} s | ${floor.toFixed(1)} s | ${(firstSync / floor).toFixed(2)} |
| one changed file, from its signed push webhook to the entity in the catalog | ${oneChange.toFixed(1)} s | — | |
| operator RSS before the source / peak during the sync / after | ${idleRss.toFixed(0)} / ${peakRss.toFixed(0)} / ${afterRss.toFixed(0)} MiB | — | |

The floor is the bare write: the same entities server-side applied by the benchmark itself,
${WRITE_CONCURRENCY} at a time (as the sync writes), with nothing fetched, read, converted or planned, and no operator running; during the
sync the same operator also resolves every new entity and writes its status (another
10,000 writes on the same 2 cores). One
changed file costs a fetch of the commit and a read of every file (the sync compares
digests, so only the changed entity is written).
`,
  );
  log('wrote the Catalog sources section of BENCHMARKS.md');
} finally {
  await operator?.stop();
  await git.stop();
  await controlPlane.stop();
  await rm(work, { recursive: true, force: true });
}
