import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { createApp } from '../../src/http/app.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { startDex, type Dex } from '../../src/local-cluster/dex.ts';
import { oauth2ProxyCallback, startOAuth2Proxy, type OAuth2Proxy } from '../../src/local-cluster/oauth2-proxy.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import { parseTrustedPeers } from '../../src/http/auth/trusted-peers.ts';
import { loginFormAction, WebClient, type WebAnswer } from '../support/sign-in.ts';

// --auth proxy behind a real oauth2-proxy (v7, from the Go module proxy) signing people in at
// a real Dex: the portal believes the headers oauth2-proxy sets, from loopback only. The
// username is the email with the same `oidc:` prefixes the control plane gives OIDC users, so
// the same RoleBindings apply to kubectl and the portal.
const carol = { email: 'carol@example.com', username: 'carol', password: 'carol-password-3', groups: ['team-c'] };
const client = { id: 'greenroom-proxy', secret: 'greenroom-proxy-secret' };
let dex: Dex;
let proxy: OAuth2Proxy;
let portal: Server;

beforeAll(async () => {
  const proxyPort = await freePort();
  dex = await startDex({ people: [carol], clients: [{ ...client, redirectURIs: [oauth2ProxyCallback(proxyPort)] }] });
  portal = createApp({
    isReady: () => true,
    graph: new CatalogGraph(),
    auth: {
      mode: 'proxy',
      cookies: { secret: 'p'.repeat(32), secure: false, sessionMaxAgeSeconds: 600 },
      proxy: {
        trustedPeers: parseTrustedPeers('loopback') as never,
        userHeader: 'X-Forwarded-Email',
        groupsHeader: 'X-Forwarded-Groups',
        emailHeader: 'X-Forwarded-Email',
        usernamePrefix: 'oidc:',
        groupsPrefix: 'oidc:',
      },
    },
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => portal.once('listening', resolve));
  const upstream = `http://127.0.0.1:${(portal.address() as { port: number }).port}`;
  proxy = await startOAuth2Proxy({
    issuer: dex.issuer,
    caFile: dex.caFile,
    upstream,
    clientId: client.id,
    clientSecret: client.secret,
    port: proxyPort,
  });
}, 240_000);

afterAll(async () => {
  await proxy?.stop();
  portal?.closeAllConnections();
  portal?.close();
  await dex?.stop();
});

/**
 * Dex's login page, then its approval page: oauth2-proxy asks with approval_prompt=force (its
 * default), which makes Dex ask even with skipApprovalScreen. Returns the redirect back.
 */
async function signInApproving(web: WebClient, authorizationUrl: string, person: { email: string; password: string }): Promise<string> {
  const onDex = (location: string): boolean => location.startsWith(dex.issuer);
  const page = await web.followFrom(authorizationUrl, onDex);
  let answer: WebAnswer = await web.request('POST', loginFormAction(page), { form: { login: person.email, password: person.password } });
  for (let hops = 0; hops < 10; hops++) {
    if (answer.location && onDex(answer.location)) answer = await web.request('GET', answer.location);
    else if (!answer.location && /name="approval"/.test(answer.body)) {
      const req = /name="req" value="([^"]+)"/.exec(answer.body)?.[1] ?? '';
      // The approval form posts back to its own URL.
      answer = await web.request('POST', answer.url, { form: { req, approval: 'approve' } });
    } else break;
  }
  if (!answer.location) throw new Error(`Dex did not send the browser back (status ${answer.status})`);
  return answer.location;
}

/** A browser signed in through oauth2-proxy as `person`, and the first page it got. */
async function signedInBrowser(path: string, person: { email: string; password: string }): Promise<{ web: WebClient; page: WebAnswer }> {
  const web = new WebClient(dex.caFile);
  const start = await web.request('GET', `${proxy.url}${path}`);
  // oauth2-proxy sends the browser to sign in first (its start page, then Dex).
  const toDex = start.location?.startsWith(dex.issuer)
    ? start.location
    : (await web.request('GET', start.location ?? `${proxy.url}/oauth2/start`)).location!;
  const back = await web.request('GET', await signInApproving(web, toDex, person));
  return { web, page: await web.followFrom(back.location ?? `${proxy.url}/`) };
}

describe('signing in through oauth2-proxy (--auth proxy)', () => {
  it('when someone signs in at Dex through oauth2-proxy, then the portal names them by the headers it passes, prefixed as the apiserver would', async () => {
    const { page } = await signedInBrowser('/catalog', carol);
    expect(page.status).toBe(200);
    expect(page.body).toContain('title="oidc:carol@example.com · groups: oidc:team-c">carol@example.com</span>');
  });

  it('when a signed-in person sends identity headers of their own, then oauth2-proxy replaces them: the portal still sees them, not whom they named', async () => {
    const { web } = await signedInBrowser('/', carol);
    const page = await web.request('GET', `${proxy.url}/`, {
      headers: { 'X-Forwarded-Email': 'admin@example.com', 'X-Forwarded-Groups': 'team-a,admins' },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('title="oidc:carol@example.com · groups: oidc:team-c">');
    expect(page.body).not.toContain('admin@example.com');
  });

  it('when a client that has not signed in sends identity headers, then it never reaches the portal', async () => {
    const res = await fetch(`${proxy.url}/api/v1/entities`, {
      headers: { 'X-Forwarded-Email': 'admin@example.com', 'X-Forwarded-Groups': 'team-a' },
      redirect: 'manual',
    });
    expect([302, 401, 403]).toContain(res.status);
  });
});
