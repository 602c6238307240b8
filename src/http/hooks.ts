import express, { Router } from 'express';
import type { PushHeaders } from '../catalog-sources/push-signature.ts';

/** Push webhooks for CatalogSources: a verified push asks the source's next check to be now. */
export interface CatalogHooks {
  /** True when the source exists, names a webhook Secret and the push is signed with it; then a sync is asked for. */
  push(namespace: string, name: string, body: Buffer, headers: PushHeaders): Promise<boolean>;
}

/** The most a push's body may hold: git hosts send a few KiB; more is refused unread. */
const MAX_PUSH_BYTES = 1 << 20;

/**
 * `POST /hooks/catalogsources/{namespace}/{name}`, for git hosts. Not a person's request: it
 * carries no session and is authorised by its signature alone, so a source that does not
 * exist and a bad signature get the same answer (nobody learns which sources there are). It
 * changes nothing but the time of the source's next check.
 */
export function createHooksRouter({ hooks }: { hooks: CatalogHooks }): Router {
  const router = Router();
  router.post(
    '/hooks/catalogsources/:namespace/:name',
    express.raw({ type: () => true, limit: MAX_PUSH_BYTES }),
    async (req, res, next) => {
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const headers: PushHeaders = {
          'x-hub-signature-256': req.get('x-hub-signature-256'),
          'x-gitea-signature': req.get('x-gitea-signature'),
          'x-gitlab-token': req.get('x-gitlab-token'),
        };
        const accepted = await hooks.push(String(req.params.namespace), String(req.params.name), body, headers);
        if (!accepted) {
          res.status(401).json({
            error:
              "not accepted: the CatalogSource does not exist, names no webhookSecretRef, or the body is not signed with that Secret's key (X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>)",
          });
          return;
        }
        res.status(202).json({ accepted: true, message: 'the source is checked now' });
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
