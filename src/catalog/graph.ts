import { RELATION_INVERSES, RELATION_TYPES, type Relation, type RelationType } from '../api/v1alpha1/index.ts';
import { CYCLE_FAMILIES, findCycles, updateCycles, type Cycle, type CycleFamily, type Edge, type FamilyEdges } from './cycles.ts';
import type { Entity } from './entity.ts';
import { outgoingReferences, type OutgoingReference, type UnparsableReference } from './references.ts';
import type { EntityRef } from './refs.ts';
import type { CatalogView, DanglingReference } from './view.ts';

export type { DanglingReference };

/**
 * The whole catalog in memory: entities, the references between them and an index of who
 * references whom — kept for targets that do not exist yet too, so that creating a target
 * finds its referrers at once. Every change returns the entities whose resolved status may
 * have changed; nothing else needs reconciling.
 */
export class CatalogGraph implements CatalogView {
  private readonly entities = new Map<EntityRef, Entity>();
  private readonly outgoing = new Map<EntityRef, OutgoingReference[]>();
  private readonly unparsable = new Map<EntityRef, UnparsableReference[]>();
  /**
   * target → source → the relation types written by the source, as bits of {@link RELATION_BIT}:
   * one number per pair instead of a Set (at 100,000 entities, a Set per reference was ~60 MiB).
   */
  private readonly incoming = new Map<EntityRef, Map<EntityRef, number>>();
  /** Computed on first use; afterwards kept current on every change of the loop-forming edges. */
  private cycles: Map<EntityRef, Cycle[]> | undefined;
  /** Every ref in order, for stable pagination; dropped when an entity is added or removed. */
  private sorted: EntityRef[] | undefined;
  /** The entities in that order; dropped on every change, since an upsert replaces the entity object. */
  private sortedList: Entity[] | undefined;
  /**
   * Entities by kind and dangling references, for the metrics: counted when scraped and kept
   * until an entity comes, goes or changes its references (status writes change neither), since
   * at 100,000 entities a count was a pass over 300,000 references on every scrape.
   */
  private tallies: { byKind: Map<string, number>; dangling: number } | undefined;
  /** ownedRefs results by owner; an entry is dropped whenever a reference to that owner is indexed or unindexed. */
  private readonly owned = new Map<EntityRef, EntityRef[]>();
  /** relationsOf results; an entry is dropped whenever a change lists its entity as affected. */
  private readonly relationCache = new Map<EntityRef, Relation[]>();

  get size(): number {
    return this.entities.size;
  }

  get(ref: EntityRef): Entity | undefined {
    return this.entities.get(ref);
  }

  has(ref: EntityRef): boolean {
    return this.entities.has(ref);
  }

  all(): IterableIterator<Entity> {
    return this.entities.values();
  }

  /** Every entity ref in code-point order (cached until an entity is added or removed). */
  sortedRefs(): readonly EntityRef[] {
    this.sorted ??= [...this.entities.keys()].sort(compare);
    return this.sorted;
  }

  /**
   * Every entity in ref order (cached until the next change; shared, not to be modified). An
   * array, not a generator: a list request walks all 10,000, and yielding each one was 40% of
   * the request's time.
   */
  sortedEntities(): readonly Entity[] {
    this.sortedList ??= this.sortedRefs().map((ref) => this.entities.get(ref)!);
    return this.sortedList;
  }

  /** Adds or replaces an entity; returns every entity whose status may have changed. */
  upsert(entity: Entity): Set<EntityRef> {
    const ref = entity.ref;
    const existed = this.entities.has(ref);
    const before = this.outgoing.get(ref) ?? [];
    const { references, unparsable } = outgoingReferences(entity);
    this.entities.set(ref, entity);
    this.unparsable.set(ref, unparsable);
    this.sortedList = undefined;
    if (!existed) this.sorted = undefined;
    const sameRefs = sameReferences(before, references);
    if (!existed || !sameRefs) this.tallies = undefined;
    const affected = new Set<EntityRef>([ref]);
    if (!existed) for (const source of this.incoming.get(ref)?.keys() ?? []) affected.add(source);
    if (!sameRefs) {
      this.unindex(ref, before);
      this.outgoing.set(ref, references);
      this.index(ref, references);
      for (const target of changedTargets(before, references)) if (this.entities.has(target)) affected.add(target);
      this.refreshCycles(ref, affected);
    } else if (!existed) {
      this.refreshCycles(ref, affected);
    }
    // A status write changes neither references nor existence: the cached relations stay
    // (at 100,000 entities, recomputing a hub's thousands on each of its writes added up).
    if (!existed || !sameRefs) for (const r of affected) this.relationCache.delete(r);
    return affected;
  }

