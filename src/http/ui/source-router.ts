import { Router } from 'express';
import type { PageKit } from './page-kit.ts';
import { sourcePage, sourcesPage } from './source-pages.ts';

/** The Sources list and one CatalogSource's page. */
export function sourceRouter({ scope, render }: PageKit): Router {
  const router = Router();

  router.get('/sources', (_req, res) => render(res, 'sources.njk', { page: 'sources', ...sourcesPage(scope(res).catalogSources) }));

  router.get('/sources/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { catalogSources, catalog } = scope(res);
    const model = sourcePage(catalogSources, catalog, namespace, name);
    if (!model) return render(res, 'not-found.njk', { page: 'sources', missing: `CatalogSource ${namespace}/${name}` }, 404);
    render(res, 'source.njk', { page: 'sources', ...model });
  });

  return router;
}
