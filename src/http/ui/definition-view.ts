/**
 * What a format's pages (openapi-pages.ts, asyncapi-pages.ts, graphql-pages.ts, grpc-pages.ts)
 * give the API tab of an API entity's page. The tab lives at `/catalog/api/ns/name/definition`
 * and its sub-pages at `…/definition/<section>/<item>` (an operation, a schema, a GraphQL type),
 * each its own URL so they work without JavaScript and can be linked to.
 */

/** Where in the definition a request points: the tab itself (no section), or one item of a section. */
export interface DefinitionPath {
  section?: string;
  item?: string;
}

/** One page of a definition, included into entity.njk's API tab. */
export interface DefinitionView {
  /** The partial under src/http/views that renders it, e.g. `api/openapi.njk`. */
  template: string;
  /** What the page's <title> adds after the entity's: `GET /pets/{petId}`, `Repository`. */
  title?: string;
  /** The partial's data, read by it as `definition.*`. */
  definition: Record<string, unknown>;
}

/** The URL of the API tab (`base`) and of one item of a section under it. */
export const definitionHref = (base: string, section?: string, item?: string): string =>
  section === undefined ? base : `${base}/${encodeURIComponent(section)}${item === undefined ? '' : `/${encodeURIComponent(item)}`}`;
