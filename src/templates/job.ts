import { API_VERSION } from '../api/v1alpha1/index.ts';
import type { TemplateObject, TemplateRunObject } from './objects.ts';
import { RUN_UID_LABEL } from './scaffold.ts';
import { credentialEnvs, runEnv } from './scaffold-env.ts';

export interface JobSettings {
  /** The Greenroom image; its entrypoint is the `greenroom` CLI. */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccountName: string;
  ttlSecondsAfterFinished: number;
  activeDeadlineSeconds: number;
}

export const WORKSPACE = '/workspace';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'greenroom', 'app.kubernetes.io/component': 'scaffolder' } as const;

/** Job names are labels too: at most 63 characters, unique per run through its uid. */
export function jobNameFor(run: Pick<TemplateRunObject, 'metadata'>): string {
  const base = run.metadata.name.slice(0, 50).replace(/[-.]+$/, '');
  return `${base}-${run.metadata.uid.replace(/-/g, '').slice(0, 8)}`;
}

// The restricted Pod Security Standard, and a numeric non-root user so that images whose
// USER is root are still run as non-root.
const podSecurity = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };
const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const mounts = [
  { name: 'workspace', mountPath: WORKSPACE },
  { name: 'tmp', mountPath: '/tmp' },
];

/**
 * The scaffolding Job of a run. Built-in steps run in the Greenroom image (`greenroom
 * scaffold`); each `run` step is a container of its own image. The pod runs them in order
 * as init containers sharing one workspace: segment, container step, segment, … The last
 * container is always a scaffolder segment, which renders the outputs. backoffLimit 0:
 * a retry is a new TemplateRun, never a silent second push.
 */
export function scaffoldJob(run: TemplateRunObject, template: TemplateObject, settings: JobSettings): object {
  const identity = {
    namespace: run.metadata.namespace,
    name: run.metadata.name,
    uid: run.metadata.uid,
    templateUid: template.metadata.uid,
    templateGeneration: template.metadata.generation ?? 1,
  };
  const env = [
    ...Object.entries(runEnv(identity)).map(([name, value]) => ({ name, value })),
    { name: 'HOME', value: '/tmp' },
    ...credentialEnvs(template.spec).flatMap((c) => [
      { name: c.usernameVar, valueFrom: { secretKeyRef: { name: c.secretName, key: c.usernameKey, optional: true } } },
      { name: c.passwordVar, valueFrom: { secretKeyRef: { name: c.secretName, key: c.passwordKey } } },
    ]),
  ];
  const segment = (from: number) => ({
    name: `greenroom-scaffold-${from}`,
    image: settings.image,
    ...(settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {}),
    args: ['scaffold', '--workspace', WORKSPACE, '--from', String(from)],
    env,
    volumeMounts: mounts,
    securityContext: { ...containerSecurity, readOnlyRootFilesystem: true },
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  });
  const containers: object[] = [];
  let from = 0;
  template.spec.steps.forEach((step, index) => {
    if (step.action !== 'run') return;
    containers.push(segment(from), {
      name: step.name,
      image: step.run!.image,
      command: step.run!.command,
      workingDir: `${WORKSPACE}/out`,
      // Values reach a container step as data (JSON), never spliced into its command.
      env: [...(step.run!.env ?? []), { name: 'GREENROOM_VALUES', value: JSON.stringify(run.spec.values ?? {}) }, { name: 'HOME', value: '/tmp' }],
      volumeMounts: mounts,
      securityContext: containerSecurity,
    });
    from = index + 1;
  });
  containers.push(segment(from));

  const labels = { ...MANAGED_BY, [RUN_UID_LABEL]: run.metadata.uid };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(run),
      namespace: run.metadata.namespace,
      labels,
      annotations: { 'greenroom.dev/template-run': `${run.metadata.namespace}/${run.metadata.name}` },
      // Deleting the run deletes the Job (and so its pod): that is how a run is cancelled.
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'TemplateRun', name: run.metadata.name, uid: run.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      activeDeadlineSeconds: settings.activeDeadlineSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: settings.serviceAccountName,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: podSecurity,
          initContainers: containers.slice(0, -1),
          containers: containers.slice(-1),
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          ],
        },
      },
    },
  };
}
