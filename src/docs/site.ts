import type { z } from 'zod';
import type { docSourceSpec, docSourceStatus } from '../api/v1alpha1/doc-source.ts';

/**
 * A built docs site: what a DocSource's build produces, what is stored (gzip'd, chunked) in
 * ConfigMaps owned by the DocSource, and what every replica serves and indexes.
 */

export interface DocHeading {
  level: number;
  /** The anchor id on the rendered heading. */
  id: string;
  text: string;
}

export interface DocPage {
  /** Source path inside docs_dir, e.g. `guides/setup.md`. */
  path: string;
  /** URL path of the page under the site, without leading slash: `guides/setup`; `` for the home page. */
  slug: string;
  title: string;
  /** Rendered, sanitised HTML of the page body. */
  html: string;
  headings: DocHeading[];
  /** The page as plain text, for search. */
  text: string;
  /** Left out of search (front matter `search: exclude: true`, or the exclude-search plugin). */
  searchExcluded?: boolean;
  /** Where the reader changes the page's Markdown (an http(s) URL; see edit-links.ts). */
  editUrl?: string;
}

/** Where an old page's URL sends the reader (the redirects plugin): a page of the site, or an http(s) URL. */
export interface PageRedirect {
  slug?: string;
  fragment?: string;
  url?: string;
}

export interface NavItem {
  title: string;
  /** Set for a page; sections have children instead. */
  slug?: string;
  /** Set for an external (http/https) link in the nav instead of a page. */
  url?: string;
  children?: NavItem[];
}

export interface DocAsset {
  contentType: string;
  base64: string;
}

export interface DocSite {
  siteName: string;
  nav: NavItem[];
  /** In reading order (the nav's order), which previous/next follow. */
  pages: DocPage[];
  /** Old page slugs and where they now lead. */
  redirects?: Record<string, PageRedirect>;
  /** Images and other files pages link to, by path inside docs_dir. */
  assets: Record<string, DocAsset>;
  /** What the build could not honour (a nav entry naming a missing page, a broken link). */
  warnings: string[];
  /** The entity the site documents (e.g. `component:ns/name`), for the reader's back link. */
  entityRef?: string;
}

/** Where a site is served: the reader's URL prefix for a DocSource. */
export const siteBase = (namespace: string, name: string): string => `/docs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** A DocSource as its entity's page lists it: which one, whether it is served here, and its status. */
export interface DocSourceSummary {
  namespace: string;
  name: string;
  /** The served site's name; '' while this replica serves no build of it. */
  siteName: string;
  /** Whether this replica serves a build of it, so the reader can open it. */
  served: boolean;
  /** metadata.generation, to tell a spec change not yet looked at from status.observedGeneration. */
  generation: number;
  /** Where its Markdown comes from (spec.source). */
  source: z.infer<typeof docSourceSpec>['source'];
  status?: z.infer<typeof docSourceStatus> | undefined;
}

/** What the dashboard reads about docs (every replica's informer cache and stored sites). */
export interface DocsStore {
  /** The last good build of a DocSource. */
  site(namespace: string, name: string): DocSite | undefined;
  /** Every DocSource documenting an entity (by its ref, e.g. `component:ns/name`), built or not, by name. */
  sourcesFor(entityRef: string): DocSourceSummary[];
  /**
   * The namespaces that hold DocSources, so a signed-in person's access to them is reviewed
   * once per request (src/access); a store without it has its sites reviewed as none.
   */
  sourceNamespaces?(): Iterable<string>;
}
