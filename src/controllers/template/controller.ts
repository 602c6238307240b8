import type { ControllerContext } from '../../runtime/context.ts';
import { Controller } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import type { TemplateObject } from '../../api/objects.ts';
import { reconcileTemplate } from './reconcile.ts';
import { templateWatches, type TemplateListener } from './triggers.ts';

/**
 * Templates: checks each one (its parameters' schema, its templated texts) and says what is
 * wrong in its conditions (decide.ts), so an author sees it with kubectl before anyone
 * starts a run.
 */
export function templateController(context: ControllerContext, templates: Source<TemplateObject>, listener?: TemplateListener): Controller {
  return new Controller(context, {
    name: 'template',
    watches: templateWatches(templates, listener),
    concurrency: 1,
    keys: () => templates.list().map(keyOf),
    reconcile: (key) => reconcileTemplate(context, templates, key),
  });
}
