import { viewsEnvironment } from '../views.ts';
import { Router } from 'express';
import { z } from 'zod';
import { MAX_QUERY_LENGTH, type SearchReader } from '../../search/index.ts';
import { parseQuery } from '../problems.ts';
import { searchPage, SEARCH_PAGE_LIMIT } from './search-page.ts';
import { searchVisibility } from '../access/scope.ts';
import { viewerOf } from '../auth/viewer.ts';

const searchQuery = z.object({
  // Too long a query is refused (400 naming q); an unknown kind only widens the results.
  q: z.string().trim().max(MAX_QUERY_LENGTH).optional(),
  kind: z.string().trim().max(256).optional().catch(undefined),
});

export interface SearchUiDependencies {
  search: SearchReader;
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
    const { q, kind } = parseQuery(searchQuery, req.query);
    res.type('html').send(
      env.render('search.njk', {
        viewer: viewerOf(res),
        page: 'search',
        ...searchPage(search, { q, kind }, SEARCH_PAGE_LIMIT, searchVisibility(res)),
      }),
    );
  });
  return router;
}
