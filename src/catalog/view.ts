import type { Relation } from '../api/v1alpha1/index.ts';
import type { Entity } from './entity.ts';
import type { EntityRef } from './refs.ts';

/** A reference whose target does not exist (yet). */
export interface DanglingReference {
  path: string;
  target: EntityRef;
}

/**
 * The catalog as the read API and the dashboard read it: the whole graph under `--auth none`,
 * or only what one signed-in person may see (src/access/visible-catalog.ts). Everything that
 * renders takes this, so a hidden entity is absent in exactly the way a missing one is.
 */
export interface CatalogView {
  get(ref: EntityRef): Entity | undefined;
  has(ref: EntityRef): boolean;
  all(): Iterable<Entity>;
  /** Every ref in the view, in code-point order; shared, not to be modified. */
  sortedRefs(): readonly EntityRef[];
  /** Every entity in the view in ref order: what a list walks, without asking again whether each is in view. Shared, not to be modified. */
  sortedEntities(): readonly Entity[];
  /** The entities in the view whose owner (as spec.owner resolves it) is `owner`, in ref order; shared, not to be modified. */
  ownedRefs(owner: EntityRef): readonly EntityRef[];
  /** Relations whose other end is in the view; shared, not to be modified. */
  relationsOf(ref: EntityRef): readonly Relation[];
  /** References of an entity whose targets do not exist at all (hidden ones exist, see hiddenRelationsOf). */
  danglingOf(ref: EntityRef): DanglingReference[];
  /**
   * Relations to entities that exist but are outside the view: only ever counted where shown,
   * never named. Empty for the whole graph.
   */
  hiddenRelationsOf(ref: EntityRef): readonly Relation[];
}
