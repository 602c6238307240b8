import { z } from 'zod';
import type { KindDefinition } from '../crd.ts';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import { DURATION_PATTERN } from './doc-source.ts';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const entitySelector = z
  .object({
    kinds: z.array(z.string().max(63)).max(16).optional().describe('Catalog kinds (Component, API, …).'),
    types: z.array(z.string().max(63)).max(64).optional().describe('spec.type values.'),
    namespaces: z
      .array(z.string().max(63))
      .max(64)
      .optional()
      .describe(
        "Namespaces of the entities. Only Scorecards and Initiatives in the operator's --cluster-scorecard-namespaces reach other namespaces; elsewhere only their own namespace's entities are selected and other names are ignored.",
      ),
    labelSelector: z
      .object({
        matchLabels: z.record(z.string(), z.string()).optional(),
        matchExpressions: z
          .array(
            z.object({
              key: z.string(),
              operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
              values: z.array(z.string()).optional(),
            }),
          )
          .optional(),
      })
      .optional(),
  })
  .describe('Which entities; every part given must match. All entities when absent.');

export const scorecardSpec = z
  .object({
    title: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    selector: entitySelector.optional(),
    levels: z
      .array(
        z.object({
          name: z.string().regex(NAME).max(63),
          title: z.string().max(256).optional(),
          description: z.string().max(4096).optional(),
        }),
      )
      .min(1)
      .max(10)
      .meta({
        'x-kubernetes-validations': [{ rule: 'self.all(l, self.exists_one(m, m.name == l.name))', message: 'level names must be unique' }],
      })
      .describe('Lowest first, e.g. bronze, silver, gold.'),
    rules: z
      .array(
        z.object({
          name: z.string().regex(NAME).max(63),
          title: z.string().max(256).optional(),
          description: z.string().max(4096).optional(),
          howToFix: z.string().max(4096).optional().describe('Shown to owners when the rule fails.'),
          level: z.string().max(63).describe('One of the levels.'),
          expression: z
            .string()
            .min(1)
            .max(4096)
            .describe('CEL over self (the entity, with status and relations) and facts (runtime facts); true passes.'),
          weight: z.number().int().min(1).max(100).default(1).optional(),
        }),
      )
      .min(1)
      .max(100)
      .meta({
        'x-kubernetes-validations': [{ rule: 'self.all(r, self.exists_one(s, s.name == r.name))', message: 'rule names must be unique' }],
      }),
    exemptions: z
      .array(
        z.object({
          entity: z.string().max(380),
          rule: z.string().max(63),
          reason: z.string().min(1).max(1024),
          expires: z.string().max(64).optional().describe('RFC 3339; no end when absent.'),
        }),
      )
      .max(1000)
      .optional(),
    evaluationInterval: z
      .string()
      .regex(new RegExp(DURATION_PATTERN))
      .max(32)
      .default('5m')
      .optional()
      .describe('Re-evaluation for time-based facts, e.g. 5m.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'self.rules.all(r, self.levels.exists(l, l.name == r.level))', message: 'every rule level must be one of levels' },
    ],
  });

export const scorecardStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  entities: z.number().int().min(0).optional(),
  levels: z
    .array(z.object({ name: z.string(), count: z.number().int().min(0) }))
    .optional()
    .describe('Entities at each level (and "" for none).'),
  rules: z
    .array(
      z.object({
        name: z.string(),
        passing: z.number().int().min(0),
        failing: z.number().int().min(0),
        passRate: z.number().min(0).max(1),
      }),
    )
    .optional(),
  invalidRules: z
    .array(z.object({ rule: z.string(), message: z.string().max(4096), position: z.number().int().min(0).optional() }))
    .optional(),
  lastEvaluationTime: z.string().optional(),
  conditions: conditionsField(),
});

export const Scorecard: KindDefinition = {
  kind: 'Scorecard',
  plural: 'scorecards',
  singular: 'scorecard',
  shortNames: ['sc'],
  categories: ['greenroom'],
  description: 'Standards as CEL rules in levels; each selected entity gets its level, score and failing rules.',
  spec: scorecardSpec,
  status: scorecardStatus,
  printerColumns: [
    { name: 'Entities', type: 'integer', jsonPath: '.status.entities', description: 'Entities it selects.' },
    column('Ready', '.status.conditions[?(@.type=="Ready")].status', 'False when a rule does not compile.'),
    AGE_COLUMN,
  ],
};
