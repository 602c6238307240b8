import { FORMAT_NAMES } from '../../api-definitions/formats.ts';
import type { ApiDescription, DefinitionProblem } from '../../api-definitions/model.ts';
import { LRUCache } from 'lru-cache';
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
  /** The format's page at the path, rendered. */
  page?: RenderedPage;
  /** The path names nothing in the description (an unknown operation, schema or type): a 404. */
  notFound: boolean;
}

/** A format's page, rendered from its partial. */
export interface RenderedPage {
  /** What the page's <title> adds: `GET /pets/{petId}`, `Repository`. */
  title?: string | undefined;
  html: string;
}

/**
 * The API tab for an API's definition as read (or none), at `path` under the tab's URL `base`;
 * `render` turns a format's view into HTML, done once per version of the definition (`pages`).
 */
export function definitionTab(
  read: ReadDefinition | undefined,
  path: DefinitionPath,
  base: string,
  pages: RenderedDefinitions,
  render: (view: DefinitionView) => string,
): DefinitionTab {
  const atTab = path.section === undefined;
  if (!read) return { base, missing: true, reading: false, warnings: listed([]), notFound: !atTab };
  const description = read.description;
  const page = description
    ? pages.page(read, base, path, () => {
        const view = formatView(description, path, base);
        return view && { title: view.title, html: render(view) };
      })
    : undefined;
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
    ...(page ? { page } : {}),
    notFound: !atTab && page === undefined,
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

/** HTML of definition pages kept at most, in characters over all of them, and pages at most. */
const RENDERED_CACHE_CHARS = 64 * 1024 * 1024;
const RENDERED_CACHE_PAGES = 5000;

/**
 * Definition pages as rendered, by the API's tab, the definition's digest and the page's path.
 * A page depends on nothing but its description (not on who reads it: the entity around it is
 * checked per request), and making GitHub's biggest pages (a thousand rows, or a schema's
 * "used by" over every operation) takes tens of milliseconds: paid once per version of a
 * definition instead of on every read. Paths that name nothing are not kept (anyone can ask
 * for a million of them).
 */
export class RenderedDefinitions {
  private readonly cache = new LRUCache<string, RenderedPage>({
    max: RENDERED_CACHE_PAGES,
    maxSize: RENDERED_CACHE_CHARS,
    sizeCalculation: (page) => Math.max(1, page.html.length),
  });

  /** The page at `path`, made by `make` the first time this version of the definition shows it. */
  page(read: ReadDefinition, base: string, path: DefinitionPath, make: () => RenderedPage | undefined): RenderedPage | undefined {
    // Without a digest (a description made elsewhere, as in tests) there is no version to key by.
    if (read.digest === undefined) return make();
    const key = [base, read.digest, path.section ?? '', path.item ?? ''].join('\u0000');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const made = make();
    if (made) this.cache.set(key, made);
    return made;
  }
}