  /** Removes an entity; returns every entity whose status may have changed. */
  remove(ref: EntityRef): Set<EntityRef> {
    const affected = new Set<EntityRef>();
    if (!this.entities.has(ref)) return affected;
    const before = this.outgoing.get(ref) ?? [];
    this.entities.delete(ref);
    this.tallies = undefined;
    this.sorted = undefined;
    this.sortedList = undefined;
    this.unindex(ref, before);
    this.outgoing.delete(ref);
    this.unparsable.delete(ref);
    for (const r of before) if (this.entities.has(r.target)) affected.add(r.target);
    for (const source of this.incoming.get(ref)?.keys() ?? []) if (this.entities.has(source)) affected.add(source);
    this.refreshCycles(ref, affected);
    affected.delete(ref);
    this.relationCache.delete(ref);
    for (const r of affected) this.relationCache.delete(r);
    return affected;
  }

  /**
   * Both directions of every relation of an entity whose other end exists, sorted and unique.
   * Cached: the returned array is shared and must not be modified.
   */
  relationsOf(ref: EntityRef): readonly Relation[] {
    let relations = this.relationCache.get(ref);
    if (!relations) {
      relations = this.computeRelations(ref);
      if (this.entities.has(ref)) this.relationCache.set(ref, relations);
    }
    return relations;
  }

  private computeRelations(ref: EntityRef): Relation[] {
    const seen = new Set<string>();
    const relations: Relation[] = [];
    const push = (type: string, target: EntityRef): void => {
      const key = `${type}\u0000${target}`;
      if (seen.has(key)) return;
      seen.add(key);
      relations.push({ type, target });
    };
    for (const r of this.outgoing.get(ref) ?? []) if (this.entities.has(r.target)) push(r.relation, r.target);
    for (const [source, types] of this.incoming.get(ref) ?? []) {
      if (!this.entities.has(source)) continue;
      for (const type of relationsIn(types)) push(RELATION_INVERSES[type], source);
    }
    return relations.sort((a, b) => (a.type === b.type ? compare(a.target, b.target) : compare(a.type, b.type)));
  }

  /** Existing entities whose spec.owner resolves to `owner`, in ref order (cached). */
  ownedRefs(owner: EntityRef): readonly EntityRef[] {
    let refs = this.owned.get(owner);
    if (!refs) {
      refs = [];
      for (const [source, types] of this.incoming.get(owner) ?? [])
        if (types & RELATION_BIT.ownedBy && this.entities.has(source)) refs.push(source);
      refs.sort(compare);
      this.owned.set(owner, refs);
    }
    return refs;
  }

  /** The whole graph hides nothing. */
  hiddenRelationsOf(_ref: EntityRef): readonly Relation[] {
    return NONE;
  }

  /** References of an entity whose targets do not exist, in spec order. */
  danglingOf(ref: EntityRef): DanglingReference[] {
    return (this.outgoing.get(ref) ?? []).filter((r) => !this.entities.has(r.target)).map(({ path, target }) => ({ path, target }));
  }

  /** How many references over the whole catalog name entities that do not exist (for metrics). */
  danglingCount(): number {
    return this.tally().dangling;
  }

  /** How many entities there are of each kind (for metrics). */
  countsByKind(): ReadonlyMap<string, number> {
    return this.tally().byKind;
  }

  private tally(): { byKind: Map<string, number>; dangling: number } {
    if (this.tallies) return this.tallies;
    const byKind = new Map<string, number>();
    for (const e of this.entities.values()) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
    let dangling = 0;
    for (const references of this.outgoing.values()) for (const r of references) if (!this.entities.has(r.target)) dangling++;
    return (this.tallies = { byKind, dangling });
  }

