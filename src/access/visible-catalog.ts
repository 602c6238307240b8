import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { CatalogGraph, DanglingReference } from '../catalog/graph.ts';
import type { EntityRef } from '../catalog/refs.ts';
import type { CatalogView } from '../catalog/view.ts';
import { entityResource } from './resources.ts';
import type { Visibility } from './visibility.ts';

/**
 * The catalog as one person may see it, for one request: entities of a kind and namespace
 * their RBAC lets them `list`, and relations only between those. Built per request over the
 * live graph; derived lists are computed on first use and kept for the request.
 */
export class VisibleCatalog implements CatalogView {
  private readonly graph: CatalogGraph;
  private readonly visibility: Visibility;
  private sorted: readonly EntityRef[] | undefined;
  private readonly relations = new Map<EntityRef, readonly Relation[]>();

  constructor(graph: CatalogGraph, visibility: Visibility) {
    this.graph = graph;
    this.visibility = visibility;
  }

  /** Whether this person sees the entity (which must exist). */
  private sees(e: Entity): boolean {
    return this.visibility.sees(entityResource(e.kind), e.namespace);
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
    this.sorted ??= this.graph.sortedRefs().filter((ref) => this.seesRef(ref));
    return this.sorted;
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
export function visibleCatalog(graph: CatalogGraph, visibility: Visibility): CatalogView {
  return visibility.everything ? graph : new VisibleCatalog(graph, visibility);
}
