import { beforeAll, describe, expect, it } from '@jest/globals';
import { CHART, renderChart, type Manifest } from '../support/helm-chart.ts';
import { helm, kubectl } from '../support/kubectl.ts';

// The chart's sign-in values: what the operator is told (--auth and its flags, mounted
// secrets) and the one extra permission acting as people needs — asked of the real apiserver.
const namespace = 'greenroom-helm-auth';
const narrowed = 'greenroom-helm-auth-narrow';

beforeAll(async () => {
  for (const ns of [namespace, narrowed]) await kubectl(['create', 'namespace', ns]);
});

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const rulesOf = (objects: Manifest[]): Rule[] =>
  objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((o) => (o as unknown as { rules: Rule[] }).rules);
const argsOf = (objects: Manifest[]): string[] =>
  objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec.containers[0].args as string[];

/**
 * Whether the release's ServiceAccount may do `verb` on `resource` (group/resource/name), by
 * the apiserver's own SubjectAccessReview (`kubectl auth can-i users` would mean Greenroom's
 * users.greenroom.dev, which discovery finds first).
 */
async function operatorCan(release: string, ns: string, verb: string, group: string, resource: string, name?: string): Promise<boolean> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${ns}:${release}-greenroom`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      resourceAttributes: { verb, group, resource, ...(name ? { name } : {}) },
    },
  };
  return (await kubectl(['create', '-o', 'jsonpath={.status.allowed}', '-f', '-'], JSON.stringify(review))) === 'true';
}

describe("the chart's auth values", () => {
  it('when auth.mode is none (the default), then the operator is told so, gets no impersonation and no session Secret', async () => {
    const { objects } = await renderChart('plain', namespace);
    expect(argsOf(objects)).toContain('--auth=none');
    expect(rulesOf(objects).filter((r) => r.verbs.includes('impersonate') || r.resources.includes('subjectaccessreviews'))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('when auth.mode is oidc without a client secret, then the chart refuses to render, saying which value is missing', async () => {
    await expect(
      renderChart(
        'oidc',
        namespace,
        '--set',
        'auth.mode=oidc',
        '--set',
        'auth.oidc.issuerUrl=https://dex.example.com',
        '--set',
        'auth.oidc.clientId=greenroom',
        '--set',
        'auth.externalUrl=https://portal.example.com',
      ),
    ).rejects.toThrow(/auth.mode=oidc needs auth.oidc.clientSecret.existingSecret/);
  });

  it('when auth.mode is oidc behind an Ingress with TLS, then the redirect URI comes from the Ingress host and the secrets are mounted files, never flags', async () => {
    const { objects } = await renderChart(
      'oidc',
      namespace,
      '--set',
      'auth.mode=oidc',
      '--set',
      'auth.oidc.issuerUrl=https://dex.example.com',
      '--set',
      'auth.oidc.clientId=greenroom',
      '--set',
      'auth.oidc.clientSecret.existingSecret=greenroom-oidc',
      '--set',
      'ingress.enabled=true',
      '--set',
      'ingress.host=portal.example.com',
      '--set',
      'ingress.tls.enabled=true',
    );
    const args = argsOf(objects);
    expect(args).toEqual(
      expect.arrayContaining([
        '--auth=oidc',
        '--dashboard-url=https://portal.example.com',
        '--oidc-client-secret-file=/etc/greenroom/oidc/client-secret',
        '--session-secret-file=/etc/greenroom/session/session-secret',
      ]),
    );
    expect(objects.find((o) => o.kind === 'Secret')?.metadata.name).toBe('oidc-greenroom-session');
  });

  it('when the oauth2-proxy sidecar is on, then the Service routes to it, the operator believes loopback only, and the secrets come from Secrets', async () => {
    const sidecar = [
      '--set',
      'auth.mode=proxy',
      '--set',
      'auth.proxy.sidecar.enabled=true',
      '--set',
      'auth.proxy.sidecar.issuerUrl=https://dex.example.com',
      '--set',
      'auth.proxy.sidecar.clientId=greenroom',
      '--set',
      'auth.externalUrl=https://portal.example.com',
    ];
    await expect(renderChart('side', namespace, ...sidecar)).rejects.toThrow(
      /auth.proxy.sidecar.enabled needs .*clientSecret.existingSecret/,
    );
    const { objects } = await renderChart(
      'side',
      namespace,
      ...sidecar,
      '--set',
      'auth.proxy.sidecar.clientSecret.existingSecret=dex-client',
    );
    const service = objects.find((o) => o.kind === 'Service')!;
    expect((service.spec!.ports as { name: string; targetPort: string }[]).find((p) => p.name === 'http')!.targetPort).toBe('sign-in');
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec;
    const proxy = (pod.containers as { name: string; args: string[]; env: { name: string; valueFrom?: unknown; value?: string }[] }[]).find(
      (c) => c.name === 'oauth2-proxy',
    )!;
    // As the oauth2-proxy test runs it: no consent screen on every sign-in.
    expect(proxy.args).toEqual(
      expect.arrayContaining([
        '--upstream=http://127.0.0.1:8080',
        '--redirect-url=https://portal.example.com/oauth2/callback',
        '--cookie-secure=true',
        '--approval-prompt=auto',
      ]),
    );
    expect(proxy.env.every((e) => e.valueFrom && !e.value)).toBe(true);
    expect(argsOf(objects)).toContain('--auth-proxy-trusted-addresses=loopback');
  });

  it('when installed with auth.mode proxy, then the operator may impersonate users and groups and create SubjectAccessReviews, even confined to one namespace', async () => {
    const release = 'proxy';
    await helm([
      'install',
      release,
      CHART,
      '-n',
      namespace,
      '--set',
      'auth.mode=proxy',
      '--set',
      `watchNamespace=${namespace}`,
      '--set',
      'crds.install=false',
      '--set',
      'leaderElection.leaseName=helm-auth-proxy',
    ]);
    expect(await operatorCan(release, namespace, 'impersonate', '', 'users', 'alice')).toBe(true);
    expect(await operatorCan(release, namespace, 'impersonate', '', 'groups', 'team-a')).toBe(true);
    expect(await operatorCan(release, namespace, 'create', 'authorization.k8s.io', 'subjectaccessreviews')).toBe(true);
    // The session key was made once, and an upgrade keeps it (a new one would sign everyone out).
    const key = await kubectl(['get', 'secret', `${release}-greenroom-session`, '-n', namespace, '-o', 'jsonpath={.data.session-secret}']);
    expect(Buffer.from(key, 'base64').length).toBeGreaterThanOrEqual(32);
    await helm(['upgrade', release, CHART, '-n', namespace, '--reuse-values']);
    expect(await kubectl(['get', 'secret', `${release}-greenroom-session`, '-n', namespace, '-o', 'jsonpath={.data.session-secret}'])).toBe(
      key,
    );
  });

  it('when rbac.impersonation names users and groups, then the operator may impersonate those only', async () => {
    const release = 'narrow';
    await helm([
      'install',
      release,
      CHART,
      '-n',
      narrowed,
      '--set',
      'auth.mode=proxy',
      '--set',
      `watchNamespace=${narrowed}`,
      '--set',
      'crds.install=false',
      '--set',
      'leaderElection.leaseName=helm-auth-narrow',
      '--set',
      'rbac.impersonation.users={alice}',
      '--set',
      'rbac.impersonation.groups={team-a}',
    ]);
    const can = (resource: string, name: string): Promise<boolean> => operatorCan(release, narrowed, 'impersonate', '', resource, name);
    expect([await can('users', 'alice'), await can('groups', 'team-a')]).toEqual([true, true]);
    expect([await can('users', 'mallory'), await can('groups', 'system:masters')]).toEqual([false, false]);
  });
});
