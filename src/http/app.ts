import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { CatalogGraph } from '../catalog/graph.ts';
import { createApiRouter } from './api.ts';

export interface AppDependencies {
  metrics: Registry;
  /** Ready once the informer caches have synced and the graph is complete. */
  isReady: () => boolean;
  /** The in-memory catalog the read API answers from. */
  graph: CatalogGraph;
}

/**
 * The HTTP surface of one replica: health, metrics and (in later steps) the read API and
 * dashboard, all served from memory. Built apart from `listen` so tests run it on port 0.
 */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
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
  app.use('/api/v1', createApiRouter({ graph: deps.graph }));
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Greenroom</title></head>' +
          '<body><h1>Greenroom</h1><p>The catalog and dashboard arrive with the next releases; ' +
          'this replica is up (<a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a>).</p></body></html>',
      );
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}
