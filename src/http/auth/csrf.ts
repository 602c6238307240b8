import { createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { HttpProblem } from '../problems.ts';

/**
 * CSRF protection of every write (csrf-csrf: a signed double-submit token bound to the
 * session, so it needs no server-side store, like the session itself). The token is in an
 * HttpOnly SameSite=Strict cookie and in each form; a POST whose form field does not match
 * the cookie, or whose cookie was made for another session, is refused before any route.
 */
export interface Csrf {
  /** Refuses (403) a POST without the right token; lets reads through. */
  protect: RequestHandler;
  /** The token to render into this response's forms (sets its cookie when needed). */
  token: (req: Request, res: Response) => string;
}

/** The form field that carries the token (a header `X-CSRF-Token` is read too). */
export const CSRF_FIELD = '_csrf';

/**
 * `sessionKeyOf` names the session a token is bound to (the session id under oidc, the
 * username under proxy); `secret` is the session secret, from which a CSRF-only key is
 * derived so one key never serves two purposes.
 */
export function createCsrf({
  secret,
  secure,
  sessionKeyOf,
}: {
  secret: string;
  secure: boolean;
  sessionKeyOf: (res: Response) => string;
}): Csrf {
  const key = createHmac('sha256', secret).update('greenroom csrf').digest('hex');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => key,
    // express sets req.res; the authentication middleware has put the session key on it.
    getSessionIdentifier: (req) => (req.res ? sessionKeyOf(req.res) : ''),
    // __Host- (Secure, Path=/, no Domain) only over TLS: browsers drop it on plain http.
    cookieName: secure ? '__Host-greenroom-csrf' : 'greenroom-csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return typeof field === 'string' ? field : req.headers['x-csrf-token'];
    },
  });
  return {
    protect: (req, res, next) =>
      doubleCsrfProtection(req, res, (error?: unknown) =>
        next(
          error ? new HttpProblem(403, ["the form's CSRF token is missing or does not match; reload the page and try again"]) : undefined,
        ),
      ),
    token: (req, res) => generateCsrfToken(req, res),
  };
}
