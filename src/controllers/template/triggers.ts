import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import type { TemplateObject } from '../../api/objects.ts';

/** Told of every Template seen and gone, e.g. to search them; never waited on. */
export interface TemplateListener {
  templateChanged(template: TemplateObject): void;
  templateRemoved(namespace: string, name: string): void;
}

/** The Templates source the templates controllers and the dashboard share. */
export const watchTemplates = (context: ControllerContext): Source<TemplateObject> =>
  context.watch<TemplateObject>(RESOURCES.templates, { name: 'template' });

/** Each Template changed is checked again; the listener (search) hears of every one. */
export function templateWatches(templates: Source<TemplateObject>, listener?: TemplateListener): Watch[] {
  return [
    watch(templates, ({ type, object }) => {
      if (type === 'delete') {
        listener?.templateRemoved(object.metadata.namespace, object.metadata.name);
        return [];
      }
      listener?.templateChanged(object);
      return [keyOf(object)];
    }),
  ];
}
