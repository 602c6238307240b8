import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { binariesIn } from '../../src/local-cluster/binaries.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import { startDex, type Dex } from '../../src/local-cluster/dex.ts';
import { claimsOf, idTokenFromDex, loginFormAction, WebClient } from '../support/sign-in.ts';

// A real Dex (built from the Go module proxy, cached) and a real kube-apiserver that trusts
// its ID tokens and writes an audit log: the identity path the portal's `--auth oidc`
// stands on. Its own control plane, because the shared one is started without OIDC.

const ada = { email: 'ada@example.com', username: 'ada', password: 'ada-password-1', groups: ['team-a'] };
const bob = { email: 'bob@example.com', username: 'bob', password: 'bob-password-2', groups: ['team-b', 'reviewers'] };
const greenroom = { id: 'greenroom', secret: 'greenroom-client-secret', redirectUri: 'http://127.0.0.1:1/callback' };
const otherApp = { id: 'other-app', secret: 'other-app-secret', redirectUri: 'http://127.0.0.1:2/callback' };

let dex: Dex;
let controlPlane: ControlPlane;

beforeAll(async () => {
  dex = await startDex({
    people: [ada, bob],
    clients: [
      { id: greenroom.id, secret: greenroom.secret, redirectURIs: [greenroom.redirectUri] },
      { id: otherApp.id, secret: otherApp.secret, redirectURIs: [otherApp.redirectUri] },
    ],
  });
  controlPlane = await startControlPlane({
    binaries: binariesIn(dirname(process.env.GREENROOM_TEST_BIN_KUBECTL ?? '')),
    controllers: [],
    oidc: { issuer: dex.issuer, caFile: dex.caFile, clientId: greenroom.id },
    audit: true,
  });
}, 180_000);

afterAll(async () => {
  await controlPlane?.stop();
  await dex?.stop();
});

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A request to the OIDC control plane, as a token holder or (no token) as its admin. */
function api(
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; impersonate?: { user: string; groups: string[] } } = {},
): Promise<ApiAnswer> {
  const pki = join(controlPlane.dir, 'pki');
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.impersonate) {
    headers['impersonate-user'] = options.impersonate.user;
    headers['impersonate-group'] = options.impersonate.groups;
  }
  const client = options.token ? {} : { cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')) };
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, controlPlane.server),
      { method, headers, ca: readFileSync(join(pki, 'ca.crt')), ...client },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      },
    );
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

const selfSubjectReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

describe('signing in to Dex and using the ID token with kube-apiserver', () => {
  it('Dex’s login page signs a person in with their password and issues an ID token with their email and groups', async () => {
    const token = await idTokenFromDex({ issuer: dex.issuer, caFile: dex.caFile, client: greenroom, person: bob });
    expect(claimsOf(token)).toMatchObject({
      iss: dex.issuer,
      aud: greenroom.id,
      email: bob.email,
      email_verified: true,
      groups: bob.groups,
      preferred_username: bob.username,
    });
  });

  it('a wrong password gets the login page again with an error, and no redirect back to the client', async () => {
    const web = new WebClient(dex.caFile);
    const auth = `${dex.issuer}/auth?client_id=${greenroom.id}&redirect_uri=${encodeURIComponent(greenroom.redirectUri)}&response_type=code&scope=openid+email&state=s1`;
    const page = await web.followFrom(auth, (location) => location.startsWith(dex.issuer));
    const answer = await web.request('POST', loginFormAction(page), { form: { login: ada.email, password: 'not-her-password' } });
    expect(answer.location).toBeUndefined();
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('Invalid Email Address and password');
  });

  it('kube-apiserver knows the token’s holder by email and groups, each with the oidc: prefix', async () => {
    const token = await idTokenFromDex({ issuer: dex.issuer, caFile: dex.caFile, client: greenroom, person: ada });
    const review = await api('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token, body: selfSubjectReview });
    expect(review.status).toBe(201);
    const userInfo = (review.body.status as { userInfo: { username: string; groups: string[] } }).userInfo;
    expect(userInfo.username).toBe('oidc:ada@example.com');
    expect(userInfo.groups).toEqual(expect.arrayContaining(['oidc:team-a', 'system:authenticated']));
    expect(userInfo.groups).not.toContain('team-a');

    // The audit log names the person for that create, not a service account or the admin.
    const events = await controlPlane.auditEvents();
    const recorded = events.find(
      (e) => e.verb === 'create' && e.objectRef?.resource === 'selfsubjectreviews' && e.stage === 'ResponseComplete',
    );
    expect(recorded?.user.username).toBe('oidc:ada@example.com');
    expect(recorded?.user.groups).toContain('oidc:team-a');
    expect(recorded?.impersonatedUser).toBeUndefined();
  });

  it('a token Dex issued to another client is refused: kube-apiserver checks the audience', async () => {
    const token = await idTokenFromDex({ issuer: dex.issuer, caFile: dex.caFile, client: otherApp, person: ada });
    expect(claimsOf(token).aud).toBe(otherApp.id);
    const review = await api('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token, body: selfSubjectReview });
    expect(review.status).toBe(401);
  });

  it('a write made by impersonation is authorized by the person’s group binding and audited as both caller and person', async () => {
    const namespace = `team-a-${Date.now()}`;
    expect((await api('POST', '/api/v1/namespaces', { body: { metadata: { name: namespace } } })).status).toBe(201);
    // A Role of our own: `edit` is filled by kube-controller-manager's aggregation, which
    // this control plane does not run.
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmap-writer' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get'] }],
    };
    expect((await api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, { body: role })).status).toBe(201);
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'team-a-writes-configmaps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-writer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:team-a' }],
    };
    expect((await api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, { body: binding })).status).toBe(
      201,
    );

    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'made-as-ada' }, data: { by: 'ada' } };
    const asAda = { user: 'oidc:ada@example.com', groups: ['oidc:team-a'] };
    const created = await api('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: configMap, impersonate: asAda });
    expect(created.status).toBe(201);
    // Bob's team has no binding there: the apiserver says no, in its own words.
    const asBob = { user: 'oidc:bob@example.com', groups: ['oidc:team-b'] };
    const denied = await api('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
      body: { ...configMap, metadata: { name: 'made-as-bob' } },
      impersonate: asBob,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain(`cannot create resource "configmaps" in API group "" in the namespace "${namespace}"`);

    const events = await controlPlane.auditEvents();
    const write = events.find(
      (e) =>
        e.verb === 'create' &&
        e.objectRef?.resource === 'configmaps' &&
        e.objectRef.namespace === namespace &&
        e.objectRef.name === 'made-as-ada',
    );
    expect(write?.user.username).toBe('admin');
    expect(write?.impersonatedUser?.username).toBe('oidc:ada@example.com');
    expect(write?.responseStatus?.code).toBe(201);
    const refused = events.find(
      (e) => e.verb === 'create' && e.objectRef?.namespace === namespace && e.impersonatedUser?.username === 'oidc:bob@example.com',
    );
    expect(refused?.responseStatus?.code).toBe(403);
  });
});
