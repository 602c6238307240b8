import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createApp } from '../../src/http/app.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { startDex, type Dex } from '../../src/local-cluster/dex.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import type { AuthSettings } from '../../src/http/auth/settings.ts';
import { signInAtDex, WebClient } from '../support/sign-in.ts';
import { CookieJar, csrfTokenIn } from '../support/cookie-jar.ts';

// --auth oidc end to end against a real Dex (HTTPS with its own CA, so the CA file option is
// what lets the portal reach it): Dex's own login page, the portal's cookies, fixation,
// sign-out, the return path and CSRF. Two portals: one reached over plain http, one whose
// external URL is https (TLS ended in front of it, as behind an Ingress), for Secure cookies.

const alice = { email: 'alice@example.com', username: 'alice', password: 'alice-password-1', groups: ['team-a'] };
const bob = { email: 'bob@example.com', username: 'bob', password: 'bob-password-2', groups: ['team-b'] };
// Within the portal's 100 groups, but their names together are over a cookie's 4 KB.
const dave = {
  email: 'dave@example.com',
  username: 'dave',
  password: 'dave-password-4',
  groups: Array.from({ length: 60 }, (_, i) => `a-rather-long-group-name-for-team-number-${i}-of-the-organisation`),
};
const client = { id: 'greenroom', secret: 'greenroom-client-secret' };

let dex: Dex;
const servers: Server[] = [];
let plain = '';
let behindTls = { base: '', external: '' };

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  dex = await startDex({
    people: [alice, bob, dave],
    clients: [{ ...client, redirectURIs: [`http://127.0.0.1:${ports[0]}/auth/callback`, `https://127.0.0.1:${ports[1]}/auth/callback`] }],
  });
  plain = (await portalOn(ports[0]!, (p) => `http://127.0.0.1:${p}`)).base;
  behindTls = await portalOn(ports[1]!, (p) => `https://127.0.0.1:${p}`);
}, 240_000);

afterAll(async () => {
  for (const s of servers) (s.closeAllConnections(), s.close());
  await dex?.stop();
});

