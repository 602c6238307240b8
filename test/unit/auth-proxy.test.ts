import { describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/http/app.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { parseTrustedPeers, isTrustedPeer } from '../../src/http/auth/trusted-peers.ts';
import { DEFAULT_PROXY_HEADERS, type ProxyAuthSettings } from '../../src/http/auth/proxy.ts';
import type { AuthSettings } from '../../src/http/auth/settings.ts';
import type { HttpLimits } from '../../src/http/app.ts';
import { serving } from '../support/serve.ts';
import { CookieJar } from '../support/cookie-jar.ts';

const serveApp = serving();

function peers(text: string): ProxyAuthSettings['trustedPeers'] {
  const parsed = parseTrustedPeers(text);
  if (!Array.isArray(parsed)) throw new Error(parsed.error);
  return parsed;
}

function proxyMode(overrides: Partial<ProxyAuthSettings> = {}): AuthSettings {
  return {
    mode: 'proxy',
    cookies: { secret: 'x'.repeat(32), secure: false, sessionMaxAgeSeconds: 3600 },
    proxy: { trustedPeers: peers('loopback'), ...DEFAULT_PROXY_HEADERS, usernamePrefix: '', groupsPrefix: '', ...overrides },
  };
}

/** The app on 127.0.0.1: its TCP peer, the test, is loopback. */
const serve = (auth?: AuthSettings, limits?: Partial<HttpLimits>): Promise<string> =>
  serveApp(createApp({ isReady: () => true, graph: new CatalogGraph(), ...(auth ? { auth } : {}), ...(limits ? { limits } : {}) }));

const alice = { 'X-Forwarded-User': 'alice', 'X-Forwarded-Email': 'alice@example.com', 'X-Forwarded-Groups': 'team-a, devs' };

describe('sign-in through an authenticating proxy (--auth proxy)', () => {
  it('when a trusted proxy names the person, then the header shows them with their username and groups', async () => {
    const base = await serve(proxyMode());
    const res = await fetch(`${base}/`, { headers: alice });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('title="alice · groups: team-a, devs">alice@example.com</span>');
    expect(html).not.toContain('anonymous, read-only');
    // The page is this person's: no shared cache may keep it.
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('when the request comes from an address not in the trusted list, then it is refused 403, headers or not, and the probes still answer', async () => {
    // Bound on 127.0.0.1 with only 10.0.0.0/8 trusted: the test is an untrusted peer.
    const base = await serve(proxyMode({ trustedPeers: peers('10.0.0.0/8') }));
    expect((await fetch(`${base}/`, { headers: alice })).status).toBe(403);
    const api = await fetch(`${base}/api/v1/entities`, { headers: alice });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: string }).error).toMatch(/sign-in proxy/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("when an untrusted peer claims a trusted address in X-Forwarded-For, then it is still refused: the socket's address decides", async () => {
    // express believes loopback's X-Forwarded-For (req.ip = 10.1.2.3), the identity check must not.
    const base = await serve(proxyMode({ trustedPeers: peers('10.0.0.0/8') }), { trustProxy: ['loopback'] });
    const res = await fetch(`${base}/api/v1/entities`, { headers: { ...alice, 'X-Forwarded-For': '10.1.2.3' } });
    expect(res.status).toBe(403);
  });

  it('when a trusted peer sends no user header, then the request is refused 401', async () => {
    const base = await serve(proxyMode());
    const res = await fetch(`${base}/api/v1/entities`, { headers: { 'X-Forwarded-Email': 'x@example.com' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/no X-Forwarded-User header/);
  });

  it('when the header names and prefixes are configured, then those headers are read and the names prefixed as the apiserver would', async () => {
    const base = await serve(
      proxyMode({
        userHeader: 'X-Auth-Request-User',
        groupsHeader: 'X-Auth-Request-Groups',
        emailHeader: 'X-Auth-Request-Email',
        usernamePrefix: 'sso:',
        groupsPrefix: 'sso:',
      }),
    );
    const html = await (await fetch(`${base}/`, { headers: { 'X-Auth-Request-User': 'bob', 'X-Auth-Request-Groups': 'team-b' } })).text();
    expect(html).toContain('title="sso:bob · groups: sso:team-b">bob</span>');
    // oauth2-proxy's default names are no longer read.
    expect((await fetch(`${base}/`, { headers: alice })).status).toBe(401);
  });

  it('when the proxy names a group or user reserved for Kubernetes, then the request is refused 403 rather than acted on as system:masters', async () => {
    const base = await serve(proxyMode());
    expect((await fetch(`${base}/api/v1/entities`, { headers: { ...alice, 'X-Forwarded-Groups': 'team-a,system:masters' } })).status).toBe(
      403,
    );
    expect((await fetch(`${base}/api/v1/entities`, { headers: { 'X-Forwarded-User': 'system:admin' } })).status).toBe(403);
  });

  it('when a signed-in person posts without the CSRF token of their page, then it is refused 403; with it, it passes', async () => {
    const base = await serve(proxyMode());
    const jar = new CookieJar();
    expect((await jar.fetch(`${base}/`, { headers: alice })).status).toBe(200);
    // A page sets the token's cookie; its forms carry the same token (double submit).
    const token = jar.get('greenroom-csrf');
    expect(token).toBeDefined();
    const form = (t: string | undefined): RequestInit => ({
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(t ? { _csrf: t } : {}).toString(),
    });
    const without = await jar.fetch(`${base}/templates/team-a/x/runs`, form(undefined));
    expect(without.status).toBe(403);
    expect(await without.text()).toMatch(/CSRF token/);
    // Passes the guard; no route answers it yet.
    expect((await jar.fetch(`${base}/templates/team-a/x/runs`, form(token))).status).toBe(404);
    // Another person's request with alice's token and cookie: the token is bound to alice.
    const mallory = await jar.fetch(`${base}/templates/team-a/x/runs`, {
      ...form(token),
      headers: { 'X-Forwarded-User': 'mallory', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(mallory.status).toBe(403);
  });
});

describe('no sign-in (--auth none)', () => {
  it('when a page is served, then its header says the portal is anonymous and read-only', async () => {
    const base = await serve();
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('anonymous, read-only');
  });

  it('when anything is posted, then it is refused 405 before any route: nothing writes', async () => {
    const base = await serve();
    const res = await fetch(`${base}/templates/team-a/x/runs`, { method: 'POST', headers: alice });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: string }).error).toMatch(/--auth none/);
  });
});

describe('trusted proxy addresses', () => {
  it('when loopback is trusted, then both loopback families and an IPv4-mapped loopback are trusted, and nothing else', () => {
    const loopback = peers('loopback');
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.9.9.9'].map((a) => isTrustedPeer(a, loopback))).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::2', undefined, 'not-an-address'].map((a) => isTrustedPeer(a, loopback))).toEqual([false, false, false, false]);
  });

  it('when an entry is neither an address, a CIDR nor loopback, or the list is empty, then parsing names the problem', () => {
    expect(parseTrustedPeers('10.0.0.0/8, proxy.example')).toEqual({ error: 'proxy.example is not an address, a CIDR or loopback' });
    expect(parseTrustedPeers(' ')).toEqual({ error: 'must name at least one address, CIDR or loopback' });
    expect(isTrustedPeer('10.0.0.7', peers('10.0.0.7'))).toBe(true);
  });
});
