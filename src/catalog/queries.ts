import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from './entity.ts';
import type { DanglingReference } from './graph.ts';
import type { CatalogView } from './view.ts';
import { parseRef, formatRef, type EntityRef } from './refs.ts';
import { CATALOG_KINDS } from '../api/v1alpha1/index.ts';

/** Filters of the entity list; every one is optional and they combine with AND. */
export interface EntityFilter {
  kind?: string | undefined;
  namespace?: string | undefined;
  /** An owner reference, `[kind:][namespace/]name` (kind defaults to Group). */
  owner?: string | undefined;
  type?: string | undefined;
  lifecycle?: string | undefined;
  tag?: string | undefined;
  /** Case-insensitive words, each found in name, title or description. */
  text?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Opaque token for the next page; absent on the last page. */
  continue?: string;
  /** Entities matching the filter, over all pages. */
  total: number;
}

/** The continue token is the last ref of the page; pages stay stable while entities change. */
export function encodeContinue(ref: EntityRef): string {
  return Buffer.from(ref, 'utf8').toString('base64url');
}

export function decodeContinue(token: string): EntityRef | undefined {
  const ref = Buffer.from(token, 'base64url').toString('utf8');
  return /^[a-z0-9]+:[^/]+\/.+$/.test(ref) ? ref : undefined;
}

function matcher(filter: EntityFilter): (e: Entity) => boolean {
  const kind = filter.kind?.toLowerCase();
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const owner = filter.owner?.trim();
  return (e) => {
    if (kind && e.kind.toLowerCase() !== kind) return false;
    if (filter.namespace && e.namespace !== filter.namespace) return false;
    if (filter.type && e.spec.type !== filter.type) return false;
    if (filter.lifecycle && e.spec.lifecycle !== filter.lifecycle) return false;
    if (filter.tag && !(Array.isArray(e.spec.tags) && e.spec.tags.includes(filter.tag))) return false;
    if (owner) {
      const wanted = parseRef(owner, { defaultKind: 'Group', namespace: e.namespace });
      const actual =
        typeof e.spec.owner === 'string' ? parseRef(e.spec.owner, { defaultKind: 'Group', namespace: e.namespace }) : undefined;
      if ('error' in wanted || !actual || 'error' in actual || formatRef(wanted) !== formatRef(actual)) return false;
    }
    if (words.length > 0) {
      const haystack = [e.name, e.spec.title, e.spec.description]
        .filter((v) => typeof v === 'string')
        .join(' ')
        .toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  };
}

/**
 * Lists entities in ref order, filtered, a page at a time. Refs sort by kind, then namespace,
 * so a kind (and namespace) is one run of the sorted list and a namespace one run per kind,
 * found by binary search; an owner's entities come from the owner index. Only what those do
 * not decide is tested entity by entity, and a total is counted by walking only when such a
 * filter is given: at 100,000 entities, a pass over all of them per page was most of a request.
 */
export function listEntities(graph: CatalogView, filter: EntityFilter, limit: number, after?: EntityRef): Page<Entity> {
  const { runs, exact } = candidates(graph, filter);
  const matches = matcher(filter);
  const items: Entity[] = [];
  let total = 0;
  let more = false;
  for (const run of runs) {
    const from = after === undefined ? run.start : Math.max(run.start, firstAfter(run.list, refOfEntity, after));
    if (exact) {
      total += run.end - run.start;
      const take = Math.min(run.end, from + Math.max(0, limit - items.length));
      for (let i = from; i < take; i++) items.push(run.list[i]!);
      if (take < run.end) more = true;
      continue;
    }
    for (let i = run.start; i < run.end; i++) {
      const e = run.list[i]!;
      if (!matches(e)) continue;
      total++;
      if (i < from) continue;
      if (items.length < limit) items.push(e);
      else more = true;
    }
  }
  const last = items.at(-1);
  return more && last ? { items, continue: encodeContinue(last.ref), total } : { items, total };
}

/** A run of `list` (sorted by ref) from `start` to before `end`. */
interface Run {
  list: readonly Entity[];
  start: number;
  end: number;
}

/**
 * Where the entities a filter can match are, and whether being there is all the filter asks
 * (then nothing is tested and the total is the runs' length).
 */
function candidates(graph: CatalogView, filter: EntityFilter): { runs: Run[]; exact: boolean } {
  const others = filter.type || filter.lifecycle || filter.tag || filter.text;
  const owner = filter.owner?.trim() ? ownerRef(filter.owner.trim(), filter.namespace) : undefined;
  if (owner) {
    const list = graph.ownedRefs(owner).map((ref) => graph.get(ref)!);
    return { runs: [{ list, start: 0, end: list.length }], exact: false };
  }
  const all = graph.sortedEntities();
  const kind = filter.kind?.toLowerCase();
  const namespace = filter.namespace?.toLowerCase();
  const exact = !others && !filter.owner?.trim();
  if (!kind && !namespace) return { runs: [{ list: all, start: 0, end: all.length }], exact };
  const prefixes = kind ? [`${kind}:${namespace === undefined ? '' : `${namespace}/`}`] : KIND_PREFIXES.map((k) => `${k}:${namespace}/`);
  const runs = prefixes.map((prefix) => ({
    list: all,
    start: firstAfter(all, refOfEntity, prefix, true),
    end: firstAfter(all, refOfEntity, `${prefix}\uffff`),
  }));
  return { runs: runs.filter((r) => r.start < r.end).sort((a, b) => a.start - b.start), exact };
}

/** Every kind as refs spell it, in ref order. */
const KIND_PREFIXES = CATALOG_KINDS.map((k) => k.kind.toLowerCase()).sort();

/** The owner a filter names, when it names one exactly (a namespace given or implied); else undefined and entities are tested one by one. */
function ownerRef(owner: string, namespace: string | undefined): EntityRef | undefined {
  if (namespace === undefined && !owner.includes('/')) return undefined;
  const parsed = parseRef(owner, { defaultKind: 'Group', namespace: namespace ?? '' });
  return 'error' in parsed ? undefined : formatRef(parsed);
}

/** The index of the first item of a list sorted by `key` whose key sorts after `ref` (at or after it with `inclusive`). */
function firstAfter<T>(list: readonly T[], key: (item: T) => string, ref: string, inclusive = false): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const k = key(list[mid]!);
    if (k < ref || (!inclusive && k === ref)) low = mid + 1;
    else high = mid;
  }
  return low;
}

