import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { RELATION_TYPES, catalogKind } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { CatalogView } from '../catalog/view.ts';
import { decodeContinue, entityDetail, listEntities, neighbourhood, ownershipPage } from '../catalog/queries.ts';
import { formatRef, parseRef, refOf } from '../catalog/refs.ts';
import { redactAnnotations } from '../catalog/redact.ts';
import { commaSeparated } from '../shared/comma-separated.ts';
import { visibleCatalog } from '../access/visible-catalog.ts';
import { visibilityOf } from './access/scope.ts';

const MAX_LIMIT = 500;
const MAX_DEPTH = 5;
const DEFAULT_GRAPH_NODES = 200;
const MAX_GRAPH_NODES = 2000;

const optionalText = z.string().trim().min(1).max(256).optional();
/** A page: how many, and where the previous one ended. */
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
  continue: z
    .string()
    .optional()
    .refine((t) => t === undefined || decodeContinue(t) !== undefined, { message: 'is not a token this API issued' }),
});
const listQuery = pageQuery.extend({
  kind: optionalText.refine((k) => k === undefined || catalogKind(k) !== undefined, { message: 'is not a catalog kind' }),
  namespace: optionalText,
  owner: optionalText,
  type: optionalText,
  lifecycle: optionalText,
  tag: optionalText,
  q: optionalText,
});
const graphQuery = z.object({
  root: z
    .string()
    .min(1, 'is required')
    .refine((r) => !('error' in parseRef(r, { defaultKind: undefined, namespace: 'default' })), {
      message: 'must be kind:namespace/name',
    }),
  depth: z.coerce.number().int().min(1).max(MAX_DEPTH).default(2),
  limit: z.coerce.number().int().min(1).max(MAX_GRAPH_NODES).default(DEFAULT_GRAPH_NODES),
  relations: z
    .string()
    .optional()
    .transform((v) => commaSeparated(v ?? ''))
    .refine((list) => list.every((t) => (RELATION_TYPES as string[]).includes(t)), {
      message: `must be a comma-separated list of ${RELATION_TYPES.join(', ')}`,
    }),
});

/** The JSON shape of an entity in list results. */
export function summary(e: Entity) {
  return {
    ref: e.ref,
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
    title: e.spec.title,
    description: e.spec.description,
    type: e.spec.type,
    lifecycle: e.spec.lifecycle,
    owner: e.spec.owner,
    tags: e.spec.tags ?? [],
    ready: e.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
  };
}

function badRequest(res: Response, error: z.ZodError): void {
  const problems = error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`);
  res.status(400).json({ error: `bad query: ${problems.join('; ')}`, problems });
}

function refFromPath(req: Request): string {
  const { kind, namespace, name } = req.params as Record<string, string>;
  return refOf(kind ?? '', namespace ?? '', name ?? '');
}

export interface ApiDependencies {
  graph: CatalogView;
}

/**
 * The read API, served from the in-memory graph that the informers keep current: no request
 * reaches the apiserver (a signed-in person's access was reviewed before, see
 * access/scope.ts). Each route reads the graph as the person may see it, so what is hidden
 * answers exactly as what is missing. Errors are JSON with a message a person can act on.
 */
export function createApiRouter({ graph: whole }: ApiDependencies): Router {
  const router = Router();
  const catalog = (res: Response) => visibleCatalog(whole, visibilityOf(res));

  router.get('/entities', (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) return badRequest(res, parsed.error);
    const q = parsed.data;
    const after = q.continue === undefined ? undefined : decodeContinue(q.continue);
    const page = listEntities(
      catalog(res),
      { kind: q.kind, namespace: q.namespace, owner: q.owner, type: q.type, lifecycle: q.lifecycle, tag: q.tag, text: q.q },
      q.limit,
      after,
    );
    res.json({ items: page.items.map(summary), total: page.total, ...(page.continue ? { continue: page.continue } : {}) });
  });

  router.get('/entities/:kind/:namespace/:name', (req, res) => {
    const ref = refFromPath(req);
    const detail = entityDetail(catalog(res), ref);
    if (!detail) return void res.status(404).json({ error: `no entity ${ref}` });
    const { entity } = detail;
    res.json({
      ...summary(entity),
      uid: entity.uid,
      labels: entity.labels,
      annotations: redactAnnotations(entity.annotations),
      spec: entity.spec,
      status: entity.status ?? {},
      relations: detail.relations,
      dangling: detail.dangling,
      hiddenRelations: detail.hidden,
    });
  });

  router.get('/entities/:kind/:namespace/:name/ownership', (req, res) => {
    const ref = refFromPath(req);
    const graph = catalog(res);
    const owner = graph.get(ref);
    if (!owner) return void res.status(404).json({ error: `no entity ${ref}` });
    if (owner.kind !== 'Group' && owner.kind !== 'User') {
      return void res.status(400).json({ error: `${ref} is a ${owner.kind}; only Groups and Users own entities` });
    }
    const parsed = pageQuery.safeParse(req.query);
    if (!parsed.success) return badRequest(res, parsed.error);
    const after = parsed.data.continue === undefined ? undefined : decodeContinue(parsed.data.continue);
    const page = ownershipPage(graph, ref, parsed.data.limit, after);
    res.json({
      owner: ref,
      total: page.total,
      items: page.items.map((o) => ({ ...summary(o.entity), via: o.via })),
      ...(page.continue ? { continue: page.continue } : {}),
    });
  });

  router.get('/graph', (req, res) => {
    const parsed = graphQuery.safeParse(req.query);
    if (!parsed.success) return badRequest(res, parsed.error);
    const root = parseRef(parsed.data.root, { defaultKind: undefined, namespace: 'default' });
    const ref = 'error' in root ? '' : formatRef(root);
    const graph = catalog(res);
    if (!graph.has(ref)) return void res.status(404).json({ error: `no entity ${ref}` });
    const { nodes, edges, truncated, hidden } = neighbourhood(
      graph,
      ref,
      parsed.data.depth,
      new Set(parsed.data.relations),
      parsed.data.limit,
    );
    res.json({ root: ref, nodes: nodes.map(summary), edges, truncated, hidden });
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'no such API route; see docs/api/openapi.yaml' });
  });
  return router;
}
