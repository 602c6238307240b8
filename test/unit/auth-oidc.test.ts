import { describe, expect, it } from '@jest/globals';
import { safeReturnPath } from '../../src/http/auth/return-url.ts';
import { personFromClaims, type ClaimMapping } from '../../src/http/auth/claims.ts';
import { HttpProblem } from '../../src/http/problems.ts';
import { loginCookieOptions, sessionCookieOptions } from '../../src/http/auth/session-cookies.ts';

describe('the return path after sign-in', () => {
  it('when it is a path on this portal, then it is kept, query and fragment included', () => {
    expect(safeReturnPath('/catalog?kind=Component&page=2')).toBe('/catalog?kind=Component&page=2');
    expect(safeReturnPath('/templates/team-a/new-service#form')).toBe('/templates/team-a/new-service#form');
  });

  it.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/path'],
    ['a backslash after the slash', '/\\evil.example'],
    ['two backslashes', '\\\\evil.example'],
    ['a tab inside the slashes', '/\t/evil.example'],
    ['a newline inside the slashes', '/\n/evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'catalog'],
    ['a dot-segment that climbs to //', '/.//evil.example'],
    ['a sign-in route (a loop)', '/auth/login?returnTo=/'],
    ['nothing', undefined],
    ['a list (a repeated query parameter)', ['/a', '/b']],
  ])('when it is %s, then the person goes home instead', (_what, value) => {
    expect(safeReturnPath(value)).toBe('/');
  });

  it('when it is longer than 2048 characters, then the person goes home', () => {
    expect(safeReturnPath(`/${'a'.repeat(2048)}`)).toBe('/');
  });
});

const DEX = 'https://dex.example.com';
const mapping = (overrides: Partial<ClaimMapping> = {}): ClaimMapping => ({
  issuerUrl: DEX,
  usernameClaim: 'email',
  usernamePrefix: undefined,
  groupsClaim: 'groups',
  groupsPrefix: '',
  ...overrides,
});

describe("an ID token's claims as a Kubernetes person (kube-apiserver's --oidc-* mapping)", () => {
  it('when the username claim is email and no prefix is set, then the email is the username, as the apiserver does', () => {
    expect(
      personFromClaims({ sub: 'Cg1', email: 'alice@example.com', email_verified: true, name: 'Alice', groups: ['team-a'] }, mapping()),
    ).toEqual({
      username: 'alice@example.com',
      groups: ['team-a'],
      displayName: 'Alice',
      email: 'alice@example.com',
    });
  });

  it('when the username claim is not email and no prefix is set, then the issuer URL and # prefix it, as the apiserver does', () => {
    expect(personFromClaims({ sub: 'Cg1' }, mapping({ usernameClaim: 'sub' }))).toMatchObject({ username: `${DEX}#Cg1`, groups: [] });
  });

  it('when the prefix is -, then there is none; when given, it and the groups prefix are prepended', () => {
    expect(personFromClaims({ sub: 'Cg1' }, mapping({ usernameClaim: 'sub', usernamePrefix: '-' }))).toMatchObject({ username: 'Cg1' });
    expect(
      personFromClaims({ email: 'a@x.io', groups: 'team-a' }, mapping({ usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' })),
    ).toMatchObject({ username: 'oidc:a@x.io', groups: ['oidc:team-a'] });
  });

  it('when email is the username but the provider says it is not verified, then there is no person', () => {
    const refused = personFromClaims({ email: 'alice@example.com', email_verified: false }, mapping());
    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).problems[0]).toMatch(/not verified/);
  });

  it('when the username claim is missing or the groups claim is not strings, then there is no person', () => {
    expect(personFromClaims({ sub: 'x' }, mapping())).toBeInstanceOf(HttpProblem);
    expect(personFromClaims({ email: 'a@x.io', groups: [1, 2] }, mapping())).toBeInstanceOf(HttpProblem);
  });

  it('when a name is reserved for Kubernetes (system:masters, system:admin), then there is no person: impersonating it would hand out the cluster', () => {
    expect(personFromClaims({ email: 'a@x.io', groups: ['team-a', 'system:masters'] }, mapping())).toBeInstanceOf(HttpProblem);
    expect(personFromClaims({ sub: 'system:admin' }, mapping({ usernameClaim: 'sub', usernamePrefix: '-' }))).toBeInstanceOf(HttpProblem);
    // A prefix keeps provider names out of system: (the apiserver's advice), and then they are fine.
    expect(personFromClaims({ email: 'a@x.io', groups: ['system:masters'] }, mapping({ groupsPrefix: 'oidc:' }))).toMatchObject({
      groups: ['oidc:system:masters'],
    });
  });

  it('when the token carries more than 100 groups, then sign-in is refused rather than silently dropping some', () => {
    const groups = Array.from({ length: 101 }, (_, i) => `g${i}`);
    expect(personFromClaims({ email: 'a@x.io', groups }, mapping())).toBeInstanceOf(HttpProblem);
  });
});

describe('the session and login cookies', () => {
  const cookies = (secure: boolean) => ({ secret: 's'.repeat(32), secure, sessionMaxAgeSeconds: 8 * 3600 });

  it('when the portal is served over https, then the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax and lives as long as the sign-in', () => {
    const options = sessionCookieOptions(cookies(true));
    expect(options).toMatchObject({
      cookieName: '__Host-greenroom-session',
      ttl: 28800,
      cookieOptions: { httpOnly: true, sameSite: 'lax', secure: true, path: '/' },
    });
  });

  it('when it is served over plain http, then the cookies are not Secure (browsers would drop them) and not __Host-', () => {
    expect(sessionCookieOptions(cookies(false))).toMatchObject({
      cookieName: 'greenroom-session',
      cookieOptions: { secure: false, httpOnly: true },
    });
  });

  it('when a sign-in starts, then its state lives in its own cookie for ten minutes', () => {
    expect(loginCookieOptions(cookies(true))).toMatchObject({
      cookieName: '__Host-greenroom-login',
      ttl: 600,
      cookieOptions: { httpOnly: true, sameSite: 'lax', secure: true },
    });
  });
});
