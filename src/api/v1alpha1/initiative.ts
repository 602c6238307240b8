import { z } from 'zod';
import type { KindDefinition } from '../crd.ts';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import { entitySelector } from './scorecard.ts';

export const initiativeSpec = z
  .object({
    title: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    scorecard: z.string().min(1).max(317).describe('The Scorecard: name, or namespace/name.'),
    targetLevel: z.string().max(63).optional().describe('Entities reach the target at this level…'),
    rules: z.array(z.string().max(63)).max(100).optional().describe('…or when these rules pass.'),
    deadline: z.string().max(64).describe('RFC 3339, e.g. 2027-03-31T00:00:00Z.'),
    selector: entitySelector.optional(),
    owners: z.array(z.string().max(380)).max(200).optional().describe('Owner refs (team-a, group:ns/team-a); every owner when absent.'),
  })
  .meta({
    'x-kubernetes-validations': [{ rule: 'has(self.targetLevel) != has(self.rules)', message: 'set exactly one of targetLevel or rules' }],
  });

export const initiativeStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  phase: z
    .enum(['OnTrack', 'AtRisk', 'Missed', 'Achieved'])
    .optional()
    .describe('Absent while the Initiative cannot be evaluated (its Ready condition says why).'),
  progress: z.object({ atTarget: z.number().int().min(0), total: z.number().int().min(0), ratio: z.number().min(0).max(1) }).optional(),
  byOwner: z
    .array(z.object({ owner: z.string(), atTarget: z.number().int().min(0), total: z.number().int().min(0) }))
    .max(500)
    .optional(),
  history: z
    .array(z.object({ date: z.string(), ratio: z.number().min(0).max(1) }))
    .max(400)
    .optional()
    .describe('Progress once a day, for the chart.'),
  lastMilestone: z.string().optional().describe('The last reminder milestone announced (30d, 14d, 7d, 1d, due).'),
  startedAt: z.string().optional(),
  conditions: conditionsField(),
});

export const Initiative: KindDefinition = {
  kind: 'Initiative',
  plural: 'initiatives',
  singular: 'initiative',
  shortNames: ['init'],
  categories: ['greenroom'],
  description: 'A deadline for reaching a scorecard level (or rules): progress per owner, reminders and alerts.',
  spec: initiativeSpec,
  status: initiativeStatus,
  printerColumns: [
    column('Scorecard', '.spec.scorecard', 'The Scorecard.'),
    column('Phase', '.status.phase', 'OnTrack, AtRisk, Missed or Achieved.'),
    column('Deadline', '.spec.deadline', 'Due date.'),
    column('Ready', '.status.conditions[?(@.type=="Ready")].status', 'False when its scorecard, target level or rules do not exist.'),
    AGE_COLUMN,
  ],
};
