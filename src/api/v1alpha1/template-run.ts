import { z } from 'zod';
import type { KindDefinition } from '../crd.ts';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import { freeForm } from './template.ts';

export const templateRunSpec = z.object({
  templateRef: z
    .object({
      name: z.string().min(1).max(253).describe('Template name.'),
      namespace: z
        .string()
        .max(63)
        .optional()
        .describe(
          "Template namespace (default: the run's). Another namespace only if it is in the operator's --shared-template-namespaces.",
        ),
    })
    .describe('The Template to run.'),
  values: freeForm(
    'Values for the template parameters; validated against its JSON Schema before anything runs. Never secret parameters (ui:field: Secret): those go in the Secret named by secretValuesRef.',
  ).optional(),
  secretValuesRef: z
    .object({ name: z.string().min(1).max(253).describe('Secret name.') })
    .optional()
    .describe(
      "A Secret in the run's namespace whose keys are the template's secret parameters (ui:field: Secret) and whose values are theirs. They reach the scaffolder as secretKeyRef variables and templates as ${{ secrets.name }}; they never appear in the run's status, snapshot, Job spec or logs.",
    ),
});

const stepStatus = z.object({
  name: z.string(),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped']),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().max(4096).optional(),
});

export const templateRunStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  steps: z.array(stepStatus).optional(),
  outputs: z
    .object({
      links: z.array(z.object({ title: z.string(), url: z.string() })).optional(),
      entityRefs: z.array(z.string()).optional().describe('Catalog entities the run registered.'),
      commit: z.string().optional().describe('SHA of the pushed commit.'),
    })
    .optional(),
  jobName: z.string().optional().describe('The scaffolding Job, when the run executes as a Job.'),
  logTail: z.string().max(16384).optional().describe('The last lines of the run log (secrets redacted).'),
  conditions: conditionsField(),
});

export const TemplateRun: KindDefinition = {
  kind: 'TemplateRun',
  plural: 'templateruns',
  singular: 'templaterun',
  shortNames: ['trun'],
  categories: ['greenroom'],
  description: 'One run of a Template with its values: renders, publishes and registers. Retry is a new TemplateRun.',
  spec: templateRunSpec,
  status: templateRunStatus,
  printerColumns: [
    column('Template', '.spec.templateRef.name', 'The Template it runs.'),
    column('Phase', '.status.phase', 'Pending, Running, Succeeded or Failed.'),
    AGE_COLUMN,
  ],
  validations: [
    // Once the operator has started a run, what it runs cannot change under it.
    {
      rule: "!has(oldSelf.status) || !has(oldSelf.status.phase) || oldSelf.status.phase == 'Pending' || self.spec == oldSelf.spec",
      message: 'spec is immutable once the run has started; create a new TemplateRun to run again',
    },
  ],
};
