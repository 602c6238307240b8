import { RESOURCES } from '../../api/v1alpha1/index.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { splitKey } from '../../runtime/controller.ts';
import type { Source } from '../../runtime/source.ts';
import type { WorkResult } from '../../runtime/work-queue.ts';
import type { TemplateObject } from '../../api/objects.ts';
import { decideTemplateConditions, templateStatusUpToDate } from './decide.ts';

/** The I/O shell: writes a Template's conditions when what they say has changed. */
export async function reconcileTemplate(context: ControllerContext, templates: Source<TemplateObject>, key: string): Promise<WorkResult> {
  const { namespace, name } = splitKey(key);
  const template = templates.get(namespace, name);
  if (!template) return 'done';
  const conditions = decideTemplateConditions(template, nowOf(context));
  if (templateStatusUpToDate(template, conditions)) return 'done';
  await context.status.apply(RESOURCES.templates, namespace, name, { observedGeneration: template.metadata.generation, conditions });
  return 'done';
}
