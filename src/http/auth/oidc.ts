import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import * as client from 'openid-client';
import { getIronSession } from 'iron-session';
import { LRUCache } from 'lru-cache';
import type { Environment } from 'nunjucks';
import type { Logger } from '../../observability/logger.ts';
import { HttpProblem } from '../problems.ts';
import { personFromClaims } from './claims.ts';
import { fetchTrusting } from './ca-fetch.ts';
import { setPerson } from './person.ts';
import { safeReturnPath } from './return-url.ts';
import { loginCookieOptions, sessionCookieOptions, type LoginState, type SessionData } from './session-cookies.ts';
import type { CookieSettings, OidcSettings } from './settings.ts';
import { viewerOf } from './viewer.ts';

/** Sign-outs remembered per replica until their session would have expired anyway. */
const MAX_REVOKED = 10_000;

export interface OidcDependencies {
  oidc: OidcSettings;
  cookies: CookieSettings;
  views: Environment;
  logger: Logger;
}

/** Plain http only for a provider on this machine (the demo's, the tests'); anywhere else https. */
function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
}

/**
 * The provider's configuration, discovered on first use and kept; a failed discovery is
 * retried by the next sign-in rather than failing start-up (the portal still serves its
 * probes, and the provider may simply be starting too).
 */
function providerOf(oidc: OidcSettings): () => Promise<client.Configuration> {
  let pending: Promise<client.Configuration> | undefined;
  const issuer = new URL(oidc.issuerUrl);
  const discover = (): Promise<client.Configuration> =>
    client.discovery(issuer, oidc.clientId, oidc.clientSecret, undefined, {
      timeout: 10,
      ...(isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      ...(oidc.ca ? { [client.customFetch]: fetchTrusting(oidc.ca) as client.CustomFetch } : {}),
    });
  return () => {
    pending ??= discover().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** Why a provider call failed, for the page (the provider's own words, escaped by the view). */
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `--auth oidc`: the portal's own sign-in, authorization code with PKCE (openid-client), a
 * sealed session cookie (iron-session), sign-out. `open` serves the routes anyone may reach
 * (/auth/login, /auth/callback, /auth/signed-out); `session` sets the person from the session
 * cookie or turns the request away (pages to sign-in, the API and posts 401); `signOut` is
 * the POST /auth/logout route, mounted after the CSRF check.
 */
export function oidcAuthentication({ oidc, cookies, views, logger }: OidcDependencies): {
  open: Router;
  session: RequestHandler;
  signOut: Router;
} {
  const provider = providerOf(oidc);
  const sessionOptions = {
    ...sessionCookieOptions(cookies),
    onUnsealError: (why: string) => void (why !== 'expired' && logger.warn({ why }, 'session cookie refused')),
  };
  const loginOptions = loginCookieOptions(cookies);
  const redirectUri = `${oidc.externalUrl}/auth/callback`;
  // A sealed cookie stays valid until its seal expires; a signed-out id is refused until then.
  const revoked = new LRUCache<string, true>({ max: MAX_REVOKED, ttl: cookies.sessionMaxAgeSeconds * 1000 });
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };

  const open = Router();
  open.use('/auth', noStore);
  open.get('/auth/login', async (req, res, next) => {
    let config: client.Configuration;
    try {
      config = await provider();
    } catch (error) {
      logger.warn({ err: error, issuer: oidc.issuerUrl }, 'OpenID Connect discovery failed');
      return next(new HttpProblem(503, [`the identity provider ${oidc.issuerUrl} cannot be reached; try again in a minute`]));
    }
    const codeVerifier = client.randomPKCECodeVerifier();
    const login = await getIronSession<LoginState>(req, res, loginOptions);
    Object.assign(login, {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      returnTo: safeReturnPath(req.query.returnTo),
    });
    await login.save();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: oidc.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: login.state!,
      nonce: login.nonce!,
    });
    res.redirect(303, url.href);
  });

  open.get('/auth/callback', async (req, res, next) => {
    const login = await getIronSession<LoginState>(req, res, loginOptions);
    const { state, nonce, codeVerifier, returnTo } = login;
    // One attempt per login cookie: a replayed callback finds none.
    login.destroy();
    if (!state || !nonce || !codeVerifier)
      return next(new HttpProblem(400, ['this sign-in was not started here, or took longer than ten minutes; sign in again']));
    let claims: Record<string, unknown>;
    try {
      const config = await provider();
      // The URL the provider sent the browser to, by the configured external URL (not Host).
      const at = req.originalUrl.indexOf('?');
      const query = at === -1 ? '' : req.originalUrl.slice(at);
      const tokens = await client.authorizationCodeGrant(config, new URL(`${redirectUri}${query}`), {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() ?? {};
    } catch (error) {
      logger.info({ err: error }, 'sign-in refused');
      return next(new HttpProblem(403, [`sign-in failed: ${reason(error)}`]));
    }
    const person = personFromClaims(claims, oidc);
    if (person instanceof HttpProblem) return next(person);
    // Session fixation: whatever session cookie came in (planted or left over), sign-in
    // ends it and issues a fresh seal with a fresh id; nothing of it carries over.
    const session = await getIronSession<SessionData>(req, res, sessionOptions);
    if (session.sid) revoked.set(session.sid, true);
    for (const key of Object.keys(session)) delete (session as Record<string, unknown>)[key];
    Object.assign(session, { sid: randomUUID(), person });
    try {
      await session.save();
    } catch (error) {
      // iron-session refuses a seal over a browser's 4 KB cookie limit: too many or too long groups.
      logger.warn({ err: error, username: person.username, groups: person.groups.length }, 'session too large for its cookie');
      return next(
        new HttpProblem(403, [
          `your identity (${person.groups.length} groups) is too large to keep in a session cookie; ask for fewer groups in the token`,
        ]),
      );
    }
    logger.info({ username: person.username }, 'signed in');
    res.redirect(303, returnTo ?? '/');
  });

  open.get('/auth/signed-out', (_req, res) => {
    res.type('html').send(views.render('signed-out.njk', { viewer: viewerOf(res), page: '' }));
  });

  const session: RequestHandler = async (req, res, next) => {
    const current = await getIronSession<SessionData>(req, res, sessionOptions);
    if (current.sid && current.person && !revoked.has(current.sid)) {
      setPerson(res, current.person);
      res.locals.sessionKey = current.sid;
      return next();
    }
    // Stylesheets and icons carry nothing of the catalog; the sign-in pages need them.
    if (req.path.startsWith('/static/') || req.path === '/favicon.ico') return next();
    if (req.method !== 'GET' || req.path.startsWith('/api/'))
      return next(new HttpProblem(401, ['sign in first: open the portal in a browser, or send its session cookie']));
    res.redirect(303, `/auth/login?returnTo=${encodeURIComponent(safeReturnPath(req.originalUrl))}`);
  };

  const signOut = Router();
  signOut.post('/auth/logout', async (req: Request, res: Response) => {
    const current = await getIronSession<SessionData>(req, res, sessionOptions);
    if (current.sid) revoked.set(current.sid, true);
    logger.info({ username: current.person?.username }, 'signed out');
    current.destroy();
    res.set('Cache-Control', 'no-store').redirect(303, '/auth/signed-out');
  });
  return { open, session, signOut };
}
