import type { Response } from 'express';
import type { CatalogView } from '../../catalog/view.ts';
import type { DocsStore } from '../../docs/site.ts';
import type { ScorecardStore } from '../../scorecards/store.ts';
import type { CatalogSourceStore, TemplateStore } from '../../api/objects.ts';
import type { DefinitionShelf } from '../../api-definitions/read-definition.ts';
import { runtimeGrants, SEES_ALL_RUNTIME, type RuntimeGrants } from '../../access/runtime-grants.ts';
import type { AccessReviews } from '../../access/reviews.ts';
import type { RuntimeShelf } from '../../controllers/runtime-view/controller.ts';
import { scopeOf, type ReadScope } from '../access/scope.ts';
import { personOf } from '../auth/person.ts';
import { viewerOf } from '../auth/viewer.ts';
import { viewsEnvironment } from '../views.ts';

/** What the dashboard reads: the catalog graph and, when the replica has them, the other stores. */
export interface UiDependencies {
  graph: CatalogView;
  /** Templates and their runs; without it the templates pages are empty. */
  templates?: TemplateStore;
  /** DocSources and their built sites, listed on the Docs tab of the entities they document. */
  docs?: DocsStore | undefined;
  /** Scorecards and initiatives; without it their pages are empty and entities show only their results. */
  scorecards?: ScorecardStore | undefined;
  /** CatalogSources: the Sources page, and the source an entity page names; without it the page is empty. */
  catalogSources?: CatalogSourceStore | undefined;
  /** API definitions, read for an API the request's scope shows (the catalog view decides who sees it). */
  definitions?: DefinitionShelf | undefined;
  /** What runs for each entity, for the Runtime tab of Components and Resources; without it the tab shows nothing bound. */
  runtime?: RuntimeShelf | undefined;
  /** Asks what a signed-in person may list of the Runtime tab's Kubernetes objects; without it they see none of them. */
  access?: AccessReviews | undefined;
  /**
   * The time pages decide by (initiative phases, pace, what needs attention): the operator's
   * decision clock, so a page and the status beside it agree; the system clock when absent.
   */
  now?: () => Date;
}

const NO_TEMPLATES: TemplateStore = { templates: () => [], runs: () => [] };
const NO_SCORECARDS: ScorecardStore = { scorecards: () => [], initiatives: () => [] };
const NO_CATALOG_SOURCES: CatalogSourceStore = { sources: () => [] };
const NO_DEFINITIONS: DefinitionShelf = { definitionOf: () => undefined };
const NO_RUNTIME: RuntimeShelf = {
  runtimeOf: (entity) => ({
    view: { namespace: entity.namespace, name: entity.name, workloads: [], events: [], failing: 0 },
    delivery: [],
  }),
};
const SEES_NO_RUNTIME: RuntimeGrants = { deployments: false, statefulSets: false, pods: false, events: false, delivery: () => false };

/** What every dashboard route needs: what the request's person may read, and a page renderer. */
export interface PageKit {
  /** The stores as the request's person may see them (access/scope.ts); without a person, everything. */
  scope: (res: Response) => ReadScope;
  /** The time pages decide by (see UiDependencies.now). */
  now: () => Date;
  /** API definitions by entity ref: read only for an entity found in the request's scope. */
  definitions: DefinitionShelf;
  runtime: RuntimeShelf;
  /**
   * What the request's person may list of an entity's runtime objects (their own RBAC, not the
   * entity's); everything without a person, nothing with a person but no access layer.
   */
  runtimeGrants: (res: Response, namespace: string, delivery: readonly { kind: string; namespace: string }[]) => Promise<RuntimeGrants>;
  /** Renders a view with the signed-in viewer (or none) for the header. */
  render: (res: Response, view: string, context: object, status?: number) => void;
  /** Renders a partial that depends on nothing but `context` (no viewer), to cache its HTML. */
  fragment: (view: string, context: object) => string;
}

/** One page kit per dashboard: the stores (empty ones for those absent) and one views environment. */
export function createPageKit({
  graph,
  templates,
  docs,
  scorecards,
  catalogSources,
  definitions,
  runtime,
  access,
  now = () => new Date(),
}: UiDependencies): PageKit {
  const stores = {
    graph,
    templates: templates ?? NO_TEMPLATES,
    docs,
    scorecards: scorecards ?? NO_SCORECARDS,
    catalogSources: catalogSources ?? NO_CATALOG_SOURCES,
  };
  const env = viewsEnvironment();
  return {
    scope: (res) => scopeOf(res, stores, now()),
    now,
    definitions: definitions ?? NO_DEFINITIONS,
    runtime: runtime ?? NO_RUNTIME,
    runtimeGrants: async (res, namespace, delivery) => {
      const person = personOf(res);
      if (!person) return SEES_ALL_RUNTIME;
      return access ? runtimeGrants(access, person, namespace, delivery) : SEES_NO_RUNTIME;
    },
    render: (res, view, context, status = 200) => {
      res
        .status(status)
        .type('html')
        .send(env.render(view, { viewer: viewerOf(res), ...context }));
    },
    fragment: (view, context) => env.render(view, context),
  };
}
