/**
 * `npm run demo -- --auth oidc`: a local Dex with two people in two teams, and RoleBindings
 * that give each team its own view, so a newcomer can sign in as either and see RBAC decide
 * what the portal shows and does. Passwords and secrets are made per run and printed once.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { applyObjects, readManifests } from '../kube/apply.ts';
import type { AuthSettings } from '../http/auth/settings.ts';
import { startDex, type Dex, type DexPerson } from '../local-cluster/dex.ts';
import type { Logger } from '../observability/logger.ts';

const GROUPS_PREFIX = 'oidc:';

export interface DemoPerson extends DexPerson {
  /** What they may do, for the printed greeting. */
  may: string;
}

export interface DemoSignIn {
  auth: AuthSettings;
  people: DemoPerson[];
  dex: Dex;
}

const password = (): string => randomBytes(9).toString('base64url');

/** Two teams: payments works in the demo namespace, storefront in its own sandbox and may only look at the demo's. */
export function demoPeople(namespace: string, sandbox: string): DemoPerson[] {
  return [
    {
      email: 'ada@example.com',
      username: 'ada',
      password: password(),
      groups: ['team-payments'],
      may: `sees ${namespace} and starts runs there; cannot see ${sandbox}`,
    },
    {
      email: 'ben@example.com',
      username: 'ben',
      password: password(),
      groups: ['team-storefront'],
      may: `sees ${namespace} and ${sandbox}; starts runs only in ${sandbox} (the apiserver refuses the rest)`,
    },
  ];
}

/** The second team's namespace: one component of its own, owned by its group in the demo namespace. */
function sandboxCatalog(namespace: string): KubernetesObject[] {
  const component: KubernetesObject & { spec: object } = {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront-prototype' },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: `group:${namespace}/team-storefront`,
      description: 'A prototype only team-storefront can see: it lives in their own namespace.',
    },
  };
  return [component];
}

function roleBinding(name: string, role: string, groups: string[]): KubernetesObject {
  const binding: KubernetesObject & { roleRef: object; subjects: object[] } = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${GROUPS_PREFIX}${group}` })),
  };
  return binding;
}

/**
 * Starts Dex for the dashboard at `dashboardUrl`, applies the portal's ClusterRoles
 * (examples/access) and each team's RoleBindings, and returns the operator's sign-in settings.
 */
export async function startDemoSignIn(
  kubeConfig: KubeConfig,
  namespace: string,
  root: string,
  dashboardUrl: string,
  log: Logger,
): Promise<DemoSignIn> {
  const sandbox = `${namespace}-storefront`;
  const people = demoPeople(namespace, sandbox);
  const clientSecret = randomBytes(24).toString('base64url');
  log.info('starting Dex (built from the Go module proxy on first use; that takes a few minutes)');
  const dex = await startDex({
    people,
    clients: [{ id: 'greenroom', secret: clientSecret, redirectURIs: [`${dashboardUrl}/auth/callback`], name: 'Greenroom demo' }],
  });
  try {
    await applyObjects(kubeConfig, await readManifests(join(root, 'examples', 'access')));
    await applyObjects(kubeConfig, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: sandbox } }]);
    await applyObjects(kubeConfig, sandboxCatalog(namespace), sandbox);
    await applyObjects(
      kubeConfig,
      [
        roleBinding('teams-read', 'greenroom-reader', ['team-payments', 'team-storefront']),
        roleBinding('payments-self-service', 'greenroom-self-service', ['team-payments']),
      ],
      namespace,
    );
    await applyObjects(
      kubeConfig,
      [
        roleBinding('storefront-reads', 'greenroom-reader', ['team-storefront']),
        roleBinding('storefront-self-service', 'greenroom-self-service', ['team-storefront']),
      ],
      sandbox,
    );
  } catch (error) {
    await dex.stop();
    throw error;
  }
  const auth: AuthSettings = {
    mode: 'oidc',
    cookies: { secret: randomBytes(32).toString('base64url'), secure: false, sessionMaxAgeSeconds: 8 * 3600 },
    oidc: {
      issuerUrl: dex.issuer,
      clientId: 'greenroom',
      clientSecret,
      ca: readFileSync(dex.caFile, 'utf8'),
      scopes: ['openid', 'email', 'profile', 'groups'],
      externalUrl: dashboardUrl,
      usernameClaim: 'email',
      usernamePrefix: 'oidc:',
      groupsClaim: 'groups',
      groupsPrefix: GROUPS_PREFIX,
    },
  };
  return { auth, people, dex };
}
