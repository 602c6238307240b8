import { viewsEnvironment } from './views.ts';
import { Router } from 'express';
import { z } from 'zod';
import type { SearchIndex } from '../../search/index.ts';
import { searchPage } from './search-page.ts';

const text = z.string().trim().max(256).optional().catch(undefined);
const searchQuery = z.object({ q: text, kind: text });

export interface SearchUiDependencies {
  search: SearchIndex;
}

/**
 * `GET /search`: the dashboard's results page for the header's search box. Mount it ahead of
 * the dashboard router, whose catch-all renders the 404 page. An unknown kind is ignored
 * rather than refused: a person typed or edited the URL, and all results beat an error.
 */
export function createSearchUiRouter({ search }: SearchUiDependencies): Router {
  // The same views as the dashboard, autoescaped: only the excerpts, escaped by the index, are marked safe.
  const env = viewsEnvironment();
  const router = Router();
  router.get('/search', (req, res) => {
    const { q, kind } = searchQuery.parse(req.query);
    res.type('html').send(env.render('search.njk', { page: 'search', ...searchPage(search, { q, kind }) }));
  });
  return router;
}
