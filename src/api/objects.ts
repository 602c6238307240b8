import type { z } from 'zod';
import type { CatalogSourceSpec, CatalogSourceStatus } from './v1alpha1/catalog-source.ts';
import type { Condition } from './v1alpha1/index.ts';
import type { templateSpec } from './v1alpha1/template.ts';
import type { templateRunSpec, templateRunStatus } from './v1alpha1/template-run.ts';

/** Object metadata as a raw list/watch delivers it (timestamps are strings). */
export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type TemplateSpec = z.infer<typeof templateSpec>;
export type TemplateStep = TemplateSpec['steps'][number];
export type TemplateRunSpec = z.infer<typeof templateRunSpec>;
export type TemplateRunStatus = z.infer<typeof templateRunStatus>;
export type StepStatus = NonNullable<TemplateRunStatus['steps']>[number];

export interface TemplateObject {
  apiVersion?: string;
  kind?: 'Template';
  metadata: ObjectMeta;
  spec: TemplateSpec;
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

export interface TemplateRunObject {
  apiVersion?: string;
  kind?: 'TemplateRun';
  metadata: ObjectMeta;
  spec: TemplateRunSpec;
  status?: TemplateRunStatus;
}

/** What the dashboard reads about templates: the operator's informer caches. */
export interface TemplateStore {
  templates(): TemplateObject[];
  runs(): TemplateRunObject[];
}

/** A CatalogSource as its informer holds it. */
export interface CatalogSourceObject {
  metadata: ObjectMeta;
  spec: CatalogSourceSpec;
  status?: CatalogSourceStatus;
}

/** What the dashboard reads about catalog sources: the operator's informer cache. */
export interface CatalogSourceStore {
  sources(): CatalogSourceObject[];
}
