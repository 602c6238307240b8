import { z } from 'zod';
import type { KindDefinition } from '../crd.ts';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import { gitDirectory } from './git-source.ts';
import { entityRef } from './references.ts';

/** Go-style durations as people write them in YAML: 30s, 10m, 1h30m. */
export const DURATION_PATTERN = '^([0-9]+(s|m|h))+$';

/**
 * "Rebuild docs now": the portal (as the person, by impersonation) or `kubectl annotate` sets
 * this to the time it was asked. A value the status has not recorded as honoured asks for one
 * look and build at once, whatever the source's commit and backoff say.
 */
export const REBUILD_ANNOTATION = 'greenroom.dev/rebuild-requested-at';

export const docSourceSpec = z.object({
  entityRef: entityRef('Component', 'The entity these docs document.'),
  source: z
    .object({
      git: gitDirectory('A directory of a git repository holding the docs (with or without mkdocs.yml).').optional(),
      configMapRef: z
        .object({ name: z.string().min(1).max(253) })
        .optional()
        .describe('A ConfigMap whose keys are file paths (use "__" for "/").'),
    })
    .meta({
      'x-kubernetes-validations': [
        {
          rule: '[has(self.git), has(self.configMapRef)].filter(x, x).size() == 1',
          message: 'source needs exactly one of git or configMapRef',
        },
      ],
    })
    .describe('Where the Markdown comes from.'),
  refreshInterval: z
    .string()
    .regex(new RegExp(DURATION_PATTERN))
    .max(32)
    .default('10m')
    .optional()
    .describe('How often to check the source for changes (at least 5s; a check is one git ls-remote), e.g. 10m.'),
});

export const docSourceStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  phase: z
    .enum(['Pending', 'Ready', 'Failed'])
    .optional()
    .describe('Ready while a build is served (even if a later one failed); Failed when none is.'),
  siteName: z.string().optional(),
  commit: z.string().optional().describe('The git commit of the served build.'),
  pageCount: z.number().int().min(0).optional(),
  lastBuildTime: z.string().optional().describe('When the served build was made.'),
  lastCheckTime: z.string().optional().describe('When the source was last checked or built, successfully or not.'),
  site: z
    .object({
      id: z.string().describe('Which stored build is served.'),
      chunks: z.number().int().min(1),
      bytes: z.number().int().min(0).describe('Compressed size.'),
      digest: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional()
        .describe('SHA-256 of the stored chunks in order; replicas serve only ConfigMaps whose bytes match it.'),
      generation: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('The DocSource generation (spec) the served build was made from; a newer spec is built until one succeeds.'),
    })
    .optional()
    .describe('The served build, stored gzip-compressed in ConfigMaps owned by this DocSource.'),
  warnings: z.array(z.string()).max(20).optional().describe('What the build could not honour (first 20).'),
  rebuildRequest: z
    .string()
    .max(64)
    .optional()
    .describe('The greenroom.dev/rebuild-requested-at value the last look honoured; another value asks for a build at once.'),
  consecutiveFailures: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Failed looks in a row since the last good one; the next look waits exponentially longer.'),
  conditions: conditionsField(),
});

export const DocSource: KindDefinition = {
  kind: 'DocSource',
  plural: 'docsources',
  singular: 'docsource',
  shortNames: ['docs'],
  categories: ['greenroom'],
  description: 'Docs-like-code for a catalog entity: Markdown from git or a ConfigMap, built and served by the portal.',
  spec: docSourceSpec,
  status: docSourceStatus,
  printerColumns: [
    column('Entity', '.spec.entityRef', 'The documented entity.'),
    column('Phase', '.status.phase', 'Ready while a build is served.'),
    { name: 'Pages', type: 'integer', jsonPath: '.status.pageCount', description: 'Pages in the served build.' },
    AGE_COLUMN,
  ],
};
