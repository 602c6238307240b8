/**
 * The Kubernetes resources (group greenroom.dev) whose RBAC decides what a person sees in the
 * portal: one per catalog kind, and the templates, runs, doc sources, scorecards and
 * initiatives beside them, and the catalog sources that feed it. A RoleBinding naming these plurals is all a team needs.
 */
import { CATALOG_KINDS, catalogKind } from '../api/v1alpha1/index.ts';
import { CatalogSource } from '../api/v1alpha1/catalog-source.ts';
import { DocSource } from '../api/v1alpha1/doc-source.ts';
import { Initiative } from '../api/v1alpha1/initiative.ts';
import { Scorecard } from '../api/v1alpha1/scorecard.ts';
import { Template } from '../api/v1alpha1/template.ts';
import { TemplateRun } from '../api/v1alpha1/template-run.ts';

export const TEMPLATES = Template.plural;
export const TEMPLATE_RUNS = TemplateRun.plural;
export const DOC_SOURCES = DocSource.plural;
export const CATALOG_SOURCES = CatalogSource.plural;
export const SCORECARDS = Scorecard.plural;
export const INITIATIVES = Initiative.plural;

/** Every resource the portal reads, catalog kinds first. */
export const PORTAL_RESOURCES: readonly string[] = [
  ...CATALOG_KINDS.map((k) => k.plural),
  TEMPLATES,
  TEMPLATE_RUNS,
  DOC_SOURCES,
  CATALOG_SOURCES,
  SCORECARDS,
  INITIATIVES,
];

const pluralByKind = new Map(CATALOG_KINDS.map((k) => [k.kind, k.plural]));

/** The resource of a catalog kind as entities carry it (`Component` → `components`); any case is accepted. */
export function entityResource(kind: string): string {
  return pluralByKind.get(kind) ?? catalogKind(kind)?.plural ?? kind.toLowerCase();
}
