import { z } from 'zod';
import type { KindDefinition } from '../crd.ts';
import { AGE_COLUMN, column } from './catalog-kind.ts';
import { conditionsField } from './common.ts';
import { DURATION_PATTERN } from './doc-source.ts';
import { gitRepositoryUrl, secretKeyRef } from './git-source.ts';

/**
 * "Sync now": a verified push webhook (or `kubectl annotate`) sets this to the time it was
 * asked. A value the status has not recorded as honoured asks for a check at once.
 */
export const SYNC_REQUEST_ANNOTATION = 'greenroom.dev/sync-requested-at';

/** The label every entity a CatalogSource wrote carries: the source's name (same namespace). */
export const SOURCE_LABEL = 'greenroom.dev/catalog-source';

const duration = (fallback: string, description: string) =>
  z.string().regex(new RegExp(DURATION_PATTERN)).max(32).default(fallback).optional().describe(description);

const labelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string().max(317),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string().max(63)).max(64).optional(),
      }),
    )
    .max(16)
    .optional(),
});

/** LDAP attribute names as the directory spells them (cn, mail, memberOf, …). */
const attribute = (fallback: string, description: string) =>
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/)
    .max(64)
    .default(fallback)
    .optional()
    .describe(`${description} (default ${fallback}).`);

const ldapSearch = (filter: string, what: string) => ({
  baseDn: z.string().min(1).max(1024).describe(`Where ${what} are searched from, e.g. ou=people,dc=example,dc=com.`),
  filter: z
    .string()
    .min(3)
    .max(1024)
    .regex(/^\(.*\)$/)
    .default(filter)
    .optional()
    .describe(`LDAP filter (RFC 4515) ${what} must match (default ${filter}).`),
  scope: z.enum(['one', 'sub']).default('sub').optional().describe('one: direct children of baseDn; sub: the whole subtree (default).'),
});

export const ldapCatalog = z
  .object({
    url: z
      .string()
      .max(2048)
      .regex(/^ldaps?:\/\/[^\s\/@]+/)
      .describe('The directory: ldaps://host:636, or ldap://host:389 (StartTLS is not attempted).'),
    bindSecretRef: z
      .object({
        name: z.string().min(1).max(253),
        dnKey: z.string().max(253).default('dn').optional().describe('Key holding the bind DN (default dn).'),
        passwordKey: z.string().max(253).default('password').optional().describe('Key holding the password (default password).'),
      })
      .optional()
      .describe('Secret with the DN and password to bind as; an anonymous bind without it.'),
    users: z
      .object({
        ...ldapSearch('(objectClass=inetOrgPerson)', 'users'),
        map: z
          .object({
            name: attribute('uid', 'Attribute that becomes the User name'),
            displayName: attribute('cn', 'Attribute for spec.profile.displayName'),
            email: attribute('mail', 'Attribute for spec.profile.email'),
          })
          .optional(),
      })
      .describe('Which directory entries become Users.'),
    groups: z
      .object({
        ...ldapSearch('(objectClass=groupOfNames)', 'groups'),
        type: z.string().max(63).default('team').optional().describe('spec.type of every Group made (default team).'),
        map: z
          .object({
            name: attribute('cn', 'Attribute that becomes the Group name'),
            displayName: attribute('cn', 'Attribute for spec.profile.displayName'),
            description: attribute('description', 'Attribute for spec.description'),
            members: attribute('member', 'Attribute listing member DNs: users become members, groups children'),
          })
          .optional(),
      })
      .describe('Which directory entries become Groups, and their memberships.'),
  })
  .describe('Groups, Users and memberships from an LDAP directory.');

export const gitCatalog = z
  .object({
    url: gitRepositoryUrl(),
    ref: z.string().max(255).default('main').optional().describe('Branch or tag.'),
    paths: z
      .array(z.string().min(1).max(512))
      .min(1)
      .max(20)
      .default(['**/catalog-info.yaml'])
      .optional()
      .describe(
        "Glob patterns of the catalog files to read (default **/catalog-info.yaml). Backstage Locations they hold are followed: relative targets, and URL targets on this repository's host or a host the Secret's greenroom.dev/allowed-hosts names.",
      ),
    secretRef: secretKeyRef.optional(),
    webhookSecretRef: z
      .object({
        name: z.string().min(1).max(253),
        key: z.string().max(253).default('secret').optional(),
      })
      .optional()
      .describe(
        'Secret whose key holds the shared secret of push webhooks (HMAC-SHA256 of the body, X-Hub-Signature-256); a signed push syncs at once.',
      ),
  })
  .describe('Backstage or Greenroom catalog files in a git repository.');

