import { Router, type Request, type Response } from 'express';
import type { CatalogView } from '../../catalog/view.ts';
import type { TemplateStore } from '../../api/objects.ts';
import { refusal, type NewRun, type SelfService } from '../../self-service/cluster-writes.ts';
import { personOf, type Person } from '../auth/person.ts';
import { safeReturnPath } from '../auth/return-url.ts';
import { viewerOf } from '../auth/viewer.ts';
import { HttpProblem } from '../problems.ts';
import { findRun, isCancellable, isRetryable, portalRun, retryRun, startableFromPortal } from './run-actions.ts';
import type { FormQuery } from './parameter-form.ts';
import { runHref, templateHref, templatePage } from './template-pages.ts';
import { viewsEnvironment } from '../views.ts';
import { visibleCatalog } from '../../access/visible-catalog.ts';
import { visibilityOf } from '../access/scope.ts';
import { visibleTemplates } from '../access/visible-stores.ts';

export interface SelfServiceDependencies {
  templates: TemplateStore;
  graph: CatalogView;
  writes: SelfService;
  /** How long to wait for a created run to reach this replica's cache before opening its page. */
  appearWithinMs?: number;
}

/** A form body as flat strings (urlencoded, extended: false): the first of repeated keys. */
function formBody(body: unknown): FormQuery {
  const flat: FormQuery = {};
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') flat[key] = first;
  }
  return flat;
}

function signedIn(res: Response): Person {
  const person = personOf(res);
  if (!person) throw new HttpProblem(401, ['sign in to change anything']);
  return person;
}

/** Runs a write, turning the apiserver's refusal into a problem that shows its own message. */
async function refusedAsProblem<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const refused = refusal(error);
    if (!refused) throw error;
    throw new HttpProblem(refused.status, [refused.message]);
  }
}

/** Resolves once `seen()` is true or `withinMs` passed, checking every 50 ms. */
async function appeared(seen: () => boolean, withinMs: number): Promise<void> {
  for (const deadline = Date.now() + withinMs; !seen() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * The dashboard's writes, each made as the signed-in person through {@link SelfService} (so
 * their RBAC decides and the audit log names them), each behind the CSRF check that the
 * authentication middleware runs on every POST. A refusal shows the apiserver's own message.
 * Mounted only under `--auth proxy|oidc`; under `none` app.ts refuses every POST.
 */
export function createSelfServiceRouter({
  templates: allTemplates,
  graph: whole,
  writes,
  appearWithinMs = 3000,
}: SelfServiceDependencies): Router {
  const env = viewsEnvironment();
  // A posted form reads what a GET would (src/http/access): a Template or run the person may
  // not list answers 404 as a missing one does, and its page is not rendered for them.
  const seen = (res: Response) => ({
    templates: visibleTemplates(allTemplates, visibilityOf(res)),
    graph: visibleCatalog(whole, visibilityOf(res)),
  });
  const router = Router();
  const render = (res: Response, view: string, context: object, status = 200): void => {
    res
      .status(status)
      .type('html')
      .send(env.render(view, { viewer: viewerOf(res), ...context }));
  };

  /** Starts `run` as the person and opens its page once this replica has seen it. */
  const start = async (res: Response, person: Person, run: NewRun): Promise<void> => {
    const created = await writes.startRun(person, run);
    await appeared(() => Boolean(findRun(allTemplates, created.namespace, created.name)), appearWithinMs);
    res.redirect(303, runHref(created.namespace, created.name));
  };

  // The Template page's form, posted: "Check values" shows the checks as the GET form does;
  // "Start run" checks the same way and, if the values pass, creates the run as the person.
  router.post('/templates/:namespace/:name', async (req: Request<{ namespace: string; name: string }>, res) => {
    const person = signedIn(res);
    const { namespace, name } = req.params;
    const body = formBody(req.body);
    const { templates, graph } = seen(res);
    const model = templatePage(templates, namespace, name, body, graph);
    if (!model) return render(res, 'not-found.njk', { page: 'templates', missing: `Template ${namespace}/${name}`, q: name }, 404);
    const t = templates.templates().find((x) => x.metadata.namespace === namespace && x.metadata.name === name)!;
    if (body._intent !== 'start' || !model.values || !startableFromPortal(t))
      return render(res, 'template.njk', { page: 'templates', ...model });
    try {
      await refusedAsProblem(() => start(res, person, portalRun(t, model.values!)));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      render(res, 'template.njk', { page: 'templates', ...model, denied: error.problems.join('; ') }, error.status);
    }
  });

  router.post('/runs/:namespace/:name/retry', async (req: Request<{ namespace: string; name: string }>, res) => {
    const person = signedIn(res);
    const run = findRun(seen(res).templates, req.params.namespace, req.params.name);
    if (!run) throw new HttpProblem(404, [`there is no TemplateRun ${req.params.namespace}/${req.params.name}`]);
    if (!isRetryable(run)) throw new HttpProblem(409, [`${run.metadata.name} has not failed; only a failed run is retried`]);
    await refusedAsProblem(() => start(res, person, retryRun(run)));
  });

  router.post('/runs/:namespace/:name/cancel', async (req: Request<{ namespace: string; name: string }>, res) => {
    const person = signedIn(res);
    const run = findRun(seen(res).templates, req.params.namespace, req.params.name);
    if (!run) throw new HttpProblem(404, [`there is no TemplateRun ${req.params.namespace}/${req.params.name}`]);
    if (!isCancellable(run)) throw new HttpProblem(409, [`${run.metadata.name} has finished; there is nothing to cancel`]);
    await refusedAsProblem(() => writes.cancelRun(person, run.metadata.namespace, run.metadata.name));
    res.redirect(303, templateHref(run.spec.templateRef.namespace ?? run.metadata.namespace, run.spec.templateRef.name));
  });

  router.post('/docsources/:namespace/:name/rebuild', async (req: Request<{ namespace: string; name: string }>, res) => {
    const person = signedIn(res);
    await refusedAsProblem(() => writes.rebuildDocs(person, req.params.namespace, req.params.name, new Date()));
    res.redirect(303, safeReturnPath(formBody(req.body).returnTo));
  });

  router.post('/catalogsources/:namespace/:name/sync', async (req: Request<{ namespace: string; name: string }>, res) => {
    const person = signedIn(res);
    await refusedAsProblem(() => writes.syncCatalogSource(person, req.params.namespace, req.params.name, new Date()));
    res.redirect(303, safeReturnPath(formBody(req.body).returnTo));
  });

  return router;
}
