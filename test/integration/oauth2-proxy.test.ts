import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startDex, type Dex } from '../../src/local-cluster/dex.ts';
import { oauth2ProxyCallback, startOAuth2Proxy, type OAuth2Proxy } from '../../src/local-cluster/oauth2-proxy.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import { browsers, SCREENSHOTS } from '../support/browser.ts';
import { signInAtDex, WebClient } from '../support/sign-in.ts';

// A real oauth2-proxy in front of an upstream that records what it is told, signing in at
// a real Dex: the setup the portal's `--auth proxy` sits behind.

const ada = { email: 'ada@example.com', username: 'ada', password: 'ada-password-1', groups: ['team-a', 'reviewers'] };
const client = { id: 'greenroom-proxy', secret: 'proxy-client-secret' };

let dex: Dex;
let proxy: OAuth2Proxy;
let upstream: Server;
const seen: IncomingHttpHeaders[] = [];
const openBrowser = browsers();

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('content-type', 'text/html');
    res.end(`<h1>upstream</h1><p id="user">${req.headers['x-forwarded-email'] ?? 'nobody'}</p>`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  dex = await startDex({
    people: [ada],
    clients: [{ id: client.id, secret: client.secret, redirectURIs: [oauth2ProxyCallback(port)] }],
  });
  proxy = await startOAuth2Proxy({
    issuer: dex.issuer,
    caFile: dex.caFile,
    upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`,
    clientId: client.id,
    clientSecret: client.secret,
    port,
  });
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await dex?.stop();
  upstream?.close();
});

describe('oauth2-proxy in front of an upstream, signing in at Dex', () => {
  it('sends a request without a session to Dex to sign in, and never to the upstream', async () => {
    const before = seen.length;
    const answer = await new WebClient().request('GET', `${proxy.url}/catalog?page=2`);
    expect(answer.status).toBe(302);
    const location = new URL(answer.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${dex.issuer}/auth`);
    expect(location.searchParams.get('client_id')).toBe(client.id);
    expect(location.searchParams.get('redirect_uri')).toBe(oauth2ProxyCallback(Number(new URL(proxy.url).port)));
    expect(seen.length).toBe(before);
  });

  it('after a password sign-in the upstream is told who the person is, and a header they forge is replaced', async () => {
    const web = new WebClient(dex.caFile);
    const toDex = await web.request('GET', `${proxy.url}/catalog`);
    const callback = await signInAtDex(web, toDex.location!, ada);
    expect(callback.startsWith(`${proxy.url}/oauth2/callback?`)).toBe(true);
    const landed = await web.request('GET', callback);
    expect(landed.status).toBe(302);
    expect(landed.location).toBe(`${proxy.url}/catalog`);

    const page = await web.request('GET', landed.location!, {
      headers: { 'x-forwarded-email': 'admin@example.com', 'x-forwarded-groups': 'system:masters' },
    });
    expect(page.status).toBe(200);
    const headers = seen.at(-1)!;
    expect(headers['x-forwarded-email']).toBe(ada.email);
    expect(headers['x-forwarded-groups']).toBe('team-a,reviewers');
    // The token's subject: Dex's opaque id for this person, not their email.
    expect(headers['x-forwarded-user']).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(headers['x-forwarded-preferred-username']).toBe(ada.username);
  });

  it('a person signs in through Dex’s login page in Chromium and reaches the upstream as themselves', async () => {
    const browser = await openBrowser();
    // Dex's certificate comes from a CA made for this test run; only Dex is on https here.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    try {
      await page.goto(`${proxy.url}/`);
      await page.waitForURL((url) => url.toString().startsWith(`${dex.issuer}/auth/local/login`));
      await page.fill('#login', ada.email);
      await page.fill('#password', ada.password);
      await page.click('#submit-login');
      await page.waitForURL(`${proxy.url}/`);
      expect(await page.textContent('#user')).toBe(ada.email);
      await page.screenshot({ path: join(SCREENSHOTS, 'oauth2-proxy-signed-in.png') });
    } finally {
      await context.close();
    }
  });
});
