import dagre, { type Edge } from '@dagrejs/dagre';
import { RELATION_INVERSES, isRelationType } from '../../api/v1alpha1/index.ts';
import type { Entity } from '../../catalog/entity.ts';
import { displayName } from './names.ts';
import type { GraphEdge } from '../../catalog/queries.ts';
import type { EntityRef } from '../../catalog/refs.ts';

export interface LaidOutNode {
  ref: EntityRef;
  kind: string;
  label: string;
  href: string;
  root: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  type: string;
  /** SVG path data through dagre's bend points. */
  path: string;
  labelX: number;
  labelY: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

/** One edge per pair of entities: the forward relation of the two directions. */
const FORWARD = new Set(['ownedBy', 'partOf', 'dependsOn', 'providesApi', 'consumesApi', 'childOf', 'memberOf']);

/**
 * Lays the neighbourhood of an entity out left to right with dagre (a Sugiyama layout:
 * layers, crossing reduction), the way Backstage's catalog graph does. Only forward
 * relations are drawn — the inverse of each is the same arrow read backwards.
 */
export function layoutGraph(root: EntityRef, nodes: Entity[], edges: GraphEdge[], href: (e: Entity) => string): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const byRef = new Map(nodes.map((n) => [n.ref, n]));
  for (const n of nodes) {
    const label = displayName(n);
    g.setNode(n.ref, { width: Math.min(240, 40 + label.length * 7.2), height: 44, label });
  }
  const drawn = new Set<string>();
  for (const raw of edges) {
    // Read every relation in its forward direction, so that "team ownerOf checkout" and
    // "checkout ownedBy team" become the same single arrow.
    const e =
      FORWARD.has(raw.type) || !isRelationType(raw.type)
        ? raw
        : { source: raw.target, type: RELATION_INVERSES[raw.type], target: raw.source };
    if (!FORWARD.has(e.type) || !byRef.has(e.source) || !byRef.has(e.target)) continue;
    const key = `${e.source} ${e.type} ${e.target}`;
    if (drawn.has(key)) continue;
    drawn.add(key);
    g.setEdge(e.source, e.target, { type: e.type, width: e.type.length * 6, height: 12, labelpos: 'c' }, key);
  }
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: nodes.map((n) => {
      const box = g.node(n.ref) as { x: number; y: number; width: number; height: number; label: string };
      return {
        ref: n.ref,
        kind: n.kind,
        label: box.label,
        href: href(n),
        root: n.ref === root,
        x: box.x - box.width / 2,
        y: box.y - box.height / 2,
        width: box.width,
        height: box.height,
      };
    }),
    edges: g.edges().map((id: Edge) => {
      const edge = g.edge(id) as { type: string; points: { x: number; y: number }[]; x: number; y: number };
      const [first, ...rest] = edge.points;
      const path = first
        ? `M${first.x.toFixed(1)},${first.y.toFixed(1)} ${rest.map((p) => `L${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}`
        : '';
      return { type: edge.type, path, labelX: edge.x, labelY: edge.y };
    }),
  };
}