  unparsableOf(ref: EntityRef): UnparsableReference[] {
    return this.unparsable.get(ref) ?? [];
  }

  /** The loops an entity is on (dependsOn, parent, partOf), computed over existing entities. */
  cyclesOf(ref: EntityRef): Cycle[] {
    this.cycles ??= findCycles(this.edges());
    return this.cycles.get(ref) ?? [];
  }

  private *edges(): Generator<Edge> {
    for (const [source, references] of this.outgoing) {
      for (const r of references) if (this.entities.has(r.target)) yield { source, relation: r.relation, target: r.target };
    }
  }

  /**
   * Brings the loops up to date after the edges at `changed` changed, when they have been
   * asked for before, adding the entities whose loops changed: a walk from that entity, not a
   * pass over the catalog (at 100,000 entities a pass took longer than the change it follows).
   */
  private refreshCycles(changed: EntityRef, affected: Set<EntityRef>): void {
    if (!this.cycles) return;
    for (const ref of updateCycles(this.cycles, changed, this.entities.has(changed), this.familyEdges)) affected.add(ref);
  }

  /** The loop-forming edges between existing entities, read from the reference indexes. */
  private readonly familyEdges: FamilyEdges = {
    successors: (family, ref) => this.familyNeighbours(family, ref, 'forward', 'backward'),
    predecessors: (family, ref) => this.familyNeighbours(family, ref, 'backward', 'forward'),
  };

  /** Targets of `ref`'s references whose relation runs `own`, and sources of references to it whose relation runs `theirs`. */
  private *familyNeighbours(
    family: CycleFamily,
    ref: EntityRef,
    own: 'forward' | 'backward',
    theirs: 'forward' | 'backward',
  ): Generator<EntityRef> {
    if (!this.entities.has(ref)) return;
    const mine: readonly string[] = CYCLE_FAMILIES[family][own];
    const others = bitsOf(CYCLE_FAMILIES[family][theirs]);
    for (const r of this.outgoing.get(ref) ?? []) if (mine.includes(r.relation) && this.entities.has(r.target)) yield r.target;
    for (const [source, types] of this.incoming.get(ref) ?? []) {
      if (types & others && this.entities.has(source)) yield source;
    }
  }

  private index(source: EntityRef, references: OutgoingReference[]): void {
    for (const r of references) {
      this.owned.delete(r.target);
      let sources = this.incoming.get(r.target);
      if (!sources) this.incoming.set(r.target, (sources = new Map()));
      sources.set(source, (sources.get(source) ?? 0) | RELATION_BIT[r.relation]);
    }
  }

  private unindex(source: EntityRef, references: OutgoingReference[]): void {
    for (const r of references) {
      this.owned.delete(r.target);
      const sources = this.incoming.get(r.target);
      if (!sources) continue;
      sources.delete(source);
      if (sources.size === 0) this.incoming.delete(r.target);
    }
  }
}

const NONE: readonly Relation[] = Object.freeze([]);

/** One bit per relation type, for the sets of types kept per reference. */
const RELATION_BIT = Object.fromEntries(RELATION_TYPES.map((type, i) => [type, 1 << i])) as Record<RelationType, number>;

const bitsOf = (types: readonly RelationType[]): number => types.reduce((bits, t) => bits | RELATION_BIT[t], 0);

/** The relation types whose bits are set, in RELATION_TYPES order. */
function relationsIn(bits: number): RelationType[] {
  return RELATION_TYPES.filter((t) => bits & RELATION_BIT[t]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Targets whose relation from this source was added or dropped: only their inverse lists change. */
function changedTargets(before: OutgoingReference[], after: OutgoingReference[]): Set<EntityRef> {
  const key = (r: OutgoingReference): string => `${r.relation} ${r.target}`;
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  const changed = new Set<EntityRef>();
  for (const r of before) if (!is.has(key(r))) changed.add(r.target);
  for (const r of after) if (!was.has(key(r))) changed.add(r.target);
  return changed;
}

function sameReferences(a: OutgoingReference[], b: OutgoingReference[]): boolean {
  return a.length === b.length && a.every((r, i) => r.path === b[i]!.path && r.relation === b[i]!.relation && r.target === b[i]!.target);
}
