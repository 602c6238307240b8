// Greenroom as a platform team runs it: its image, built from the Dockerfile by buildah and
// imported into the node's containerd, installed with the Helm chart onto a local control
// plane with a real node. Shared by the end-to-end suite (test/node/chart.test.ts) and the
// time-to-value benchmark (bench/time-to-value.ts), so it uses no jest API.
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { get, waitFor } from '../../src/local-cluster/health.ts';
import { buildImage } from './oci-image.ts';

const run = promisify(execFile);

/** The name the image is imported under; its tag is package.json's version, the chart's appVersion. */
export const IMAGE_REPOSITORY = 'greenroom.local/greenroom';

/**
 * What every install here adds to the chart's default values: the image is loaded into the
 * node, not pulled, since no release has been pushed to the default registry and these
 * machines reach none. Everything else is the chart's default.
 */
export const LOCAL_IMAGE_VALUES = ['--set', `image.repository=${IMAGE_REPOSITORY}`, '--set', 'image.pullPolicy=Never'];

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export interface GreenroomNode {
  cluster: ControlPlane;
  /** The image's full name, as the chart's pods and scaffolding Jobs run it. */
  image: string;
  kubectl(args: string[], input?: string): Promise<string>;
  /** helm against this cluster; stderr is returned too, for the apiserver's warnings. */
  helm(args: string[]): Promise<CommandOutput>;
  /** http://CLUSTER-IP:PORT of a Service, reached from this host through kube-proxy's rules, as a pod would. */
  serviceUrl(namespace: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

async function runTool(binary: string, args: string[], input?: string): Promise<CommandOutput> {
  const child = run(binary, args, { maxBuffer: 32 << 20 });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    return await child;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${binary.split('/').at(-1)} ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || String(error)}`);
  }
}

/**
 * Starts a control plane with a real node and imports Greenroom's image (built first when
 * the Dockerfile's inputs changed; seconds otherwise) and the node's probe image into it.
 */
export async function startGreenroomNode(root: string, log: (line: string) => void = () => undefined): Promise<GreenroomNode> {
  const archive = await buildImage(root);
  const version = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const cluster = await startControlPlane({ node: true, log });
  try {
    const node = cluster.node;
    if (!node) throw new Error('startControlPlane({ node: true }) returned no node');
    await node.importImage(archive, IMAGE_REPOSITORY);
    await node.importImage(join(node.binaries.images, 'probe.tar'), 'greenroom.local/probe');
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const kubeconfig = `--kubeconfig=${cluster.kubeconfigPath}`;
  const kubectl = async (args: string[], input?: string) => (await runTool(cluster.binaries.kubectl, [kubeconfig, ...args], input)).stdout;
  return {
    cluster,
    image: `${IMAGE_REPOSITORY}:${version}`,
    kubectl,
    helm: (args) => runTool(cluster.binaries.helm, [kubeconfig, ...args]),
    async serviceUrl(namespace, name) {
      const service = JSON.parse(await kubectl(['get', 'service', name, '-n', namespace, '-o', 'json'])) as {
        spec: { clusterIP: string; ports: { port: number }[] };
      };
      return `http://${service.spec.clusterIP}:${service.spec.ports[0]!.port}`;
    },
    stop: () => cluster.stop(),
  };
}

/** A namespace where the restricted Pod Security profile is enforced: a pod that breaks it is never created. */
export async function restrictedNamespace(node: GreenroomNode, namespace: string): Promise<void> {
  await node.kubectl(['create', 'namespace', namespace]);
  await node.kubectl([
    'label',
    'namespace',
    namespace,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/warn=restricted',
  ]);
}

/** The sample catalog's documents (examples/catalog/*.yaml), as the demo applies them. */
export async function sampleCatalog(root: string): Promise<{ files: string[]; entities: number }> {
  const dir = join(root, 'examples/catalog');
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).map((file) => join(dir, file));
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  return { files, entities: texts.reduce((n, text) => n + (text.match(/^kind: /gm)?.length ?? 0), 0) };
}

/** Applies the sample catalog into `namespace` with server-side apply, as the demo does. */
export async function applySampleCatalog(node: GreenroomNode, root: string, namespace: string): Promise<number> {
  const { files, entities } = await sampleCatalog(root);
  await node.kubectl(['apply', '--server-side', '-n', namespace, ...files.flatMap((file) => ['-f', file])]);
  return entities;
}

/** Waits until the dashboard behind `url` lists `count` entities of `namespace` (the read API the pages are made from). */
export async function dashboardShows(url: string, namespace: string, count: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const answer = await get(`${url}/api/v1/entities?namespace=${namespace}&limit=1`);
      if (answer.status !== 200) throw new Error(`the read API answered ${answer.status}`);
      const total = (JSON.parse(answer.body) as { total: number }).total;
      if (total !== count) throw new Error(`${total} of ${count} entities listed`);
      return true;
    },
    { what: `the dashboard to list the ${count} entities of ${namespace}`, timeoutMs, intervalMs: 200 },
  );
}
