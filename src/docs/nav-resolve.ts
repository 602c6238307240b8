import { posix } from 'node:path';
import { isIndexPage, titleFromName, type NavEntry } from './mkdocs.ts';
import { directoryNav, isDirectory, type NavSources } from './nav-sources.ts';
import type { NavItem } from './site.ts';

/** Nav entries resolved to built pages; entries naming no page are reported and left out. */
export interface NavResolution {
  slugs: Map<string, string>;
  /** A page's own title: its front matter's or first heading's, else from its file name. */
  pageTitle: (path: string) => string;
  /** Titles the nav gives pages, first mention wins. */
  navTitles: Map<string, string>;
  /** Pages in the order the nav mentions them. */
  order: string[];
  /** section-index: a section whose first page is an index page is that page's, clickable. */
  sectionIndex: boolean;
  sources: NavSources;
  warnings: string[];
}

const MAX_DEPTH = 16;

/**
 * A directory named in the nav (`User Guide: user-guide/`, or a monorepo site without a nav)
 * is the section of its pages: its literate-nav nav file when it has one, else its files.
 */
function directoryEntry(entry: NavEntry, r: NavResolution): NavEntry | undefined {
  const path = posix.normalize(entry.path!).replace(/^\.\//, '').replace(/\/+$/, '');
  const dir = path === '.' ? '' : path;
  if (r.slugs.has(dir) || !isDirectory(dir, r.sources.pages)) return undefined;
  return { title: entry.title ?? (dir ? posix.basename(dir) : ''), children: directoryNav(dir, r.sources) };
}

export function resolveNav(entries: NavEntry[], r: NavResolution, depth = 0): NavItem[] {
  const items: NavItem[] = [];
  for (const entry of entries) {
    if (entry.url) items.push({ title: entry.title ?? entry.url, url: entry.url });
    else if (entry.children) {
      const children = depth < MAX_DEPTH ? resolveNav(entry.children, r, depth + 1) : [];
      if (children.length) items.push(section(entry.title ?? '', entry.children, children, r));
    } else if (entry.path !== undefined) {
      const path = posix.normalize(entry.path).replace(/^\.\//, '');
      const slug = r.slugs.get(path);
      if (slug === undefined) {
        const directory = directoryEntry(entry, r);
        if (directory && depth < MAX_DEPTH) items.push(...resolveNav([directory], r, depth + 1));
        else r.warnings.push(`the nav names ${entry.path}, which is not a page in docs_dir`);
        continue;
      }
      if (!r.order.includes(path)) r.order.push(path);
      if (entry.title && !r.navTitles.has(path)) r.navTitles.set(path, entry.title);
      items.push({ title: entry.title ?? r.pageTitle(path), slug });
    }
  }
  return items;
}

/** A section; with section-index, its leading index page becomes the section's own link. */
function section(title: string, entries: NavEntry[], children: NavItem[], r: NavResolution): NavItem {
  const [first, ...rest] = children;
  const firstPath = entries[0]?.path;
  if (r.sectionIndex && first?.slug !== undefined && !first.children && firstPath && isIndexPage(firstPath))
    return rest.length ? { title, slug: first.slug, children: rest } : { title, slug: first.slug };
  return { title, children };
}

/** The title MkDocs gives a page without a heading: `Home` for the home page, else from its file name (`Index` for other indexes). */
export function fallbackTitle(path: string, slug: string): string {
  if (slug === '') return 'Home';
  return titleFromName(isIndexPage(path) ? 'index' : posix.basename(path));
}