const refOfEntity = (e: Entity): EntityRef => e.ref;

/** One entity with every relation (uncapped) and its dangling references. */
export interface EntityDetail {
  entity: Entity;
  relations: readonly Relation[];
  dangling: DanglingReference[];
  /** Related entities outside the view, counted (0 for the whole graph). */
  hidden: number;
}

export function entityDetail(graph: CatalogView, ref: EntityRef): EntityDetail | undefined {
  const entity = graph.get(ref);
  return (
    entity && {
      entity,
      relations: graph.relationsOf(ref),
      dangling: graph.danglingOf(ref),
      hidden: hiddenNeighbours(graph, [ref], new Set()),
    }
  );
}

/**
 * How many distinct entities next to these (over the given relation types, all when empty)
 * exist but are outside the view: what a person is told of what they may not see, instead
 * of names or refs.
 */
export function hiddenNeighbours(graph: CatalogView, refs: Iterable<EntityRef>, types: ReadonlySet<string>): number {
  const hidden = new Set<EntityRef>();
  for (const ref of refs) for (const r of graph.hiddenRelationsOf(ref)) if (types.size === 0 || types.has(r.type)) hidden.add(r.target);
  return hidden.size;
}

export interface GraphEdge {
  source: EntityRef;
  type: string;
  target: EntityRef;
}

/**
 * Entities reachable from `root` within `depth` hops over the given relation types (all when
 * empty), breadth first, at most `maxNodes` of them: a few hops from a busy team reach most
 * of a big catalog, and no one reads a picture of ten thousand boxes. `truncated` says when
 * the limit cut the walk short; edges are kept only between returned nodes. `hidden` counts
 * the distinct neighbours the walk met that the view hides (never named).
 */
