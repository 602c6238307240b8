/**
 * Which namespaces hold something of each portal resource right now: the namespaces a
 * person's access is reviewed in. Computed from the in-memory stores once per request.
 */
import type { EntityRef } from '../catalog/refs.ts';
import type { DocsStore } from '../docs/site.ts';
import type { ScorecardStore } from '../scorecards/store.ts';
import type { CatalogSourceStore, TemplateStore } from '../api/objects.ts';
import { CATALOG_SOURCES, DOC_SOURCES, INITIATIVES, SCORECARDS, TEMPLATES, TEMPLATE_RUNS, entityResource } from './resources.ts';

/** resource (greenroom.dev plural) → namespaces holding at least one. */
export type PresentNamespaces = Map<string, Set<string>>;

/** What present namespaces are read from; each is optional, as the app's stores are. */
export interface PortalStores {
  graph: { sortedRefs(): readonly EntityRef[] };
  templates?: TemplateStore | undefined;
  docs?: DocsStore | undefined;
  scorecards?: ScorecardStore | undefined;
  catalogSources?: CatalogSourceStore | undefined;
}

/**
 * Entity namespaces per resource, keyed by the graph's sorted ref list: the graph replaces
 * that list whenever an entity is added or removed, and an entity never changes namespace,
 * so the answer holds until then and 10,000 refs are not walked on every request.
 */
const entityNamespaces = new WeakMap<readonly EntityRef[], PresentNamespaces>();

function fromRefs(refs: readonly EntityRef[]): PresentNamespaces {
  let present = entityNamespaces.get(refs);
  if (present) return present;
  present = new Map();
  for (const ref of refs) {
    const colon = ref.indexOf(':');
    const slash = ref.indexOf('/', colon);
    add(present, entityResource(ref.slice(0, colon)), ref.slice(colon + 1, slash));
  }
  entityNamespaces.set(refs, present);
  return present;
}

function add(present: PresentNamespaces, resource: string, namespace: string): void {
  let namespaces = present.get(resource);
  if (!namespaces) present.set(resource, (namespaces = new Set()));
  namespaces.add(namespace);
}

export function presentNamespaces(stores: PortalStores): PresentNamespaces {
  const present: PresentNamespaces = new Map([...fromRefs(stores.graph.sortedRefs())].map(([r, ns]) => [r, new Set(ns)]));
  for (const t of stores.templates?.templates() ?? []) add(present, TEMPLATES, t.metadata.namespace);
  for (const r of stores.templates?.runs() ?? []) add(present, TEMPLATE_RUNS, r.metadata.namespace);
  for (const s of stores.scorecards?.scorecards() ?? []) add(present, SCORECARDS, s.metadata.namespace);
  for (const i of stores.scorecards?.initiatives() ?? []) add(present, INITIATIVES, i.metadata.namespace);
  for (const ns of stores.docs?.sourceNamespaces?.() ?? []) add(present, DOC_SOURCES, ns);
  for (const s of stores.catalogSources?.sources() ?? []) add(present, CATALOG_SOURCES, s.metadata.namespace);
  return present;
}
