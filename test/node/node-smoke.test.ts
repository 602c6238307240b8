// The first real-node test: everything else runs against a control plane without a
// kubelet (Jobs are played by a test helper). Here a Pod and a Job run in containerd on
// this host, from an image built without a registry, and stopping the cluster must put
// the host back as it was.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { hostState, mountsUnder } from './host-state.ts';

const run = promisify(execFile);

// Starting a node takes 10–20 s warm; a first build of the node's binaries several minutes.
jest.setTimeout(600_000);

const POD = `
apiVersion: v1
kind: Pod
metadata: { name: smoke }
spec:
  restartPolicy: Never
  containers:
    - { name: smoke, image: greenroom.local/smoke:v1, imagePullPolicy: Never }
`;

const JOB = `
apiVersion: batch/v1
kind: Job
metadata: { name: smoke }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - { name: smoke, image: greenroom.local/smoke:v1, imagePullPolicy: Never }
`;

// Restricted-profile settings, as the chart's pods will run.
const PROBE = `
apiVersion: v1
kind: Pod
metadata: { name: probe }
spec:
  restartPolicy: Never
  securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: probe
      image: greenroom.local/probe:v1
      imagePullPolicy: Never
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`;

// A Deployment whose pods serve HTTP and report ready through the kubelet's probe, and a
// ClusterIP Service in front of them; a client pod then goes through kube-proxy to a pod.
const WEB = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: greenroom.local/probe:v1
          imagePullPolicy: Never
          args: [serve]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

// Created once the Deployment is available. A Job with retries, because kube-proxy writes
// the Service's rules a moment after the endpoints become ready.
const webClient = (url: string): string => `
apiVersion: batch/v1
kind: Job
metadata: { name: web-client }
spec:
  backoffLimit: 3
  template:
    spec:
      restartPolicy: Never
      containers:
        - { name: client, image: greenroom.local/probe:v1, imagePullPolicy: Never, args: [get, "${url}"] }
`;

describe('a control plane with a real node', () => {
  let before: Record<string, unknown>;
  let cluster: ControlPlane;
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const child = run(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, ...args]);
    if (input !== undefined) child.child.stdin?.end(input);
    return (await child).stdout;
  };

  beforeAll(async () => {
    before = hostState();
    cluster = await startControlPlane({ node: true, log: (line) => process.stderr.write(`${line}\n`) });
    const node = cluster.node;
    if (!node) throw new Error('startControlPlane({ node: true }) returned no node');
    await node.importImage(join(node.binaries.images, 'smoke.tar'), 'greenroom.local/smoke');
    await node.importImage(join(node.binaries.images, 'probe.tar'), 'greenroom.local/probe');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('when the cluster has started, then its node is Ready', async () => {
    const ready = await kubectl([
      'get',
      'node',
      cluster.node?.name ?? '',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(ready).toBe('True');
  });

  it('when a Pod runs a locally imported image, then it succeeds and its log is read through the kubelet', async () => {
    await kubectl(['apply', '-f', '-'], POD);
    await kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/smoke', '--timeout=120s']);
    expect(await kubectl(['logs', 'smoke'])).toContain('a container ran on the local node');
    // ServiceAccount admission is on with a node: the pod got its token volume.
    const volumes = await kubectl(['get', 'pod', 'smoke', '-o', 'jsonpath={.spec.volumes[*].name}']);
    expect(volumes).toMatch(/^kube-api-access-/);
  });

  it('when a Job is created, then the job controller, the scheduler and the kubelet complete it', async () => {
    await kubectl(['apply', '-f', '-'], JOB);
    await kubectl(['wait', '--for=condition=Complete', 'job/smoke', '--timeout=120s']);
    expect(await kubectl(['get', 'job', 'smoke', '-o', 'jsonpath={.status.succeeded}'])).toBe('1');
  });

  it('when a restricted pod calls the apiserver through the kubernetes Service, then kube-proxy routes it and the apiserver knows its ServiceAccount', async () => {
    await kubectl(['apply', '-f', '-'], PROBE);
    await kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/probe', '--timeout=120s']);
    expect(await kubectl(['logs', 'probe'])).toMatch(/^apiserver at 10\.0\.0\.1:443 sees system:serviceaccount:default:default$/m);
  });

  it('when a Deployment is served through a ClusterIP Service, then its replicas become ready and a pod reaches one through kube-proxy', async () => {
    await kubectl(['apply', '-f', '-'], WEB);
    await kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=120s']);
    expect(await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('2');
    const clusterIp = await kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    // No cluster DNS yet: the client is given the Service's address.
    await kubectl(['apply', '-f', '-'], webClient(`http://${clusterIp}/`));
    await kubectl(['wait', '--for=condition=Complete', 'job/web-client', '--timeout=120s']);
    const served = await kubectl([
      'get',
      'pods',
      '-l',
      'batch.kubernetes.io/job-name=web-client',
      '--field-selector=status.phase=Succeeded',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]);
    expect(await kubectl(['logs', served])).toMatch(/^greenroom probe serving from web-[a-z0-9]+-[a-z0-9]+$/m);
  });

  it('when the cluster stops, then no mount, bridge, chain or changed sysctl is left on the host', async () => {
    // A container still running at stop must not keep anything behind either.
    const pauseTag = readFileSync(join(cluster.node?.binaries.images ?? '', 'pause.tag'), 'utf8').trim();
    await kubectl(['run', 'sleeper', `--image=registry.k8s.io/pause:${pauseTag}`, '--image-pull-policy=Never']);
    await kubectl(['wait', '--for=condition=Ready', 'pod/sleeper', '--timeout=120s']);
    const nodeDir = cluster.node?.dir ?? '';
    expect(mountsUnder(nodeDir).length).toBeGreaterThan(0);
    await cluster.stop();
    expect(mountsUnder(nodeDir)).toEqual([]);
    expect(existsSync(nodeDir)).toBe(false);
    expect(hostState()).toEqual(before);
  });
});
