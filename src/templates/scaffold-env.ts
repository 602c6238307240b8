import type { GitCredentials } from '../git/git-cli.ts';
import { parseAllowedHosts } from '../git/git-remote.ts';
import type { TemplateSpec } from '../api/objects.ts';

/**
 * How the operator tells a scaffolder (a Job's container or an in-process child) which run
 * it runs: environment variables naming the run — what it runs comes from the run's
 * snapshot (snapshot.ts) — and credentials: in a Job as `secretKeyRef`s the kubelet
 * resolves, so the Job's ServiceAccount needs no right to read Secrets and no secret is ever
 * written into a spec.
 */
export const RUN_ENV = {
  namespace: 'GREENROOM_RUN_NAMESPACE',
  name: 'GREENROOM_RUN_NAME',
  uid: 'GREENROOM_RUN_UID',
} as const;

export interface RunIdentity {
  namespace: string;
  name: string;
  uid: string;
}

export function runEnv(run: RunIdentity): Record<string, string> {
  return { [RUN_ENV.namespace]: run.namespace, [RUN_ENV.name]: run.name, [RUN_ENV.uid]: run.uid };
}

export function runFromEnv(env: NodeJS.ProcessEnv): RunIdentity {
  const missing = Object.values(RUN_ENV).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`the scaffolder needs ${missing.join(', ')} in its environment`);
  return { namespace: env[RUN_ENV.namespace]!, name: env[RUN_ENV.name]!, uid: env[RUN_ENV.uid]! };
}

/** One Secret-held credential pair a run needs, and the variables it arrives in. */
export interface CredentialEnv {
  /** skeleton, or the step's name. */
  purpose: string;
  secretName: string;
  usernameKey: string;
  passwordKey: string;
  usernameVar: string;
  passwordVar: string;
  /** Holds the hosts (comma-separated) the credentials may go to, from the Secret's annotation. */
  hostsVar: string;
}

/** Set to 1 when the operator allows http:// git remotes (--allow-http-git). */
export const ALLOW_HTTP_GIT_ENV = 'GREENROOM_ALLOW_HTTP_GIT';

/** Every credential a template refers to: its git skeleton's and each publish:git step's. */
export function credentialEnvs(spec: TemplateSpec): CredentialEnv[] {
  const out: CredentialEnv[] = [];
  const add = (
    purpose: string,
    prefix: string,
    ref: { name: string; usernameKey?: string | undefined; passwordKey?: string | undefined } | undefined,
  ): void => {
    if (!ref) return;
    out.push({
      purpose,
      secretName: ref.name,
      usernameKey: ref.usernameKey ?? 'username',
      passwordKey: ref.passwordKey ?? 'password',
      usernameVar: `${prefix}_USERNAME`,
      passwordVar: `${prefix}_PASSWORD`,
      hostsVar: `${prefix}_ALLOWED_HOSTS`,
    });
  };
  add('skeleton', 'GREENROOM_SKELETON', spec.skeleton.git?.secretRef);
  spec.steps.forEach((step, index) => add(step.name, `GREENROOM_STEP_${index}`, step.publishGit?.secretRef));
  return out;
}

/**
 * The credentials for `purpose`, read back from the variables above, with the hosts they may
 * go to (none when the operator found no greenroom.dev/allowed-hosts on their Secret).
 */
export function credentialsFor(spec: TemplateSpec, purpose: string, env: NodeJS.ProcessEnv, namespace: string): GitCredentials | undefined {
  const entry = credentialEnvs(spec).find((c) => c.purpose === purpose);
  if (!entry) return undefined;
  const username = env[entry.usernameVar];
  const password = env[entry.passwordVar];
  if (password === undefined)
    throw new Error(`credentials for ${purpose} (Secret ${entry.secretName} key ${entry.passwordKey}) are missing from the environment`);
  return {
    username: username ?? '',
    password,
    allowedHosts: parseAllowedHosts(env[entry.hostsVar]),
    source: `Secret ${namespace}/${entry.secretName}`,
  };
}

/** Whether the operator allows http:// git remotes, as it told the scaffolder. */
export const allowHttpGit = (env: NodeJS.ProcessEnv): boolean => env[ALLOW_HTTP_GIT_ENV] === '1';

/** Every credential value present in the environment, for redaction. */
export function secretValues(spec: TemplateSpec, env: NodeJS.ProcessEnv): string[] {
  return credentialEnvs(spec)
    .flatMap((c) => [env[c.passwordVar]])
    .filter((v): v is string => !!v && v.length >= 4);
}
