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
  const add = (family: CycleFamily, members: EntityRef[]): void => {
    const cycle: Cycle = { family, members: [...members].sort() };
    for (const member of members) result.set(member, [...(result.get(member) ?? []), cycle]);
  };
  for (const [family, graph] of graphs) {
    for (const component of stronglyConnectedComponents(graph)) if (component.length > 1) add(family, component);
    for (const ref of selfLoops.get(family)!) add(family, [ref]);
  }
  return result;
}

/** Stable text of an entity's cycles, to notice when they change. */
export function cycleSignature(cycles: Cycle[] | undefined): string {
  return (cycles ?? [])
    .map((c) => `${c.family}:${c.members.join(',')}`)
    .sort()
    .join(';');
}
