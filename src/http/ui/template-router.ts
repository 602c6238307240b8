import { Router } from 'express';
import type { PageKit } from './page-kit.ts';
import type { FormQuery } from './parameter-form.ts';
import { findRun } from './run-actions.ts';
import { runPage, runProgress, templatePage, templatesPage } from './template-pages.ts';

/** A parsed query string as flat strings: the first of repeated keys, nested ones dropped. */
function formQuery(query: Record<string, unknown>): FormQuery {
  const flat: FormQuery = {};
  for (const [key, value] of Object.entries(query)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') flat[key] = first;
  }
  return flat;
}

/** The templates list, a template's form and a run's page with the progress its script polls. Reads only. */
export function templateRouter({ scope, render }: PageKit): Router {
  const router = Router();

  router.get('/templates', (_req, res) =>
    render(res, 'templates.njk', { page: 'templates', ...templatesPage(scope(res).templates, scope(res).catalog) }),
  );

  // A GET form: the parameters arrive in the query, are checked, and come back as YAML to
  // create with kubectl. Nothing is created from here.
  router.get('/templates/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const { templates: store, catalog: graph } = scope(res);
    const model = templatePage(store, namespace, name, formQuery(req.query as Record<string, unknown>), graph);
    if (!model) return render(res, 'not-found.njk', { page: 'templates', missing: `Template ${namespace}/${name}`, q: name }, 404);
    render(res, 'template.njk', { page: 'templates', ...model });
  });

  router.get('/runs/:namespace/:name', (req, res) => {
    const { namespace, name } = req.params;
    const model = runPage(scope(res).templates, namespace, name);
    if (!model) return render(res, 'not-found.njk', { page: 'templates', missing: `TemplateRun ${namespace}/${name}` }, 404);
    render(res, 'run.njk', { page: 'templates', ...model });
  });

  // What the run page's script (static/run-live.js) polls while the run is going.
  router.get('/runs/:namespace/:name/progress', (req, res) => {
    const run = findRun(scope(res).templates, req.params.namespace, req.params.name);
    if (!run) return void res.status(404).json({ error: `there is no TemplateRun ${req.params.namespace}/${req.params.name}` });
    res.set('Cache-Control', 'no-store').json(runProgress(run));
  });

  return router;
}
