import { join } from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../../shared/paths.ts';
import { catalogRouter } from './catalog-router.ts';
import { createPageKit, type UiDependencies } from './page-kit.ts';
import { scorecardRouter } from './scorecard-router.ts';
import { sourceRouter } from './source-router.ts';
import { templateRouter } from './template-router.ts';

export type { UiDependencies } from './page-kit.ts';

/** The dashboard's own files: styles, scripts and the icon. */
function assetsRouter(): Router {
  const router = Router();
  router.use('/static', express.static(join(projectRoot(), 'src', 'http', 'static'), { maxAge: '1h', index: false }));
  // Browsers ask for /favicon.ico whatever the page says.
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));
  return router;
}

/**
 * The dashboard: server-rendered pages over the in-memory graph, usable without JavaScript.
 * Read-only — no route here writes to the cluster. One router per area, then the 404 page
 * for every path none of them answers (which is why app.ts mounts this last).
 */
export function createUiRouter(deps: UiDependencies): Router {
  const pages = createPageKit(deps);
  const router = Router();
  router.use(assetsRouter());
  router.use(catalogRouter(pages));
  router.use(templateRouter(pages));
  router.use(scorecardRouter(pages));
  router.use(sourceRouter(pages));
  router.use((req, res) => pages.render(res, 'not-found.njk', { page: '', missing: req.path }, 404));
  return router;
}
