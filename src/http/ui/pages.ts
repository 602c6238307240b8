import { stringify } from 'yaml';
import { CATALOG_KINDS } from '../../api/v1alpha1/index.ts';
import { SOURCE_LABEL } from '../../api/v1alpha1/catalog-source.ts';
import { ORIGIN_EDIT_URL_ANNOTATION, ORIGIN_LINE_ANNOTATION, ORIGIN_LOCATION_ANNOTATION } from '../../catalog-sources/plan.ts';
import type { Entity } from '../../catalog/entity.ts';
import type { CatalogView } from '../../catalog/view.ts';
import { hiddenNeighbours, neighbourhood, ownership, type EntityFilter } from '../../catalog/queries.ts';
import { formatRef, parseRef, splitRef, type EntityRef } from '../../catalog/refs.ts';
import { redactAnnotations } from '../../catalog/redact.ts';
import { layoutGraph } from './graph-layout.ts';
import { displayName } from './names.ts';
import { REASON_WORDS, RELATION_WORDS } from './words.ts';

/** The URL of an entity's page. */
export function entityHref(ref: EntityRef): string {
  const { kind, namespace, name } = splitRef(ref);
  return `/catalog/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** What a table row or a card shows of an entity; the graph, when given, names its owner. */
export function card(e: Entity, graph?: CatalogView) {
  const ready = e.status?.conditions?.find((c) => c.type === 'Ready');
  const owner = typeof e.spec.owner === 'string' ? parseRef(e.spec.owner, { defaultKind: 'Group', namespace: e.namespace }) : undefined;
  const ownerRef = owner && !('error' in owner) ? formatRef(owner) : undefined;
  return {
    ref: e.ref,
    href: entityHref(e.ref),
    kind: e.kind,
    name: e.name,
    namespace: e.namespace,
    title: displayName(e),
    description: typeof e.spec.description === 'string' ? e.spec.description : '',
    type: typeof e.spec.type === 'string' ? e.spec.type : '',
    lifecycle: typeof e.spec.lifecycle === 'string' ? e.spec.lifecycle : '',
    tags: Array.isArray(e.spec.tags) ? (e.spec.tags as string[]) : [],
    owner: ownerRef ? { ref: ownerRef, name: ownerName(ownerRef, graph), href: entityHref(ownerRef) } : undefined,
    ready: ready?.status ?? 'Unknown',
    reason: ready?.reason ?? 'Pending',
    changedAt: e.changedAt ?? '',
  };
}

export type Card = ReturnType<typeof card>;

function ownerName(ref: EntityRef, graph: CatalogView | undefined): string {
  const owner = graph?.get(ref);
  return owner ? displayName(owner) : splitRef(ref).name;
}

/** Home: counts per kind, recently changed entities, and what needs attention, by owner. */
export function homePage(graph: CatalogView) {
  const counts = new Map<string, number>(CATALOG_KINDS.map((k) => [k.kind, 0]));
  const cards: Card[] = [];
  for (const e of graph.all()) {
    counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    cards.push(card(e, graph));
  }
  const recent = [...cards]
    .sort((a, b) => (a.changedAt < b.changedAt ? 1 : a.changedAt > b.changedAt ? -1 : a.ref < b.ref ? -1 : 1))
    .slice(0, 8);
  const attention = new Map<string, { owner: Card['owner'] | undefined; items: (Card & { words: string; message: string })[] }>();
  for (const c of cards) {
    if (c.ready !== 'False') continue;
    const entity = graph.get(c.ref)!;
    const message = entity.status?.conditions?.find((x) => x.type === 'Ready')?.message ?? '';
    const key = c.owner?.ref ?? '(no owner)';
    const group = attention.get(key) ?? { owner: c.owner, items: [] };
    group.items.push({ ...c, words: REASON_WORDS[c.reason] ?? c.reason, message });
    attention.set(key, group);
  }
  return {
    total: cards.length,
    counts: CATALOG_KINDS.map((k) => ({
      kind: k.kind,
      plural: k.plural,
      count: counts.get(k.kind) ?? 0,
      href: `/catalog?kind=${k.kind.toLowerCase()}`,
    })),
    recent,
    attention: [...attention.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g),
  };
}

export const SORT_COLUMNS = ['name', 'kind', 'type', 'owner', 'lifecycle', 'ready'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface CatalogQuery extends EntityFilter {
  sort: SortColumn;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** The catalog table: filtered, sorted and paginated; the query itself lives in the URL. */
export function catalogPage(graph: CatalogView, query: CatalogQuery, matches: (e: Entity) => boolean) {
  const rows: Card[] = [];
  const facets = { types: new Set<string>(), lifecycles: new Set<string>(), tags: new Set<string>(), owners: new Set<string>() };
  for (const e of graph.all()) {
    const c = card(e, graph);
    if (c.type) facets.types.add(c.type);
    if (c.lifecycle) facets.lifecycles.add(c.lifecycle);
    for (const t of c.tags) facets.tags.add(t);
    if (c.owner) facets.owners.add(splitRef(c.owner.ref).name);
    if (matches(e)) rows.push(c);
  }
  const value = (c: Card): string =>
    query.sort === 'owner' ? (c.owner?.name ?? '') : query.sort === 'name' ? c.title.toLowerCase() : String(c[query.sort]);
  rows.sort((a, b) => {
    const order = value(a).localeCompare(value(b)) || a.ref.localeCompare(b.ref);
    return query.dir === 'asc' ? order : -order;
  });
  const pages = Math.max(1, Math.ceil(rows.length / query.pageSize));
  const page = Math.min(query.page, pages);
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    total: rows.length,
    page,
    pages,
    rows: rows.slice((page - 1) * query.pageSize, page * query.pageSize),
    facets: {
      kinds: CATALOG_KINDS.map((k) => k.kind.toLowerCase()),
      types: sorted(facets.types),
      lifecycles: sorted(facets.lifecycles),
      tags: sorted(facets.tags),
      owners: sorted(facets.owners),
    },
  };
}

/** Where an entity a CatalogSource keeps comes from: the source, the file or record, and where to change it. */
export interface EntityOrigin {
  source: string;
  location: string;
  line: number | undefined;
  /** Only an https:// page: an annotation could name anything. */
  editUrl: string | undefined;
}

/** What every tab of an entity's page shows on top: what it is, who owns it, its links, where it comes from. */
export interface EntityHeader {
  entity: Card;
  links: { url: string | undefined; text: string }[];
  profile: { displayName?: string; email?: string };
  origin: EntityOrigin | undefined;
}

/** The origin a CatalogSource recorded on an entity; none for an entity applied any other way. */
export function originOf(entity: Entity): EntityOrigin | undefined {
  const source = entity.labels[SOURCE_LABEL];
  const location = entity.annotations[ORIGIN_LOCATION_ANNOTATION];
  if (!source || !location) return undefined;
  const line = Number(entity.annotations[ORIGIN_LINE_ANNOTATION]);
  const edit = entity.annotations[ORIGIN_EDIT_URL_ANNOTATION];
  return {
    source,
    location,
    line: Number.isInteger(line) && line > 0 ? line : undefined,
    editUrl: edit && /^https:\/\//i.test(edit) ? edit : undefined,
  };
}

/** The {@link EntityHeader} of an entity the graph holds; none for one it does not. */
export function entityHeader(graph: CatalogView, entity: Entity): EntityHeader;
export function entityHeader(graph: CatalogView, entity: Entity | undefined): EntityHeader | undefined;
export function entityHeader(graph: CatalogView, entity: Entity | undefined): EntityHeader | undefined {
  if (!entity) return undefined;
  const links = Array.isArray(entity.spec.links) ? (entity.spec.links as { url: string; title?: string }[]) : [];
  return {
    entity: card(entity, graph),
    links: links.map((l) => ({ url: /^https?:\/\//i.test(l.url) ? l.url : undefined, text: l.title ?? l.url })),
    profile: (entity.spec.profile ?? {}) as { displayName?: string; email?: string },
    origin: originOf(entity),
  };
}

/**
 * One entity's Overview below the header every tab shows ({@link entityHeader}): how it
 * relates, how it is doing, its YAML and its neighbourhood.
 */
export function entityPage(graph: CatalogView, entity: Entity, depth: number) {
  const { ref } = entity;
  const groups = new Map<string, Card[]>();
  const ownsSection = entity.kind === 'Group' || entity.kind === 'User';
  for (const r of graph.relationsOf(ref)) {
    const target = graph.get(r.target);
    // A Group's or User's page lists what it owns in its own section, with how.
    if (!target || (ownsSection && r.type === 'ownerOf')) continue;
    groups.set(r.type, [...(groups.get(r.type) ?? []), card(target, graph)]);
  }
  const around = neighbourhood(graph, ref, depth, new Set(), 60);
  const owned = ownsSection
    ? ownership(graph, ref).map((o) => ({
        ...card(o.entity, graph),
        via: o.via === 'direct' ? undefined : { ref: o.via, name: ownerName(o.via, graph), href: entityHref(o.via) },
      }))
    : undefined;
  return {
    relations: [...groups.entries()].map(([type, items]) => ({ type, heading: RELATION_WORDS[type] ?? type, items })),
    dangling: graph.danglingOf(ref),
    // What the person may not see is counted, never named.
    hiddenRelations: hiddenNeighbours(graph, [ref], new Set()),
    conditions: (entity.status?.conditions ?? []).map((c) => ({ ...c, words: REASON_WORDS[c.reason] ?? '' })),
    owned,
    depth,
    graph: layoutGraph(ref, around.nodes, around.edges, (e) => entityHref(e.ref)),
    graphTruncated: around.truncated,
    graphHidden: around.hidden,
    yaml: stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: entity.kind,
      metadata: {
        name: entity.name,
        namespace: entity.namespace,
        labels: entity.labels,
        annotations: redactAnnotations(entity.annotations),
      },
      spec: entity.spec,
      status: entity.status ?? {},
    }),
  };
}
