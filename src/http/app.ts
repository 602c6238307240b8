import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { CatalogGraph } from '../catalog/graph.ts';
import type { ScorecardStore } from '../scorecards/store.ts';
import type { TemplateStore } from '../templates/objects.ts';
import { createApiRouter } from './api.ts';
import { createUiRouter } from './ui/router.ts';
import { createDocsRouter } from './ui/docs-router.ts';
import type { DocsStore } from '../docs/site.ts';
import type { SearchIndex } from '../search/index.ts';
import { createSearchApiRouter } from './search-api.ts';
import { createSearchUiRouter } from './ui/search-router.ts';

export interface AppDependencies {
  metrics: Registry;
  /** Ready once the informer caches have synced and the graph is complete. */
  isReady: () => boolean;
  /** The in-memory catalog the read API and dashboard answer from. */
  graph: CatalogGraph;
  /** Templates and their runs for the dashboard's templates pages; absent, they are empty. */
  templates?: TemplateStore;
  /** Built docs sites for the docs reader; absent, there are none. */
  docs?: DocsStore;
  /** One index over entities and doc pages; without it /search and /api/v1/search are not served. */
  search?: SearchIndex;
  /** Scorecards and initiatives for the dashboard's scorecard pages; absent, they are empty. */
  scorecards?: ScorecardStore;
}

/**
 * No inline script or style, nothing from other origins: a value from a custom resource
 * that slipped past escaping still could not run. Images may be data: URIs (none today).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The HTTP surface of one replica: health, metrics, the read API and the dashboard, all
 * served from memory and all read-only. Built apart from `listen` so tests run it on port 0.
 */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
    next();
  });
  // Read-only: anything but GET/HEAD is refused before it reaches a route.
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    res.status(405).set('Allow', 'GET, HEAD').json({ error: 'Greenroom is read-only over HTTP; change the catalog with kubectl or GitOps' });
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ok' : 'caches not synced');
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  // Each router ends in its own 404, so the search routes go first.
  if (deps.search) app.use('/api/v1', createSearchApiRouter({ search: deps.search }));
  app.use('/api/v1', createApiRouter({ graph: deps.graph }));
  if (deps.search) app.use(createSearchUiRouter({ search: deps.search }));
  // The reader goes before the dashboard, whose last route answers 404.
  if (deps.docs) app.use(createDocsRouter({ docs: deps.docs }));
  app.use(createUiRouter({ graph: deps.graph, templates: deps.templates, docs: deps.docs, scorecards: deps.scorecards }));
  return app;
}
