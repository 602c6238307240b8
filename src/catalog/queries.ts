import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from './entity.ts';
import type { CatalogGraph, DanglingReference } from './graph.ts';
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
      const actual = typeof e.spec.owner === 'string' ? parseRef(e.spec.owner, { defaultKind: 'Group', namespace: e.namespace }) : undefined;
      if ('error' in wanted || !actual || 'error' in actual || formatRef(wanted) !== formatRef(actual)) return false;
    }
    if (words.length > 0) {
      const haystack = [e.name, e.spec.title, e.spec.description].filter((v) => typeof v === 'string').join(' ').toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  };
}

/** Lists entities in ref order, filtered, a page at a time. */
export function listEntities(graph: CatalogGraph, filter: EntityFilter, limit: number, after?: EntityRef): Page<Entity> {
  const matches = matcher(filter);
  const items: Entity[] = [];
  let total = 0;
  let last: EntityRef | undefined;
  let more = false;
  for (const ref of graph.sortedRefs()) {
    const e = graph.get(ref);
    if (!e || !matches(e)) continue;
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
}

export function entityDetail(graph: CatalogGraph, ref: EntityRef): EntityDetail | undefined {
  const entity = graph.get(ref);
  return entity && { entity, relations: graph.relationsOf(ref), dangling: graph.danglingOf(ref) };
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
 * the limit cut the walk short; edges are kept only between returned nodes.
 */
export function neighbourhood(
  graph: CatalogGraph,
  root: EntityRef,
  depth: number,
  types: ReadonlySet<string>,
  maxNodes = Number.POSITIVE_INFINITY,
): { nodes: Entity[]; edges: GraphEdge[]; truncated: boolean } {
  const seen = new Set<EntityRef>([root]);
  const edges: GraphEdge[] = [];
  let truncated = false;
  let frontier = [root];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: EntityRef[] = [];
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
  return { nodes, edges, truncated };
}

/** An owned entity and how the owner comes to own it. */
export interface Owned {
  entity: Entity;
  /** `direct`, or the group/user through which it is owned. */
  via: 'direct' | EntityRef;
}

const targetsOf = (graph: CatalogGraph, ref: EntityRef, type: string): EntityRef[] =>
  graph.relationsOf(ref).filter((r) => r.type === type).map((r) => r.target);

/**
 * What a Group or User owns: directly; for a Group also through its child groups (all the
 * way down) and their members; for a User also through the groups it is a member of.
 */
export function ownership(graph: CatalogGraph, owner: EntityRef): Owned[] {
  const entity = graph.get(owner);
  if (!entity) return [];
  const owners: EntityRef[] = [owner];
  if (entity.kind === 'Group') {
    for (let i = 0; i < owners.length; i++) {
      for (const child of targetsOf(graph, owners[i]!, 'parentOf')) if (!owners.includes(child)) owners.push(child);
    }
    for (const group of [...owners]) for (const member of targetsOf(graph, group, 'hasMember')) if (!owners.includes(member)) owners.push(member);
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
