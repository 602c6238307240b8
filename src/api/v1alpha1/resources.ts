import type { ResourceType } from '../resource-paths.ts';
import { CatalogSource } from './catalog-source.ts';
import { DocSource } from './doc-source.ts';
import { GROUP, VERSION } from './group-version.ts';
import { Initiative } from './initiative.ts';
import { Scorecard } from './scorecard.ts';
import { TemplateRun } from './template-run.ts';
import { Template } from './template.ts';

/** A resource type the operator reads or writes: where the apiserver serves it, and its kind. */
export interface ResourceKind extends ResourceType {
  kind: string;
}

const greenroom = ({ kind, plural }: { kind: string; plural: string }): ResourceKind => ({ group: GROUP, version: VERSION, plural, kind });

/**
 * Greenroom's own kinds besides the catalog ones (those are CATALOG_KINDS), and the built-in
 * kinds it reads and writes: one place for every plural, instead of a path literal per use
 * (paths come from ../resource-paths.ts).
 */
export const RESOURCES = {
  templates: greenroom(Template),
  templateRuns: greenroom(TemplateRun),
  docSources: greenroom(DocSource),
  catalogSources: greenroom(CatalogSource),
  scorecards: greenroom(Scorecard),
  initiatives: greenroom(Initiative),
  configMaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret' },
  serviceAccounts: { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' },
  namespaces: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' },
  jobs: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  statefulSets: { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet' },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  podDisruptionBudgets: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget' },
  events: { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event' },
  subjectAccessReviews: { group: 'authorization.k8s.io', version: 'v1', plural: 'subjectaccessreviews', kind: 'SubjectAccessReview' },
} as const satisfies Record<string, ResourceKind>;

/** A catalog kind as a resource type. */
export const catalogResource = (kind: { kind: string; plural: string }): ResourceKind => greenroom(kind);
