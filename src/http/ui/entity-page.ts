import type { CatalogView } from '../../catalog/view.ts';
import { formatRef, parseRef, type EntityRef } from '../../catalog/refs.ts';
import type { TemplateStore } from '../../api/objects.ts';
import type { ReadDefinition } from '../../api-definitions/read-definition.ts';
import type { EntityDocSource } from './docs-pages.ts';
import { entityHref } from './pages.ts';
import type { entityScorecards } from './scorecard-sections.ts';
import { summary as templateSummary } from './template-pages.ts';

/**
 * The tabs of an entity's page, each its own URL (`/catalog/kind/ns/name` is the Overview,
 * `/definition`, `/runtime`, `/docs` and `/scorecards` follow it), so they work without
 * JavaScript, can be linked to, and the back button walks through them. Only APIs have the
 * API tab; only what runs in the cluster (Components and Resources) the Runtime tab.
 */
const ENTITY_TABS = ['overview', 'definition', 'runtime', 'docs', 'scorecards'] as const;
export type EntityTab = (typeof ENTITY_TABS)[number];

const TAB_LABELS: Record<EntityTab, string> = {
  overview: 'Overview',
  definition: 'API',
  runtime: 'Runtime',
  docs: 'Docs',
  scorecards: 'Scorecards',
};

/** Kinds (as entities carry them) that have a tab beyond the common ones. */
const TAB_KINDS: Partial<Record<EntityTab, readonly string[]>> = { definition: ['API'], runtime: ['Component', 'Resource'] };

/** The tabs an entity of `kind` has, in order. */
const tabsOf = (kind: string): readonly EntityTab[] => ENTITY_TABS.filter((t) => TAB_KINDS[t]?.includes(kind) ?? true);

export const isEntityTab = (tab: string, kind: string): tab is EntityTab => (tabsOf(kind) as readonly string[]).includes(tab);

/** The URL of one tab of an entity's page. */
export const entityTabHref = (ref: EntityRef, tab: EntityTab): string =>
  tab === 'overview' ? entityHref(ref) : `${entityHref(ref)}/${tab}`;

export interface TabInputs {
  docs: EntityDocSource[];
  scorecards: ReturnType<typeof entityScorecards>;
  /** An API's definition as read, for the API tab's alert. */
  definition?: ReadDefinition | undefined;
}

/**
 * The tab bar: which tab is current, and on each the count worth knowing before opening it —
 * how many doc sites and scorecards there are, and in red how many of them are failing, or
 * that the API's definition could not be read.
 */
export function entityTabs(entity: { ref: EntityRef; kind: string }, current: string, { docs, scorecards, definition }: TabInputs) {
  const failingDocs = docs.filter((d) => d.problem).length;
  const failingRules = scorecards.reduce((n, s) => n + s.failing.length, 0);
  const counts: Record<EntityTab, { count?: number; alert?: string; label?: string }> = {
    overview: {},
    definition: definition?.failure ? { alert: 'failing', label: 'the definition could not be read' } : {},
    // No count: whether workloads run is for those who may list them, asked only on the tab itself.
    runtime: {},
    docs: {
      count: docs.length,
      ...(failingDocs ? { alert: `${failingDocs} failing` } : {}),
      label: `${docs.length} doc ${docs.length === 1 ? 'site' : 'sites'}${failingDocs ? `, ${failingDocs} failing` : ''}`,
    },
    scorecards: {
      count: scorecards.length,
      ...(failingRules ? { alert: `${failingRules} failing` } : {}),
      label: `${scorecards.length} ${scorecards.length === 1 ? 'scorecard' : 'scorecards'}${failingRules ? `, ${failingRules} failing ${failingRules === 1 ? 'rule' : 'rules'}` : ''}`,
    },
  };
  return tabsOf(entity.kind).map((id) => ({
    id,
    title: TAB_LABELS[id],
    href: entityTabHref(entity.ref, id),
    current: id === current,
    ...counts[id],
  }));
}

/** The templates a Group or User owns, for the Templates section of its page, by title. */
export function ownedTemplates(store: TemplateStore, graph: CatalogView, ref: EntityRef) {
  return store
    .templates()
    .filter((t) => {
      const owner = parseRef(t.spec.owner, { defaultKind: 'Group', namespace: t.metadata.namespace });
      return !('error' in owner) && formatRef(owner) === ref;
    })
    .map((t) => templateSummary(t, graph))
    .sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) || a.href.localeCompare(b.href));
}