export const kubernetesCatalog = z
  .object({
    namespaces: z
      .array(z.string().max(63))
      .max(64)
      .optional()
      .describe(
        "Namespaces whose workloads are read (default: the source's own). Only sources in the operator's --cluster-catalog-source-namespaces may name others.",
      ),
    selector: labelSelector.optional().describe('Only workloads whose labels match.'),
    ownerLabel: z
      .string()
      .max(317)
      .default('greenroom.dev/owner')
      .optional()
      .describe("Label or annotation naming a workload's owning Group (default greenroom.dev/owner)."),
    lifecycle: z.string().max(63).default('production').optional().describe('spec.lifecycle of the Components made (default production).'),
  })
  .describe(
    'Components from Deployments, StatefulSets and Services labelled app.kubernetes.io/name (system from app.kubernetes.io/part-of) or backstage.io/kubernetes-id.',
  );

export const catalogSourceSpec = z
  .object({
    interval: duration('5m', 'How often the source is checked (git: one ls-remote; ldap: one search), e.g. 5m. At least 10s.'),
    suspend: z.boolean().optional().describe('While true, nothing is checked, written or deleted.'),
    git: gitCatalog.optional(),
    kubernetes: kubernetesCatalog.optional(),
    ldap: ldapCatalog.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '[has(self.git), has(self.kubernetes), has(self.ldap)].filter(x, x).size() == 1',
        message: 'a CatalogSource needs exactly one of git, kubernetes or ldap',
      },
    ],
  });

const problem = z.object({
  location: z.string().max(1024).describe('The file (path in the repository), directory entry (DN) or workload.'),
  line: z.number().int().min(1).optional(),
  reason: z.string().max(1024),
});

export const catalogSourceStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  revision: z.string().max(128).optional().describe('What the last sync read: the git commit, or a digest of the records.'),
  lastCheckTime: z.string().optional().describe('When the source was last checked, successfully or not.'),
  lastSyncTime: z.string().optional().describe('When the catalog was last brought in step with the source.'),
  counts: z
    .object({
      entities: z.number().int().min(0).describe('Entities this source holds in the catalog.'),
      created: z.number().int().min(0),
      updated: z.number().int().min(0),
      deleted: z.number().int().min(0),
      unchanged: z.number().int().min(0),
      conflicts: z.number().int().min(0).describe('Entities left alone because someone else holds them.'),
    })
    .optional()
    .describe('What the last sync did.'),
  problems: z.array(problem).max(50).optional().describe('Files or records that could not be converted (first 50).'),
  problemCount: z.number().int().min(0).optional(),
  consecutiveFailures: z.number().int().min(0).optional().describe('Failed checks in a row; the next waits exponentially longer.'),
  syncRequest: z
    .string()
    .max(64)
    .optional()
    .describe('The greenroom.dev/sync-requested-at value the last check honoured; another value asks for a check at once.'),
  conditions: conditionsField(),
});

export const CatalogSource: KindDefinition = {
  kind: 'CatalogSource',
  plural: 'catalogsources',
  singular: 'catalogsource',
  shortNames: ['csrc'],
  categories: ['greenroom'],
  description: 'Keeps catalog entities in step with a source: catalog files in git, the cluster’s workloads, or an LDAP directory.',
  spec: catalogSourceSpec,
  status: catalogSourceStatus,
  printerColumns: [
    column('Revision', '.status.revision', 'What the last sync read.'),
    { name: 'Entities', type: 'integer', jsonPath: '.status.counts.entities', description: 'Entities held.' },
    column('Synced', '.status.conditions[?(@.type=="Synced")].status', 'Whether the last check brought the catalog in step.'),
    AGE_COLUMN,
  ],
};

export type CatalogSourceSpec = z.infer<typeof catalogSourceSpec>;
export type LdapCatalog = z.infer<typeof ldapCatalog>;
export type GitCatalog = z.infer<typeof gitCatalog>;
export type KubernetesCatalog = z.infer<typeof kubernetesCatalog>;
export type CatalogSourceStatus = z.infer<typeof catalogSourceStatus>;
