import { z } from 'zod';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import type { KindDefinition } from '../crd.ts';
import { allowedKindsRule, entityRef } from './references.ts';
import { gitDirectory, secretKeyRef } from './git-source.ts';

/** Free-form JSON kept exactly as written (JSON Schema documents, values). */
export const freeForm = (description: string) =>
  z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true }).describe(description);

/** A Kubernetes quantity as a container step's resources take it: 500m, 1, 256Mi, 2Gi. */
const quantity = z
  .string()
  .max(32)
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/);
const stepResourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional(), 'ephemeral-storage': quantity.optional() });

const skeleton = z
  .object({
    inline: z.record(z.string(), z.string()).optional().describe('Files by relative path, their contents as text.'),
    configMapRef: z
      .object({ name: z.string().min(1).max(253) })
      .optional()
      .describe('A ConfigMap whose keys are file paths (use "__" for "/").'),
    git: gitDirectory('A directory of a git repository.').optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '[has(self.inline), has(self.configMapRef), has(self.git)].filter(x, x).size() == 1',
        message: 'skeleton needs exactly one of inline, configMapRef or git',
      },
    ],
  })
  .describe('The files a run starts from; names and contents are rendered with nunjucks (${{ values.x }}).');

const step = z
  .object({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .describe('Step name, unique in the template.'),
    action: z.enum(['render', 'publish:git', 'register', 'run']).describe('Built-in action.'),
    publishGit: z
      .object({
        url: z.string().min(1).max(2048).describe('Remote to push to (templated).'),
        branch: z.string().max(255).optional().describe('Branch to push (default main, templated).'),
        reviewBranch: z.string().max(255).optional().describe('Push to this new branch for review instead of the default branch.'),
        commitMessage: z.string().max(4096).optional(),
        author: z.object({ name: z.string().max(256), email: z.string().max(320) }).optional(),
        secretRef: secretKeyRef.optional(),
      })
      .optional()
      .describe('Settings of publish:git.'),
    register: z
      .object({ catalogPath: z.string().max(1024).optional().describe('Rendered catalog file (default catalog-info.yaml).') })
      .optional(),
    run: z
      .object({
        image: z.string().min(1).max(1024),
        command: z.array(z.string()).min(1).max(64),
        env: z
          .array(z.object({ name: z.string().min(1).max(253), value: z.string().max(32768) }))
          .max(64)
          .optional(),
        resources: z
          .object({ requests: stepResourceList.optional(), limits: stepResourceList.optional() })
          .optional()
          .describe(
            'cpu, memory and ephemeral-storage of the container; each one unset keeps its default (requests 100m, 128Mi, 256Mi; limits 1, 1Gi, 2Gi). A request above its limit is refused when the Job is created.',
          ),
      })
      .optional()
      .describe('Settings of run: a container step.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.action != 'publish:git' || has(self.publishGit)", message: 'a publish:git step needs publishGit settings' },
      { rule: "self.action != 'run' || has(self.run)", message: 'a run step needs run settings (image, command)' },
    ],
  });

export const templateSpec = z.object({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  type: z.string().min(1).max(63).describe('What it creates: service, library, website, docs…'),
  owner: entityRef('Group', 'Team (Group) or person (User) that owns this template.').meta({
    'x-kubernetes-validations': [allowedKindsRule('owner', ['Group', 'User'])],
  }),
  tags: z.array(z.string().max(63)).max(64).optional(),
  parameters: freeForm('JSON Schema (draft-07) the run values must satisfy.').optional(),
  skeleton,
  steps: z
    .array(step)
    .min(1)
    .max(32)
    .meta({
      'x-kubernetes-validations': [{ rule: 'self.all(s, self.exists_one(t, t.name == s.name))', message: 'step names must be unique' }],
    })
    .describe('What a run does, in order.'),
  output: z
    .object({
      links: z
        .array(z.object({ title: z.string().max(256), url: z.string().max(2048) }))
        .max(16)
        .optional(),
    })
    .optional()
    .describe('Links shown when a run succeeds (templated).'),
});

export const templateStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  conditions: conditionsField(),
});

export const Template: KindDefinition = {
  kind: 'Template',
  plural: 'templates',
  singular: 'template',
  shortNames: ['tmpl'],
  categories: ['greenroom'],
  description: 'A golden path: a skeleton and steps that create a new repository and register it in the catalog.',
  spec: templateSpec,
  status: templateStatus,
  printerColumns: [column('Type', '.spec.type', 'What it creates.'), column('Owner', '.spec.owner', 'Owning Group or User.'), AGE_COLUMN],
};
