import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { collectionPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import type { RawKubeClient } from './raw-client.ts';

/** The object an event is about. */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records Kubernetes Events (events.k8s.io/v1) so `kubectl describe` and `kubectl events` show them. */
export type EventRecorder = (object: InvolvedObject, event: EventRecord) => Promise<void>;

const REPORTING_CONTROLLER = 'greenroom.dev/operator';

/**
 * An EventRecorder writing events.k8s.io/v1 Events. Events are best effort (they expire and
 * are rate-limited by the apiserver), so a failure is reported to `onError` and never fails
 * the reconcile that caused it; what matters is also in status.
 */
export function eventRecorder(client: RawKubeClient, onError: (error: unknown) => void, instance = hostname()): EventRecorder {
  return async (object, event) => {
    const now = new Date();
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      // Named like client-go names events (object name, a dot, a unique hex suffix); a
      // generateName ending in a dot is not a valid prefix.
      metadata: {
        name: `${object.name.slice(0, 200)}.${now.getTime().toString(16)}${randomBytes(4).toString('hex')}`,
        namespace: object.namespace,
      },
      eventTime: now.toISOString().replace(/(\.\d{3})Z$/, '$1000Z'),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: instance.slice(0, 128),
      action: 'Reconcile',
      type: event.type,
      reason: event.reason,
      note: event.message.slice(0, 1024),
      regarding: { apiVersion: object.apiVersion, kind: object.kind, namespace: object.namespace, name: object.name, uid: object.uid },
    };
    try {
      await client.request({
        method: 'POST',
        path: collectionPath(RESOURCES.events, object.namespace),
        body,
      });
    } catch (error) {
      onError(error);
    }
  };
}
