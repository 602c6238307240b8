import type { EntityRef } from '../../catalog/refs.ts';
import type { CatalogView } from '../../catalog/view.ts';
import { catalogKind } from '../../api/v1alpha1/index.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { nowOf } from '../../runtime/context.ts';
import { Controller } from '../../runtime/controller.ts';
import type { DefinitionLibrary } from './library.ts';
import { decideDefinition, definitionConditions, definitionUpToDate } from './decide.ts';

/** The field manager of DefinitionResolved: the catalog's own conditions and this one never overwrite each other. */
export const DEFINITION_FIELD_MANAGER = 'greenroom-definitions';

/**
 * The leader's half of API definitions: whenever what the library shows for an API changes,
 * its DefinitionResolved condition is decided and written (server-side apply under its own
 * field manager, so the catalog's conditions are left alone). Keys are entity refs.
 */
export function definitionController(
  context: ControllerContext,
  library: DefinitionLibrary,
  graph: CatalogView,
  graphBuilt: () => Promise<unknown>,
): Controller {
  const kind = catalogKind('API')!;
  return new Controller(context, {
    name: 'apidefinition',
    watches: [],
    concurrency: 2,
    keys: () => library.refs(),
    waitFor: graphBuilt,
    reconcile: async (ref) => {
      const entity = graph.get(ref as EntityRef);
      if (!entity) return 'done';
      const decision = decideDefinition(library.definitionOf(ref));
      if (definitionUpToDate(entity.status?.conditions, decision)) return 'done';
      const conditions = definitionConditions(entity.status?.conditions, decision, entity.generation, nowOf(context));
      await context.status.apply(kind, entity.namespace, entity.name, { conditions }, DEFINITION_FIELD_MANAGER);
      return 'done';
    },
  });
}