export function neighbourhood(
  graph: CatalogView,
  root: EntityRef,
  depth: number,
  types: ReadonlySet<string>,
  maxNodes = Number.POSITIVE_INFINITY,
): { nodes: Entity[]; edges: GraphEdge[]; truncated: boolean; hidden: number } {
  const seen = new Set<EntityRef>([root]);
  const edges: GraphEdge[] = [];
  let truncated = false;
  let frontier = [root];
  const expanded: EntityRef[] = [];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: EntityRef[] = [];
    expanded.push(...frontier);
    for (const source of frontier) {
      for (const r of graph.relationsOf(source)) {
        if (types.size > 0 && !types.has(r.type)) continue;
        if (!seen.has(r.target)) {
          if (seen.size >= maxNodes) {
            truncated = true;
            continue;
          }
          seen.add(r.target);
          next.push(r.target);
        }
        edges.push({ source, type: r.type, target: r.target });
      }
    }
    frontier = next;
  }
  const nodes = [...seen].map((ref) => graph.get(ref)).filter((e): e is Entity => e !== undefined);
  // What the walk met but the view hides: the hidden neighbours of every node it expanded.
  return { nodes, edges, truncated, hidden: hiddenNeighbours(graph, expanded, types) };
}

/** An owned entity and how the owner comes to own it. */
export interface Owned {
  entity: Entity;
  /** `direct`, or the group/user through which it is owned. */
  via: 'direct' | EntityRef;
}

const targetsOf = (graph: CatalogView, ref: EntityRef, type: string): EntityRef[] =>
  graph
    .relationsOf(ref)
    .filter((r) => r.type === type)
    .map((r) => r.target);

/**
 * Who owns on an owner's behalf, the owner first: for a Group its child groups (all the way
 * down) and their members; for a User the groups it is a member of.
 */
function owningFor(graph: CatalogView, owner: Entity): EntityRef[] {
  const owners = new Set<EntityRef>([owner.ref]);
  if (owner.kind === 'Group') {
    for (const group of owners) for (const child of targetsOf(graph, group, 'parentOf')) owners.add(child);
    for (const group of [...owners]) for (const member of targetsOf(graph, group, 'hasMember')) owners.add(member);
  } else if (owner.kind === 'User') {
    for (const group of targetsOf(graph, owner.ref, 'memberOf')) owners.add(group);
  }
  return [...owners];
}

/**
 * What a Group or User owns — directly; for a Group also through its child groups (all the
 * way down) and their members; for a User also through the groups it is a member of — a page
 * at a time in ref order, with the total. Each entity has one owner, so the owners' lists
 * (the owner index, each sorted) are disjoint: the total is their sum and a page is merged
 * from their heads, never a sort of everything a big team owns.
 */
export function ownershipPage(graph: CatalogView, owner: EntityRef, limit: number, after?: EntityRef): Page<Owned> {
  const entity = graph.get(owner);
  if (!entity) return { items: [], total: 0 };
  const lists = owningFor(graph, entity).map((via) => {
    const refs = graph.ownedRefs(via);
    return { via, refs, next: after === undefined ? 0 : firstAfter(refs, (r) => r, after) };
  });
  const total = lists.reduce((n, l) => n + l.refs.length, 0);
  const items: Owned[] = [];
  for (;;) {
    let best: (typeof lists)[number] | undefined;
    for (const l of lists) if (l.next < l.refs.length && (!best || l.refs[l.next]! < best.refs[best.next]!)) best = l;
    if (!best) return { items, total };
    if (items.length === limit) return { items, total, continue: encodeContinue(items.at(-1)!.entity.ref) };
    const ref = best.refs[best.next++]!;
    items.push({ entity: graph.get(ref)!, via: best.via === owner ? 'direct' : best.via });
  }
}

/** Everything a Group or User owns (see {@link ownershipPage}), in ref order. */
export function ownership(graph: CatalogView, owner: EntityRef): Owned[] {
  const entity = graph.get(owner);
  if (!entity) return [];
  const owned = owningFor(graph, entity).flatMap((via) =>
    graph.ownedRefs(via).map((ref): Owned => ({ entity: graph.get(ref)!, via: via === owner ? 'direct' : via })),
  );
  return owned.sort((a, b) => (a.entity.ref < b.entity.ref ? -1 : 1));
}
