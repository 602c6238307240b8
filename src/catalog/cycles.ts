import graphology from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import type { RelationType } from '../api/v1alpha1/index.ts';
import type { EntityRef } from './refs.ts';

/**
 * Loops worth telling a person about, by the relations that form them. An edge runs from
 * the entity that depends/is the child/is the part to the other one; the inverse relation
 * written on the other side (`dependencyOf`, `parentOf`, `hasPart` fields) runs backwards.
 */
export const CYCLE_FAMILIES = {
  dependsOn: { forward: ['dependsOn'], backward: ['dependencyOf'] },
  parent: { forward: ['childOf'], backward: ['parentOf'] },
  partOf: { forward: ['partOf'], backward: [] },
} as const satisfies Record<string, { forward: RelationType[]; backward: RelationType[] }>;

export type CycleFamily = keyof typeof CYCLE_FAMILIES;

export interface Cycle {
  family: CycleFamily;
  /** Every entity on the loop, sorted. */
  members: EntityRef[];
}

export interface Edge {
  source: EntityRef;
  relation: RelationType;
  target: EntityRef;
}

/**
 * Finds every entity that sits on a loop, per family, with graphology's strongly connected
 * components (Tarjan): a component of two or more entities, or one that references itself,
 * is a loop.
 */
export function findCycles(edges: Iterable<Edge>): Map<EntityRef, Cycle[]> {
  const graphs = new Map<CycleFamily, graphology.DirectedGraph>();
  const selfLoops = new Map<CycleFamily, Set<EntityRef>>();
  for (const family of Object.keys(CYCLE_FAMILIES) as CycleFamily[]) {
    graphs.set(family, new graphology.DirectedGraph());
    selfLoops.set(family, new Set());
  }
  for (const edge of edges) {
    for (const [family, relations] of Object.entries(CYCLE_FAMILIES) as [CycleFamily, (typeof CYCLE_FAMILIES)[CycleFamily]][]) {
      const forward = (relations.forward as readonly RelationType[]).includes(edge.relation);
      const backward = (relations.backward as readonly RelationType[]).includes(edge.relation);
      if (!forward && !backward) continue;
      const [from, to] = forward ? [edge.source, edge.target] : [edge.target, edge.source];
      if (from === to) {
        selfLoops.get(family)!.add(from);
        continue;
      }
      const graph = graphs.get(family)!;
      graph.mergeNode(from);
      graph.mergeNode(to);
      graph.mergeEdge(from, to);
    }
  }
  const result = new Map<EntityRef, Cycle[]>();
  for (const [family, graph] of graphs) {
    for (const component of stronglyConnectedComponents(graph))
      if (component.length > 1) addCycle(result, { family, members: component.sort() });
    for (const ref of selfLoops.get(family)!) addCycle(result, { family, members: [ref] });
  }
  return result;
}

/** The loop-forming edges around one entity, per family, between existing entities only. */
export interface FamilyEdges {
  successors(family: CycleFamily, ref: EntityRef): Iterable<EntityRef>;
  predecessors(family: CycleFamily, ref: EntityRef): Iterable<EntityRef>;
}

/**
 * Brings `cycles` (as {@link findCycles} made it) up to date after the loop-forming edges at
 * one entity changed — its references, or its coming or going — in place; returns the
 * entities whose loops changed. A loop that does not pass through the entity used only edges
 * that did not change, so only two places can differ: the loops through it, now exactly the
 * entities it reaches that reach it back, and what is left of its old loop, which may have
 * split into smaller ones. Everything else is kept, so a change costs what the entity
 * reaches, not a pass over the whole catalog.
 */
export function updateCycles(cycles: Map<EntityRef, Cycle[]>, changed: EntityRef, exists: boolean, edges: FamilyEdges): Set<EntityRef> {
  const removed: Cycle[] = [];
  const added: Cycle[] = [];
  for (const family of Object.keys(CYCLE_FAMILIES) as CycleFamily[]) {
    const old = (cycles.get(changed) ?? []).filter((c) => c.family === family);
    const through = exists ? loopThrough(family, changed, edges) : new Set<EntityRef>();
    // Old loops that now belong to the loop through the entity: SCCs only ever merge whole.
    const absorbed = new Set<Cycle>();
    for (const ref of through) for (const c of cycles.get(ref) ?? []) if (c.family === family && c.members.length > 1) absorbed.add(c);
    removed.push(...old, ...[...absorbed].filter((c) => !old.includes(c)));
    if (through.size > 1) added.push({ family, members: [...through].sort() });
    if (exists && [...edges.successors(family, changed)].includes(changed)) added.push({ family, members: [changed] });
    const rest = new Set(old.flatMap((c) => (c.members.length > 1 ? c.members : [])).filter((ref) => ref !== changed && !through.has(ref)));
    if (rest.size > 1) {
      const graph = new graphology.DirectedGraph();
      for (const ref of rest) graph.addNode(ref);
      for (const ref of rest)
        for (const next of edges.successors(family, ref)) if (next !== ref && rest.has(next)) graph.mergeEdge(ref, next);
      for (const component of stronglyConnectedComponents(graph))
        if (component.length > 1) added.push({ family, members: component.sort() });
    }
  }
  const touched = new Set([...removed, ...added].flatMap((c) => c.members));
  const before = new Map([...touched].map((ref) => [ref, cycleSignature(cycles.get(ref))]));
  const gone = new Set(removed);
  for (const ref of touched) {
    const kept = (cycles.get(ref) ?? []).filter((c) => !gone.has(c));
    if (kept.length > 0) cycles.set(ref, kept);
    else cycles.delete(ref);
  }
  for (const cycle of added) addCycle(cycles, cycle);
  return new Set([...touched].filter((ref) => cycleSignature(cycles.get(ref)) !== before.get(ref)));
}

/** The entities on a loop through `start`: those it reaches that also reach it. */
function loopThrough(family: CycleFamily, start: EntityRef, edges: FamilyEdges): Set<EntityRef> {
  const reached = new Set<EntityRef>([start]);
  for (const queue = [start]; queue.length > 0;) {
    for (const next of edges.successors(family, queue.pop()!)) if (!reached.has(next)) queue.push(reached.add(next) && next);
  }
  const loop = new Set<EntityRef>([start]);
  for (const queue = [start]; queue.length > 0;) {
    for (const previous of edges.predecessors(family, queue.pop()!)) {
      if (reached.has(previous) && !loop.has(previous)) queue.push(loop.add(previous) && previous);
    }
  }
  return loop;
}

/** Adds a loop to each member's list, kept in one order (family, then members) however the loops were found. */
function addCycle(cycles: Map<EntityRef, Cycle[]>, cycle: Cycle): void {
  const order = (c: Cycle): string => `${FAMILY_ORDER.indexOf(c.family)}:${c.members.join(',')}`;
  for (const member of cycle.members) {
    cycles.set(
      member,
      [...(cycles.get(member) ?? []), cycle].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)),
    );
  }
}

const FAMILY_ORDER = Object.keys(CYCLE_FAMILIES) as CycleFamily[];

/** Stable text of an entity's cycles, to notice when they change. */
export function cycleSignature(cycles: Cycle[] | undefined): string {
  return (cycles ?? [])
    .map((c) => `${c.family}:${c.members.join(',')}`)
    .sort()
    .join(';');
}
