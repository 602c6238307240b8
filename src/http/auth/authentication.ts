import express, { Router, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { personOf } from './person.ts';
import { createCsrf } from './csrf.ts';
import { proxyAuthentication } from './proxy.ts';
import { setViewer } from './viewer.ts';
import { safeReturnPath } from './return-url.ts';
import type { AuthSettings } from './settings.ts';
import type { Logger } from '../../observability/logger.ts';
import { oidcAuthentication } from './oidc.ts';
import { viewsEnvironment } from '../views.ts';

/** Form posts are small (a template's values); more is refused before it is parsed. */
const FORM_LIMITS = { extended: false, limit: '64kb', parameterLimit: 200 } as const;

/** Pages get a CSRF token for their forms; the API and static files need none. */
const isPage = (req: Request): boolean =>
  (req.method === 'GET' || req.method === 'POST') && !req.path.startsWith('/api/') && !req.path.startsWith('/static/');

/** The key a CSRF token is bound to: set by each mode when it has found the person. */
export const sessionKeyOf = (res: Response): string => (res.locals.sessionKey as string | undefined) ?? '';

export interface AuthenticationDependencies {
  settings: AuthSettings;
  logger: Logger;
}

/**
 * Who is asking, before any router runs: sets the Person (res.locals, see person.ts) and the
 * Viewer every page's header shows, and guards writes with CSRF tokens. Under `none` there is
 * no person and nothing writes (app.ts refuses every method but GET and HEAD).
 */
export function authentication({ settings, logger }: AuthenticationDependencies): Router {
  const router = Router();
  if (settings.mode === 'none') {
    router.use((_req, res, next) => {
      setViewer(res, { mode: 'none' });
      next();
    });
    return router;
  }
  router.use(cookieParser());
  let signOut: Router | undefined;
  if (settings.mode === 'proxy') {
    router.use(proxyAuthentication(settings.proxy));
    router.use((_req, res, next) => {
      res.locals.sessionKey = personOf(res)?.username;
      next();
    });
  } else {
    const oidc = oidcAuthentication({ oidc: settings.oidc, cookies: settings.cookies, views: viewsEnvironment(), logger });
    // The sign-in pages' header: nobody yet, with a link to sign in.
    router.use((_req, res, next) => {
      setViewer(res, { mode: 'oidc' });
      next();
    });
    router.use(oidc.open);
    router.use(oidc.session);
    signOut = oidc.signOut;
  }
  const csrf = createCsrf({ secret: settings.cookies.secret, secure: settings.cookies.secure, sessionKeyOf });
  router.use(express.urlencoded(FORM_LIMITS));
  router.use(csrf.protect);
  if (signOut) router.use(signOut);
  router.use((req, res, next) => {
    const person = personOf(res);
    // What a signed-in person sees is theirs: no shared cache (a CDN, a corporate proxy) may keep it.
    if (person && !req.path.startsWith('/static/')) res.set('Cache-Control', 'private, no-store');
    const page = isPage(req);
    setViewer(res, {
      mode: settings.mode,
      ...(person ? { person } : {}),
      ...(person && page ? { csrfToken: csrf.token(req, res) } : {}),
      ...(page ? { returnTo: safeReturnPath(req.originalUrl) } : {}),
    });
    next();
  });
  return router;
}
