import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { EntityRef } from '../catalog/refs.ts';
import type { CatalogView, DanglingReference } from '../catalog/view.ts';
import { CATALOG_KINDS } from '../api/v1alpha1/index.ts';
import type { Visibility, Grant } from './visibility.ts';

/** How many distinct grant sets keep their filtered lists per graph change (most teams' worth). */
const SHARED_LISTS = 64;

/**
 * Filtered lists by the graph's list they were filtered from and by the grants' signature: at
 * 10,000 entities, filtering on every request of every person was most of a list request's
 * cost. The graph replaces its ref list when an entity is added or removed and its entity list
 * on every change, so an entry keyed by either never goes stale; a replaced list's entries go
 * with it (weakly held).
 */
const sharedLists = new WeakMap<readonly unknown[], Map<string, readonly unknown[]>>();

function sharedList<T>(all: readonly T[], signature: string, filter: () => readonly T[]): readonly T[] {
  let lists = sharedLists.get(all);
  if (!lists) sharedLists.set(all, (lists = new Map()));
  let list = lists.get(signature) as readonly T[] | undefined;
  if (!list) {
    list = filter();
    if (lists.size >= SHARED_LISTS) lists.delete(lists.keys().next().value!);
    lists.set(signature, list);
  }
  return list;
}

/**
 * The catalog as one person may see it, for one request: entities of a kind and namespace
 * their RBAC lets them `list`, and relations only between those. Built per request over the
 * live graph; derived lists are computed on first use and kept for the request.
 */
export class VisibleCatalog implements CatalogView {
  private readonly graph: CatalogView;
  private readonly visibility: Visibility;
  /** The person's grant per entity kind: one lookup per entity instead of two. */
  private readonly byKind: Map<string, Grant | undefined>;
  private sorted: readonly EntityRef[] | undefined;
  private entities: readonly Entity[] | undefined;
  private readonly relations = new Map<EntityRef, readonly Relation[]>();

  constructor(graph: CatalogView, visibility: Visibility) {
    this.graph = graph;
    this.visibility = visibility;
    this.byKind = new Map(CATALOG_KINDS.map((k) => [k.kind, visibility.grantOf(k.plural)]));
  }

  /** Whether this person sees the entity (which must exist). */
  private sees(e: Entity): boolean {
    const grant = this.byKind.get(e.kind);
    return grant === 'all' || (grant !== undefined && grant.has(e.namespace));
  }

  private seesRef(ref: EntityRef): boolean {
    const e = this.graph.get(ref);
    return e !== undefined && this.sees(e);
  }

  get(ref: EntityRef): Entity | undefined {
    const e = this.graph.get(ref);
    return e && this.sees(e) ? e : undefined;
  }

  has(ref: EntityRef): boolean {
    return this.seesRef(ref);
  }

  *all(): Iterable<Entity> {
    for (const e of this.graph.all()) if (this.sees(e)) yield e;
  }

  sortedRefs(): readonly EntityRef[] {
    const all = this.graph.sortedRefs();
    this.sorted ??= sharedList(all, this.visibility.signature, () => all.filter((ref) => this.seesRef(ref)));
    return this.sorted;
  }

  /** Shared like sortedRefs, by the graph's entity list: a person's list request walks an array the team already filtered. */
  sortedEntities(): readonly Entity[] {
    const all = this.graph.sortedEntities();
    this.entities ??= sharedList(all, this.visibility.signature, () => all.filter((e) => this.sees(e)));
    return this.entities;
  }

  /** What the owner owns that this person sees, whether or not they see the owner: as a list filtered by owner would show. */
  ownedRefs(owner: EntityRef): readonly EntityRef[] {
    return this.graph.ownedRefs(owner).filter((ref) => this.seesRef(ref));
  }

  relationsOf(ref: EntityRef): readonly Relation[] {
    let relations = this.relations.get(ref);
    if (!relations) {
      relations = this.seesRef(ref) ? this.graph.relationsOf(ref).filter((r) => this.seesRef(r.target)) : [];
      this.relations.set(ref, relations);
    }
    return relations;
  }

  danglingOf(ref: EntityRef): DanglingReference[] {
    return this.seesRef(ref) ? this.graph.danglingOf(ref) : [];
  }

  hiddenRelationsOf(ref: EntityRef): readonly Relation[] {
    return this.seesRef(ref) ? this.graph.relationsOf(ref).filter((r) => !this.seesRef(r.target)) : [];
  }
}

/** The whole graph when nothing is hidden (exactly as under `--auth none`), else the person's view of it. */
export function visibleCatalog(graph: CatalogView, visibility: Visibility): CatalogView {
  return visibility.everything ? graph : new VisibleCatalog(graph, visibility);
}
