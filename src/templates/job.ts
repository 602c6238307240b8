import type { TemplateRunObject, TemplateStep } from '../api/objects.ts';
import { jobNameFor, snapshotName } from './job-name.ts';
import { RUN_UID_LABEL } from './scaffold.ts';
import { ALLOW_HTTP_GIT_ENV, credentialEnvs, runEnv } from './scaffold-env.ts';
import { secretParameterEnvVars } from './secret-parameters.ts';
import { SNAPSHOT_DIR, SNAPSHOT_KEY, type RunSnapshot } from './snapshot.ts';
import { API_VERSION } from '../api/v1alpha1/index.ts';

export interface JobSettings {
  /** The Greenroom image; its entrypoint is the `greenroom` CLI. */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccountName: string;
  ttlSecondsAfterFinished: number;
  activeDeadlineSeconds: number;
  /** Whether git may use http:// remotes (--allow-http-git); https always. */
  allowHttpGit?: boolean | undefined;
}

export const WORKSPACE = '/workspace';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'greenroom', 'app.kubernetes.io/component': 'scaffolder' } as const;
/** Where clients look for the pod's ServiceAccount token (client-go, client-node, kubectl). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

// The restricted Pod Security Standard, and a numeric non-root user so that images whose
// USER is root are still run as non-root.
const podSecurity = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };
const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
/** HOME of a container step: a directory of its own, never the scaffolder's. */
export const STEP_HOME = '/home/greenroom';
// Container steps share the workspace with the scaffolder, nothing else: their HOME and /tmp
// are volumes of their own, so a step cannot plant a ~/.gitconfig (url.<x>.insteadOf) or
// anything else where the scaffolder, which holds the credentials, would read it.
const stepMounts = [
  { name: 'workspace', mountPath: WORKSPACE },
  { name: 'step-home', mountPath: STEP_HOME },
  { name: 'step-tmp', mountPath: '/tmp' },
];
// Only the scaffolder's own containers get the API token and the snapshot: a container step
// runs an image the template names, and it gets neither.
const scaffolderMounts = [
  { name: 'workspace', mountPath: WORKSPACE },
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'kube-api-access', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
  { name: 'run-snapshot', mountPath: SNAPSHOT_DIR, readOnly: true },
];

/**
 * What a container step may use unless the template says otherwise: it runs an image the
 * template names, so without limits one step could take a node's memory or disk.
 */
export const STEP_RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
  // Room for the workspace (1Gi) and its own HOME and /tmp, which the kubelet counts too.
  limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
} as const;

/**
 * The volume the ServiceAccount admission plugin would add to every container, added here by
 * hand so that it can be mounted into some: a bound, expiring token, the cluster's CA and
 * the namespace.
 */
const apiAccessVolume = {
  name: 'kube-api-access',
  projected: {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

/** A container step's resources: the template's, each one it leaves unset from STEP_RESOURCES. */
function stepResources(own: NonNullable<TemplateStep['run']>['resources']): object {
  return { requests: { ...STEP_RESOURCES.requests, ...own?.requests }, limits: { ...STEP_RESOURCES.limits, ...own?.limits } };
}

/**
 * The scaffolding Job of a run. Built-in steps run in the Greenroom image (`greenroom
 * scaffold`); each `run` step is a container of its own image. The pod runs them in order
 * as init containers sharing one workspace: segment, container step, segment, … The last
 * container is always a scaffolder segment, which renders the outputs. backoffLimit 0:
 * a retry is a new TemplateRun, never a silent second push. Everything about the template
 * comes from the snapshot; the pod mounts it from the ConfigMap `snapshotName(run)`.
 */
export function scaffoldJob(
  run: TemplateRunObject,
  snapshot: RunSnapshot,
  settings: JobSettings,
  credentialHosts: Record<string, string> = {},
): object {
  const spec = snapshot.template.spec;
  const env = [
    ...Object.entries(runEnv(snapshot.run)).map(([name, value]) => ({ name, value })),
    { name: 'HOME', value: '/tmp' },
    ...(settings.allowHttpGit ? [{ name: ALLOW_HTTP_GIT_ENV, value: '1' }] : []),
    // Read by the operator from each Secret's greenroom.dev/allowed-hosts: the kubelet passes on keys, not annotations.
    ...Object.entries(credentialHosts).map(([name, value]) => ({ name, value })),
    ...credentialEnvs(spec).flatMap((c) => [
      { name: c.usernameVar, valueFrom: { secretKeyRef: { name: c.secretName, key: c.usernameKey, optional: true } } },
      { name: c.passwordVar, valueFrom: { secretKeyRef: { name: c.secretName, key: c.passwordKey } } },
    ]),
    // Secret parameters, like credentials, are resolved by the kubelet: never written into the spec.
    ...secretParameterEnvVars(spec.parameters, snapshot.secretValuesRef?.name),
  ];
  const segment = (from: number) => ({
    name: `greenroom-scaffold-${from}`,
    image: settings.image,
    ...(settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {}),
    args: ['scaffold', '--workspace', WORKSPACE, '--snapshot', `${SNAPSHOT_DIR}/${SNAPSHOT_KEY}`, '--from', String(from)],
    env,
    volumeMounts: scaffolderMounts,
    securityContext: { ...containerSecurity, readOnlyRootFilesystem: true },
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  });
  const containers: object[] = [];
  let from = 0;
  spec.steps.forEach((step, index) => {
    if (step.action !== 'run') return;
    containers.push(segment(from), {
      name: step.name,
      image: step.run!.image,
      command: step.run!.command,
      workingDir: `${WORKSPACE}/out`,
      // Values reach a container step as data (JSON), never spliced into its command.
      env: [
        ...(step.run!.env ?? []),
        { name: 'GREENROOM_VALUES', value: JSON.stringify(snapshot.values) },
        { name: 'HOME', value: STEP_HOME },
      ],
      volumeMounts: stepMounts,
      securityContext: containerSecurity,
      resources: stepResources(step.run!.resources),
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
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'TemplateRun',
          name: run.metadata.name,
          uid: run.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
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
          // Not every container: the token is mounted into the scaffolder's containers only.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity,
          initContainers: containers.slice(0, -1),
          containers: containers.slice(-1),
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            ...(containers.length > 1
              ? [
                  { name: 'step-home', emptyDir: { sizeLimit: '256Mi' } },
                  { name: 'step-tmp', emptyDir: { sizeLimit: '256Mi' } },
                ]
              : []),
            apiAccessVolume,
            { name: 'run-snapshot', configMap: { name: snapshotName(run), defaultMode: 0o444 } },
          ],
        },
      },
    },
  };
}
