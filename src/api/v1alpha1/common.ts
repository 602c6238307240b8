import { z } from 'zod';

/** Backstage keeps these in metadata; Kubernetes metadata cannot hold them, so spec does. */
export const descriptiveFields = {
  title: z.string().max(256).optional().describe('Human-friendly name shown in the portal instead of metadata.name.'),
  description: z.string().max(4096).optional().describe('What this entity is, in a sentence or two (plain text).'),
  tags: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/)
        .max(63),
    )
    .max(64)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'set' })
    .describe('Lower-case tags such as "java" or "pci", used by catalog filters and search.'),
  links: z
    .array(
      z.object({
        url: z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:/)
          .max(2048)
          .describe('Absolute URL (with scheme).'),
        title: z.string().max(256).optional().describe('Link text.'),
        icon: z.string().max(64).optional().describe('Icon name, e.g. "dashboard", "docs", "chat".'),
      }),
    )
    .max(64)
    .optional()
    .describe('Links shown on the entity page: dashboards, runbooks, chat channels.'),
};

export const lifecycle = z
  .string()
  .min(1)
  .max(63)
  .describe('Lifecycle stage: experimental, production, deprecated (any value is accepted).');

export const entityType = (examples: string) => z.string().min(1).max(63).describe(`Type of the entity, e.g. ${examples}.`);

export const profile = z
  .object({
    displayName: z.string().max(256).optional().describe('Name to show.'),
    email: z.string().max(320).optional().describe('Contact address.'),
    picture: z.string().max(2048).optional().describe('URL of an avatar picture.'),
  })
  .optional()
  .describe('How the portal shows this group or user.');

/** metav1.Condition, as kstatus-aware tools expect it. */
export const condition = z.object({
  type: z.string().max(316).describe('Condition type, e.g. Ready, ReferencesResolved.'),
  status: z.enum(['True', 'False', 'Unknown']).describe('True, False or Unknown.'),
  observedGeneration: z.number().int().min(0).optional().describe('metadata.generation this condition was computed for.'),
  lastTransitionTime: z.string().describe('When status last changed (RFC 3339).'),
  reason: z.string().max(1024).describe('CamelCase reason, e.g. DanglingReference.'),
  message: z.string().max(32768).describe('What is wrong and what to do about it.'),
});

export const relation = z.object({
  type: z.string().describe('Relation type, e.g. ownedBy, dependsOn, hasPart.'),
  target: z.string().describe('Target entity, always `kind:namespace/name` in lower case.'),
});

/** Status written by the operator: the resolved read model of one catalog entity. */
export const entityStatus = z
  .object({
    observedGeneration: z.number().int().min(0).optional().describe('metadata.generation last reconciled.'),
    conditions: z
      .array(condition)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .describe('Ready and ReferencesResolved, in the metav1.Condition shape.'),
    relations: z.array(relation).optional().describe('Both directions of every relation, sorted by type then target.'),
    truncatedRelations: z
      .array(z.object({ type: z.string(), total: z.number().int().min(0) }))
      .optional()
      .describe('Relation types whose list was capped in status, with the full count; the read API serves every one.'),
    scorecards: z
      .array(
        z.object({
          scorecard: z.string().describe('namespace/name of the Scorecard.'),
          level: z.string().describe('Highest level reached; empty when none.'),
          score: z.number().int().min(0).max(100).describe('Weighted share of passing rules.'),
          failing: z
            .array(z.object({ rule: z.string(), level: z.string(), message: z.string().max(4096) }))
            .max(100)
            .optional()
            .describe('Failing rules with how to fix them.'),
          evaluatedAt: z.string(),
        }),
      )
      .max(64)
      .optional()
      // Keyed by scorecard, and written by its own field manager, so scorecard results and
      // the catalog's relations and conditions never overwrite each other.
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['scorecard'] })
      .describe('Each Scorecard that selects this entity: level, score and failing rules.'),
  })
  .describe('Resolved by the Greenroom operator; never written by users.');

export type Condition = z.infer<typeof condition>;
export type Relation = z.infer<typeof relation>;
export type EntityStatus = z.infer<typeof entityStatus>;

/** Conditions as Kubernetes lists them: a map keyed by type, so server-side apply merges by type. */
export const conditionsField = () =>
  z
    .array(condition)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
