/**
 * For tests on a control plane without workload controllers or a kubelet: the Pods a
 * workload's controller would create, and the statuses the controllers and the kubelet would
 * write, so the Runtime tab can be driven through the real apiserver. (test/node runs real ones.)
 */
import { kubectl } from './kubectl.ts';

interface Workload {
  metadata: { namespace: string };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: object } };
}

/** A Pod as the workload's controller would create it: its Pod template's labels and spec. */
export const podOf = (workload: Workload, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: workload.metadata.namespace, labels: workload.spec.template.metadata.labels },
  spec: workload.spec.template.spec,
});

/** Writes a status as the controller or kubelet that owns the object would. */
export const writeStatus = (namespace: string, kind: string, name: string, value: object): Promise<string> =>
  kubectl(['patch', kind, name, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: value })]);

/** The status the kubelet writes for a Pod whose one container runs and is ready. */
export const runningPod = (container: string, image: string) => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [{ name: container, ready: true, restartCount: 0, image, imageID: '', started: true, state: { running: {} } }],
});
