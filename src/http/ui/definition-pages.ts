import { FORMAT_NAMES } from '../../api-definitions/formats.ts';
import type { ApiDescription, DefinitionProblem } from '../../api-definitions/model.ts';
import type { DefinitionShelf, ReadDefinition } from '../../api-definitions/read-definition.ts';
import { definitionEntries } from '../../api-definitions/entries.ts';
import type { CatalogView } from '../../catalog/view.ts';
import type { EntityRef } from '../../catalog/refs.ts';
import { entityTabHref } from './entity-page.ts';
import { definitionHref } from './definition-view.ts';
import { asyncApiView } from './asyncapi-pages.ts';
import type { DefinitionPath, DefinitionView } from './definition-view.ts';
import { graphQlView } from './graphql-pages.ts';
import { grpcView } from './grpc-pages.ts';
import { openApiView } from './openapi-pages.ts';

/** Problems and warnings listed on the tab before "and N more" (the condition names the first). */
const MAX_LISTED_PROBLEMS = 50;

/** The page of one format's description at `path` (undefined: no such operation, schema or type). */
function formatView(description: ApiDescription, path: DefinitionPath, base: string): DefinitionView | undefined {
  switch (description.format) {
    case 'openapi':
      return openApiView(description, path, base);
    case 'asyncapi':
      return asyncApiView(description, path, base);
    case 'graphql':
      return graphQlView(description, path, base);
    case 'grpc':
      return grpcView(description, path, base);
  }
}

const listed = (problems: readonly DefinitionProblem[] | undefined) => ({
  items: (problems ?? []).slice(0, MAX_LISTED_PROBLEMS),
  more: Math.max(0, (problems?.length ?? 0) - MAX_LISTED_PROBLEMS),
});

/** What the API tab shows: where the definition came from and how it went, then its page. */
export interface DefinitionTab {
  /** The tab's URL. */
  base: string;
  /** Nothing was ever read: the API has no definition, or this replica has not read it yet. */
  missing: boolean;
  reading: boolean;
  origin?: string;
  formatName?: string;
  readAt?: string;
  bytes?: number;
  failure?: { reason: string; message: string; problems: ReturnType<typeof listed> };
  warnings: ReturnType<typeof listed>;
  /** A type Greenroom does not render: the text itself. */
  text?: string;
  view?: DefinitionView;
  /** The path names nothing in the description (an unknown operation, schema or type): a 404. */
  notFound: boolean;
}

/** The API tab for an API's definition as read (or none), at `path` under the tab's URL `base`. */
export function definitionTab(read: ReadDefinition | undefined, path: DefinitionPath, base: string): DefinitionTab {
  const atTab = path.section === undefined;
  if (!read) return { base, missing: true, reading: false, warnings: listed([]), notFound: !atTab };
  const view = read.description ? formatView(read.description, path, base) : undefined;
  return {
    base,
    missing: false,
    reading: read.reading,
    origin: read.origin,
    ...(read.format ? { formatName: FORMAT_NAMES[read.format] } : {}),
    ...(read.readAt ? { readAt: read.readAt } : {}),
    ...(read.bytes !== undefined ? { bytes: read.bytes } : {}),
    ...(read.failure
      ? { failure: { reason: read.failure.reason, message: read.failure.message, problems: listed(read.failure.problems) } }
      : {}),
    warnings: listed(read.warnings),
    ...(read.text !== undefined && atTab ? { text: read.text } : {}),
    ...(view ? { view } : {}),
    notFound: !atTab && view === undefined,
  };
}

/** Operations listed per API on a Component's page before "all N on the API tab". */
export const OPERATIONS_SHOWN = 12;

/**
 * The APIs a Component provides and consumes (those the person may see), each with the first
 * operations of its definition linking to their place on the API tab: what a Component offers
 * and relies on, one click from each operation.
 */
export function componentApis(graph: CatalogView, definitions: DefinitionShelf, ref: EntityRef) {
  const groups = [
    { relation: 'providesApi', heading: 'Provides' },
    { relation: 'consumesApi', heading: 'Consumes' },
  ];
  const relations = graph.relationsOf(ref);
  return groups
    .map(({ relation, heading }) => ({
      heading,
      apis: relations
        .filter((r) => r.type === relation)
        .map((r) => graph.get(r.target))
        .filter((api) => api !== undefined)
        .map((api) => {
          const read = definitions.definitionOf(api.ref);
          const entries = read?.description ? definitionEntries(read.description) : [];
          const base = entityTabHref(api.ref, 'definition');
          return {
            title: typeof api.spec.title === 'string' ? api.spec.title : api.name,
            href: base,
            formatName: read?.format ? FORMAT_NAMES[read.format] : undefined,
            failing: Boolean(read?.failure),
            total: entries.length,
            operations: entries.slice(0, OPERATIONS_SHOWN).map((e) => ({
              title: e.title,
              summary: e.summary,
              href: e.section === undefined ? base : definitionHref(base, e.section, e.item),
            })),
          };
        }),
    }))
    .filter((g) => g.apis.length > 0);
}
