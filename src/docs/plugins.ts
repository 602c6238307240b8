import { confinedPath } from '../file-tree/paths.ts';
import { globMatches } from './glob.ts';
import { slugOf } from './mkdocs.ts';
import type { PageRedirect } from './site.ts';

/*
 * Plugins that change what is served rather than the nav: redirects (old page → new page)
 * and the search plugins' exclusions.
 */

type Plugins = ReadonlyMap<string, Record<string, unknown>>;

const EXTERNAL = /^https?:\/\/[^\s"'<>\\]+$/i;

/**
 * The redirects plugin's redirect_maps: an old page's URL answers with a redirect to a page
 * of the site (`new.md#part`) or an http(s) URL. An old path that is still a page keeps the
 * page: MkDocs would overwrite it, which loses a page nobody meant to lose.
 */
export function redirectsOf(
  plugins: Plugins,
  slugs: ReadonlyMap<string, string>,
  warn: (message: string) => void,
): Record<string, PageRedirect> {
  const maps = plugins.get('redirects')?.redirect_maps;
  const redirects: Record<string, PageRedirect> = {};
  if (!maps || typeof maps !== 'object' || Array.isArray(maps)) return redirects;
  const pageSlugs = new Set(slugs.values());
  for (const [from, to] of Object.entries(maps as Record<string, unknown>)) {
    const inside = confinedPath(from);
    if (typeof to !== 'string' || inside === undefined) {
      warn(`mkdocs.yml: the redirect from ${from} has no target page or URL`);
      continue;
    }
    // `old.md` and `old/index.md` are served where the page of that path would be.
    const old = slugOf(inside);
    if (pageSlugs.has(old)) {
      warn(`mkdocs.yml: the redirect from ${from} is not made: it is still a page of the site`);
      continue;
    }
    if (EXTERNAL.test(to)) {
      redirects[old] = { url: to };
      continue;
    }
    const [path = '', ...fragment] = to.split('#');
    const target = confinedPath(path);
    const slug = target === undefined ? undefined : slugs.get(target);
    if (slug === undefined) warn(`mkdocs.yml: the redirect from ${from} goes to ${to}, which is not a page of the site`);
    else redirects[old] = { slug, ...(fragment.length ? { fragment: fragment.join('#') } : {}) };
  }
  return redirects;
}

/**
 * Whether a page is left out of search: the exclude-search plugin's `exclude` globs (pages
 * only — `page.md#heading` entries are not supported and named once). Material's front
 * matter `search: exclude: true` is read with the page.
 */
export function searchExcluded(plugins: Plugins, warn: (message: string) => void): (path: string) => boolean {
  // exclude-search's list; the same setting written on the search plugin itself is read too.
  const lists = [plugins.get('exclude-search')?.exclude, plugins.get('search')?.exclude].filter(Array.isArray);
  const listed: unknown[] = lists.flat();
  if (listed.length === 0) return () => false;
  const patterns: string[] = [];
  for (const entry of listed) {
    if (typeof entry !== 'string') continue;
    if (entry.includes('#')) warn(`mkdocs.yml: exclude-search's ${entry} names a heading; only whole pages are left out of search`);
    else patterns.push(entry.replace(/^\.\//, ''));
  }
  return (path) => patterns.some((pattern) => globMatches(pattern, path));
}