/** A portal on `port` whose external URL is `external(port)`, signing in at the Dex. */
async function portalOn(port: number, external: (port: number) => string): Promise<{ base: string; external: string }> {
  const auth: AuthSettings = {
    mode: 'oidc',
    cookies: { secret: 'x'.repeat(40), secure: external(port).startsWith('https:'), sessionMaxAgeSeconds: 3600 },
    oidc: {
      issuerUrl: dex.issuer,
      clientId: client.id,
      clientSecret: client.secret,
      ca: readFileSync(dex.caFile, 'utf8'),
      scopes: ['openid', 'email', 'profile', 'groups'],
      externalUrl: external(port),
      usernameClaim: 'email',
      usernamePrefix: 'oidc:',
      groupsClaim: 'groups',
      groupsPrefix: 'oidc:',
    },
  };
  const server = createApp({ isReady: () => true, graph: new CatalogGraph(), auth }).listen(port, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${port}`, external: external(port) };
}

/**
 * Opens `path` on the portal signed out, follows it to Dex, signs in there as `person` on
 * Dex's own page, and comes back to the portal's callback. Returns the callback's answer.
 */
async function signIn(
  jar: CookieJar,
  base: string,
  path: string,
  person: { email: string; password: string },
  external = base,
): Promise<Response> {
  const page = await jar.fetch(`${base}${path}`);
  expect(page.status).toBe(303);
  const login = await jar.fetch(new URL(page.headers.get('location')!, base).toString());
  expect(login.status).toBe(303);
  const callback = await signInAtDex(new WebClient(dex.caFile), login.headers.get('location')!, person);
  // TLS ends in front of the portal: the browser's https URL reaches it as http.
  return jar.fetch(callback.replace(external, base));
}

describe('signing in with OpenID Connect (--auth oidc) at a real Dex', () => {
  it('when someone opens a page signed out, then they sign in at Dex, come back to that page, and the header names them', async () => {
    const jar = new CookieJar();
    const back = await signIn(jar, plain, '/catalog?kind=Component', alice);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/catalog?kind=Component');
    const html = await (await jar.fetch(`${plain}/catalog?kind=Component`)).text();
    expect(html).toContain('title="oidc:alice@example.com · groups: oidc:team-a">alice</span>');
    expect(html).toMatch(
      /<form class="sign-out" action="\/auth\/logout" method="post">\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    // The login state was used once and is gone.
    expect(jar.get('greenroom-login')).toBeUndefined();
  });

  it('when signed in over plain http, then the session cookie is HttpOnly, SameSite=Lax, bounded, and not Secure', async () => {
    const jar = new CookieJar();
    await signIn(jar, plain, '/', alice);
    const line = jar.setCookieLine('greenroom-session')!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\//i);
    expect(Number(/Max-Age=(\d+)/i.exec(line)?.[1])).toBeLessThanOrEqual(3600);
    expect(line).not.toMatch(/; Secure/i);
  });

  it("when the portal's external URL is https, then its cookies are __Host-, Secure, HttpOnly and SameSite=Lax", async () => {
    const jar = new CookieJar();
    const page = await jar.fetch(`${behindTls.base}/`);
    const login = await jar.fetch(new URL(page.headers.get('location')!, behindTls.base).toString());
    expect(jar.setCookieLine('__Host-greenroom-login')).toMatch(/^__Host-greenroom-login=[^;]+;.*Secure/i);
    const callback = await signInAtDex(new WebClient(dex.caFile), login.headers.get('location')!, alice);
    expect(callback.startsWith(`${behindTls.external}/auth/callback?`)).toBe(true);
    await jar.fetch(callback.replace(behindTls.external, behindTls.base));
    const line = jar.setCookieLine('__Host-greenroom-session')!;
    for (const flag of [/; Secure/i, /; HttpOnly/i, /; SameSite=Lax/i, /; Path=\//i]) expect(line).toMatch(flag);
    expect(line).not.toMatch(/; Domain=/i);
  });

  it('when a session cookie was planted before sign-in, then sign-in issues a new one, and the planted one does not sign anyone in as the victim', async () => {
    // The attacker signs in as themself and plants their session cookie in alice's browser.
    const attacker = new CookieJar();
    await signIn(attacker, plain, '/', bob);
    const planted = attacker.get('greenroom-session')!;
    const victim = new CookieJar();
    victim.set('greenroom-session', planted);
    // Signed in as bob already, the page would not redirect: alice signs in explicitly.
    const login = await victim.fetch(`${plain}/auth/login?returnTo=/`);
    const callback = await signInAtDex(new WebClient(dex.caFile), login.headers.get('location')!, alice);
    await victim.fetch(callback);
    expect(victim.get('greenroom-session')).not.toBe(planted);
    expect(await (await victim.fetch(`${plain}/`)).text()).toContain('>alice</span>');
    // The planted cookie ended with the sign-in over it: it is nobody's session any more.
    const replay = await fetch(`${plain}/`, { headers: { cookie: `greenroom-session=${planted}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/auth\/login/);
  });

  it("when the return path points off-site, then sign-in ends on the portal's home page instead", async () => {
    for (const returnTo of ['//evil.example/steal', 'https://evil.example/', '/\\evil.example', '/%5Cevil.example']) {
      const jar = new CookieJar();
      const login = await jar.fetch(`${plain}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
      const callback = await signInAtDex(new WebClient(dex.caFile), login.headers.get('location')!, alice);
      const back = await jar.fetch(callback);
      const location = back.headers.get('location')!;
      expect(new URL(location, plain).origin).toBe(plain);
      expect(location.startsWith('//')).toBe(false);
    }
  });

  it('when a write comes without its CSRF token, then it is refused 403; with it, sign-out ends the session and the old cookie no longer works', async () => {
    const jar = new CookieJar();
    await signIn(jar, plain, '/', alice);
    const session = jar.get('greenroom-session')!;
    const page = await (await jar.fetch(`${plain}/`)).text();
    const form = (body: Record<string, string>): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
    const forged = await jar.fetch(`${plain}/auth/logout`, form({}));
    expect(forged.status).toBe(403);
    expect((await jar.fetch(`${plain}/`)).status).toBe(200);
    const out = await jar.fetch(`${plain}/auth/logout`, form({ _csrf: csrfTokenIn(page)! }));
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/auth/signed-out');
    expect(jar.get('greenroom-session')).toBeUndefined();
    expect(await (await jar.fetch(`${plain}/auth/signed-out`)).text()).toContain('You are signed out');
    const replay = await fetch(`${plain}/`, { headers: { cookie: `greenroom-session=${session}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
  });

  it('when the API is called without a session, then it answers 401 JSON; with one, it answers', async () => {
    const anonymous = await fetch(`${plain}/api/v1/entities`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: string }).error).toMatch(/sign in/);
    const jar = new CookieJar();
    await signIn(jar, plain, '/', alice);
    expect((await jar.fetch(`${plain}/api/v1/entities`)).status).toBe(200);
  });

  it('when the callback comes without the sign-in that started it (replayed, or from another browser), then it is refused', async () => {
    const jar = new CookieJar();
    const login = await jar.fetch(`${plain}/auth/login`);
    const callback = await signInAtDex(new WebClient(dex.caFile), login.headers.get('location')!, alice);
    const stranger = await new CookieJar().fetch(callback);
    expect(stranger.status).toBe(400);
    expect((await jar.fetch(callback)).status).toBe(303);
    // Used once: the same callback again finds no sign-in.
    expect((await jar.fetch(callback)).status).toBe(400);
  });

  it("when someone's groups do not fit in a session cookie, then sign-in is refused saying so, and no session is set", async () => {
    const jar = new CookieJar();
    const back = await signIn(jar, plain, '/', dave);
    expect(back.status).toBe(403);
    expect(await back.text()).toMatch(/60 groups\) is too large to keep in a session cookie/);
    expect(jar.get('greenroom-session')).toBeUndefined();
  });
});
