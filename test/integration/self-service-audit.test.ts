import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binariesIn } from '../../src/local-cluster/binaries.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { installCrds } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { operatorConfig } from '../../src/config.ts';
import { startOperator, type RunningOperator } from '../../src/operator/run.ts';
import { parseTrustedPeers } from '../../src/http/auth/trusted-peers.ts';
import { DEFAULT_PROXY_HEADERS } from '../../src/http/auth/proxy.ts';
import { API_VERSION } from '../../src/api/v1alpha1/group-version.ts';
import { testLogger, eventually } from '../support/operator.ts';
import { CookieJar, csrfTokenIn } from '../support/cookie-jar.ts';

// The audit log names the person for a run started from the portal: a control plane of its
// own with an audit policy (the shared one has none), the operator as its admin, and the
// run created by impersonation — the event's user is the operator, its impersonatedUser the person.
const namespace = 'audited';
let controlPlane: ControlPlane;
let operator: RunningOperator;

beforeAll(async () => {
  controlPlane = await startControlPlane({
    binaries: binariesIn(dirname(process.env.GREENROOM_TEST_BIN_KUBECTL ?? '')),
    controllers: [],
    audit: true,
  });
  const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
  await installCrds(kubeConfig, fileURLToPath(new URL('../../crds/', import.meta.url)));
  const raw = new RawKubeClient(kubeConfig);
  await raw.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
  await raw.request({
    method: 'POST',
    path: `/apis/${API_VERSION}/namespaces/${namespace}/templates`,
    body: {
      apiVersion: API_VERSION,
      kind: 'Template',
      metadata: { name: 'hello' },
      spec: {
        type: 'service',
        owner: 'team-platform',
        skeleton: { inline: { 'README.md': '# hi\n' } },
        steps: [{ name: 'render', action: 'render' }],
      },
    },
  });
  await raw.request({
    method: 'POST',
    path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`,
    body: {
      metadata: { name: 'runs' },
      rules: [
        { apiGroups: ['greenroom.dev'], resources: ['templateruns'], verbs: ['create', 'get'] },
        { apiGroups: ['greenroom.dev'], resources: ['templates'], verbs: ['get', 'list'] },
      ],
    },
  });
  await raw.request({
    method: 'POST',
    path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
    body: {
      metadata: { name: 'team-a-runs' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runs' },
      subjects: [{ kind: 'Group', name: 'team-a', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  operator = await startOperator({
    kubeConfig,
    logger: testLogger(),
    registry: createMetricsRegistry(),
    config: operatorConfig({
      port: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      leaderElect: false,
      leaseNamespace: namespace,
      leaseName: 'audited',
      identity: 'audited',
      concurrency: 2,
      watchNamespace: namespace,
    }),
    auth: {
      mode: 'proxy',
      cookies: { secret: 'k'.repeat(32), secure: false, sessionMaxAgeSeconds: 600 },
      proxy: { trustedPeers: parseTrustedPeers('loopback') as never, ...DEFAULT_PROXY_HEADERS, usernamePrefix: '', groupsPrefix: '' },
    },
  });
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await controlPlane?.stop();
});

describe('the audit log of a run started from the portal', () => {
  it('when alice starts a run, then the apiserver records the create as alice, impersonated by the operator', async () => {
    const alice = { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'team-a' };
    const jar = new CookieJar();
    const page = await eventually('the template page', async () => {
      const res = await jar.fetch(`${operator.url}/templates/${namespace}/hello`, { headers: alice });
      return res.ok ? res.text() : undefined;
    });
    const res = await jar.fetch(`${operator.url}/templates/${namespace}/hello`, {
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _check: '1', _intent: 'start', _csrf: csrfTokenIn(page)! }).toString(),
    });
    expect(res.status).toBe(303);
    // generateName: the request named no object, so the event is found by what and where (the only create here).
    const event = await eventually('the audit event of the create', async () =>
      (await controlPlane.auditEvents()).find(
        (e) =>
          e.verb === 'create' &&
          e.objectRef?.resource === 'templateruns' &&
          e.objectRef.namespace === namespace &&
          e.stage === 'ResponseComplete',
      ),
    );
    expect(event.impersonatedUser).toMatchObject({ username: 'alice', groups: expect.arrayContaining(['team-a']) });
    expect(event.user.username).toBe('admin');
    expect(event.responseStatus?.code).toBe(201);
  });
});
