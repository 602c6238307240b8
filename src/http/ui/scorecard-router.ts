import { Router } from 'express';
import { z } from 'zod';
import { parseQuery } from '../problems.ts';
import { initiativePage } from './initiative-pages.ts';
import type { PageKit } from './page-kit.ts';
import { ENTITY_SORTS, scorecardPage, scorecardsPage } from './scorecard-pages.ts';

const scorecardQuery = z.object({
  sort: z.enum(ENTITY_SORTS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
});

/** The scorecards list, a scorecard's entities and an initiative's progress. */
export function scorecardRouter({ scope, render, now }: PageKit): Router {
  const router = Router();

  router.get('/scorecards', (_req, res) =>
    render(res, 'scorecards.njk', { page: 'scorecards', ...scorecardsPage(scope(res).scorecards, now()) }),
  );

  router.get('/scorecards/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { scorecards: scores, catalog: graph } = scope(res);
    const model = scorecardPage(scores, graph, namespace, name, parseQuery(scorecardQuery, req.query), now());
    if (!model) return render(res, 'not-found.njk', { page: 'scorecards', missing: `Scorecard ${namespace}/${name}` }, 404);
    render(res, 'scorecard.njk', { page: 'scorecards', ...model });
  });

  router.get('/initiatives/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { scorecards: scores, catalog: graph } = scope(res);
    const model = initiativePage(scores, graph, namespace, name, now());
    if (!model) return render(res, 'not-found.njk', { page: 'scorecards', missing: `Initiative ${namespace}/${name}` }, 404);
    render(res, 'initiative.njk', { page: 'scorecards', ...model });
  });

  return router;
}
