import { Router } from 'express';
import { z } from 'zod';
import { MAX_QUERY_LENGTH, isSearchKind, type SearchReader } from '../search/index.ts';
import { searchVisibility } from './access/scope.ts';

/** Most results one request returns; `total` still counts them all. */
export const MAX_SEARCH_LIMIT = 100;

const searchQuery = z.object({
  q: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be given once') })
    .trim()
    .min(1, 'is required')
    .max(MAX_QUERY_LENGTH),
  kind: z
    .string({ error: 'must be given once' })
    .trim()
    .optional()
    .transform((k) => k || undefined)
    .refine((k) => k === undefined || isSearchKind(k), { message: 'is not a catalog kind, template or docs' }),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(20),
});

export interface SearchApiDependencies {
  search: SearchReader;
}

/**
 * `GET /search?q=&kind=&limit=`: one ranked search over entities and doc pages, answered from
 * the in-memory index. Mount it under /api/v1 ahead of the read API, whose catch-all answers
 * 404 for routes it does not know.
 */
export function createSearchApiRouter({ search }: SearchApiDependencies): Router {
  const router = Router();
  router.get('/search', (req, res) => {
    const parsed = searchQuery.safeParse(req.query);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`);
      return void res.status(400).json({ error: `bad query: ${problems.join('; ')}`, problems });
    }
    const { q, kind, limit } = parsed.data;
    const answer = search.search(q, { kind, limit, visible: searchVisibility(res) });
    res.json({ query: q, ...(kind ? { kind } : {}), total: answer.total, counts: answer.counts, results: answer.results });
  });
  return router;
}
