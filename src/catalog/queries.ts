import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from './entity.ts';
import type { DanglingReference } from './graph.ts';
import type { CatalogView } from './view.ts';
import { parseRef, formatRef, type EntityRef } from './refs.ts';

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

/** Lists entities in ref order, filtered, a page at a time. */
export function listEntities(graph: CatalogView, filter: EntityFilter, limit: number, after?: EntityRef): Page<Entity> {
  const matches = matcher(filter);
  const items: Entity[] = [];
  let total = 0;
  let last: EntityRef | undefined;
  let more = false;
  for (const e of graph.sortedEntities()) {
    if (!matches(e)) continue;
    const ref = e.ref;
    total += 1;
    if (after !== undefined && ref <= after) continue;
    if (items.length < limit) {
      items.push(e);
      last = ref;
    } else {
      more = true;
    }
  }
  return more && last ? { items, continue: encodeContinue(last), total } : { items, total };
}

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
 * What a Group or User owns: directly; for a Group also through its child groups (all the
 * way down) and their members; for a User also through the groups it is a member of.
 */
export function ownership(graph: CatalogView, owner: EntityRef): Owned[] {
  const entity = graph.get(owner);
  if (!entity) return [];
  const owners: EntityRef[] = [owner];
  if (entity.kind === 'Group') {
    for (let i = 0; i < owners.length; i++) {
      for (const child of targetsOf(graph, owners[i]!, 'parentOf')) if (!owners.includes(child)) owners.push(child);
    }
    for (const group of [...owners])
      for (const member of targetsOf(graph, group, 'hasMember')) if (!owners.includes(member)) owners.push(member);
  } else if (entity.kind === 'User') {
    for (const group of targetsOf(graph, owner, 'memberOf')) if (!owners.includes(group)) owners.push(group);
  }
  const result = new Map<EntityRef, Owned>();
  for (const via of owners) {
    for (const ref of targetsOf(graph, via, 'ownerOf')) {
      const owned = graph.get(ref);
      if (owned && !result.has(ref)) result.set(ref, { entity: owned, via: via === owner ? 'direct' : via });
    }
  }
  return [...result.values()].sort((a, b) => (a.entity.ref < b.entity.ref ? -1 : 1));
}
