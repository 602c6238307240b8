import type { SessionOptions } from 'iron-session';
import type { Person } from './person.ts';
import type { CookieSettings } from './settings.ts';

/** What the sealed session cookie holds: the person, and an id that names this sign-in. */
export interface SessionData {
  /** A fresh random id per sign-in: CSRF tokens are bound to it, sign-out revokes it. */
  sid: string;
  person: Person;
}

/** What the short-lived login cookie holds between /auth/login and /auth/callback. */
export interface LoginState {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** Ten minutes to get through the identity provider's login page. */
export const LOGIN_STATE_SECONDS = 600;

/** `__Host-` pins a cookie to this host, path / and Secure; browsers refuse it over plain http. */
const cookieName = (name: string, secure: boolean): string => (secure ? `__Host-${name}` : name);

/**
 * The session cookie: sealed by iron-session (encrypted and signed, so the person's groups
 * can be neither read nor forged in the browser), HttpOnly (no script reads it), SameSite=Lax
 * (sent on a top-level navigation from the identity provider, not on another site's
 * sub-requests or form posts), Secure behind TLS, and bounded: the seal expires with the
 * sign-in, whatever the browser keeps.
 */
export function sessionCookieOptions(cookies: CookieSettings): SessionOptions {
  return {
    cookieName: cookieName('greenroom-session', cookies.secure),
    password: cookies.secret,
    ttl: cookies.sessionMaxAgeSeconds,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: cookies.secure, path: '/' },
  };
}

/**
 * The login cookie: state, nonce, PKCE verifier and return path of one sign-in attempt, in
 * its own short-lived sealed cookie so a half-finished sign-in never touches the session.
 * Lax, because the identity provider's redirect back is a top-level GET from its origin.
 */
export function loginCookieOptions(cookies: CookieSettings): SessionOptions {
  return {
    cookieName: cookieName('greenroom-login', cookies.secure),
    password: cookies.secret,
    ttl: LOGIN_STATE_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: cookies.secure, path: '/' },
  };
}
