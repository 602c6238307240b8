/**
 * What one request may read, decided before any route renders: the middleware asks the
 * access layer once (a few cached SubjectAccessReviews), and every route then reads through
 * the views of scopeOf — synchronous filters over the in-memory stores, never awaiting per
 * entity. Without a person (`--auth none`) there is no visibility and the views are the
 * stores themselves.
 */
import type { RequestHandler, Response } from 'express';
import { presentNamespaces, type PortalStores } from '../../access/present.ts';
import { DOC_SOURCES, TEMPLATES, entityResource } from '../../access/resources.ts';
import type { AccessReviews } from '../../access/reviews.ts';
import { visibleCatalog } from '../../access/visible-catalog.ts';
import { visibilityFor } from '../../access/visible-namespaces.ts';
import { SEES_EVERYTHING, SEES_NOTHING, type Visibility } from '../../access/visibility.ts';
import type { CatalogView } from '../../catalog/view.ts';
import type { DocsStore } from '../../docs/site.ts';
import type { ScorecardStore } from '../../scorecards/store.ts';
import type { SearchedObject } from '../../search/index.ts';
import type { CatalogSourceStore, TemplateStore } from '../../api/objects.ts';
import { personOf } from '../auth/person.ts';
import { visibleCatalogSources, visibleDocs, visibleScorecards, visibleTemplates } from './visible-stores.ts';

/** Paths no person's RBAC governs: the dashboard's own files. */
const UNGOVERNED = /^\/(static\/|favicon\.ico$)/;

/**
 * Sets the request's Visibility when someone is signed in. With a person but no access layer
 * (a wiring mistake) they see nothing: reads fail closed, never open.
 */
export function resolveVisibility(access: AccessReviews | undefined, stores: PortalStores): RequestHandler {
  return async (req, res, next) => {
    const person = personOf(res);
    if (!person || UNGOVERNED.test(req.path)) return next();
    res.locals.visibility = access ? await visibilityFor(access, person, presentNamespaces(stores)) : SEES_NOTHING;
    next();
  };
}

/** The request's Visibility: everything when nobody is signed in. */
export const visibilityOf = (res: Response): Visibility => (res.locals.visibility as Visibility | undefined) ?? SEES_EVERYTHING;

/** The stores as the request's person may read them. */
export interface ReadScope {
  catalog: CatalogView;
  templates: TemplateStore;
  docs: DocsStore | undefined;
  scorecards: ScorecardStore;
  catalogSources: CatalogSourceStore;
}

export interface ScopeStores {
  graph: CatalogView;
  templates: TemplateStore;
  docs?: DocsStore | undefined;
  scorecards: ScorecardStore;
  catalogSources: CatalogSourceStore;
}

/** The request's views, made on first use and kept on res.locals for the rest of the request. */
export function scopeOf(res: Response, stores: ScopeStores, now: Date): ReadScope {
  const made = res.locals.readScope as ReadScope | undefined;
  if (made) return made;
  const visibility = visibilityOf(res);
  const catalog = visibleCatalog(stores.graph, visibility);
  const scope: ReadScope = {
    catalog,
    templates: visibleTemplates(stores.templates, visibility),
    docs: stores.docs && visibleDocs(stores.docs, visibility),
    scorecards: visibleScorecards(stores.scorecards, visibility, catalog, now),
    catalogSources: visibleCatalogSources(stores.catalogSources, visibility),
  };
  res.locals.readScope = scope;
  return scope;
}

/** The search filter of the request's person; none (every document) when nothing is hidden. */
export function searchVisibility(res: Response): ((document: SearchedObject) => boolean) | undefined {
  const visibility = visibilityOf(res);
  if (visibility.everything) return undefined;
  return (d) => visibility.sees(resourceOf(d), d.namespace);
}

/** The resource whose list permission decides whether a person sees a search document. */
function resourceOf(d: SearchedObject) {
  switch (d.result) {
    case 'entity':
      return entityResource(d.kind);
    // An API's operations are seen by whoever sees the API.
    case 'operation':
      return entityResource('API');
    case 'template':
      return TEMPLATES;
    case 'doc':
      return DOC_SOURCES;
  }
}
