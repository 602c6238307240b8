import { formatRef, parseRef, splitRef } from '../../catalog/refs.ts';
import { pageHref } from '../../docs/links.ts';
import { siteBase, type DocPage, type DocSite, type DocsStore, type NavItem } from '../../docs/site.ts';
import { entityHref } from './pages.ts';

/** One entry of the reader's nav: a page, an external link, or a section of them. */
export interface DocsNavNode {
  title: string;
  /** Absent for a section. */
  href?: string;
  external: boolean;
  /** The page being read. */
  current: boolean;
  /** A section holding the page being read. */
  holdsCurrent: boolean;
  children?: DocsNavNode[];
}

export interface DocsLink {
  title: string;
  href: string;
}

function navNodes(items: NavItem[], base: string, slug: string): DocsNavNode[] {
  return items.map((item) => {
    if (item.children) {
      const children = navNodes(item.children, base, slug);
      return { title: item.title, external: false, current: false, holdsCurrent: children.some((c) => c.current || c.holdsCurrent), children };
    }
    if (item.url) return { title: item.title, href: item.url, external: true, current: false, holdsCurrent: false };
    const current = item.slug === slug;
    return { title: item.title, href: pageHref(base, item.slug ?? ''), external: false, current, holdsCurrent: false };
  });
}

/** The page a reader's URL names: by slug, the home page (or else the first) for none. */
function pageIndex(pages: DocPage[], slug: string): number {
  const index = pages.findIndex((p) => p.slug === slug);
  return index < 0 && slug === '' && pages.length ? 0 : index;
}

/** The documented entity, when the site names it: the reader links back to its catalog page. */
function entityOf(site: DocSite, namespace: string) {
  if (!site.entityRef) return undefined;
  const parsed = parseRef(site.entityRef, { defaultKind: 'Component', namespace });
  if ('error' in parsed) return undefined;
  const ref = formatRef(parsed);
  return { ref, name: splitRef(ref).name, href: entityHref(ref) };
}

/**
 * One page of a docs site as the reader shows it: the site's nav with the page marked, the
 * page, its table of contents (levels 2–3) and the previous and next pages in reading order.
 */
export function docsPage(site: DocSite, namespace: string, name: string, slug: string) {
  const index = pageIndex(site.pages, slug);
  const page = site.pages[index];
  if (!page) return undefined;
  const base = siteBase(namespace, name);
  const link = (p: DocPage | undefined): DocsLink | undefined => (p ? { title: p.title, href: pageHref(base, p.slug) } : undefined);
  return {
    siteName: site.siteName,
    home: base,
    entity: entityOf(site, namespace),
    doc: {
      slug: page.slug,
      title: page.title,
      // Sanitised when the site was built (src/docs/sanitize.ts): the one value shown unescaped.
      html: page.html,
      // A page without a leading `# heading` still gets its title shown.
      showTitle: page.headings[0]?.level !== 1,
    },
    nav: navNodes(site.nav, base, page.slug),
    toc: page.headings.filter((h) => h.level === 2 || h.level === 3),
    prev: link(site.pages[index - 1]),
    next: link(site.pages[index + 1]),
  };
}

export type DocsPageModel = NonNullable<ReturnType<typeof docsPage>>;

/** The docs sites of an entity, for its catalog page; none without a docs store. */
export function entityDocsLinks(docs: DocsStore | undefined, ref: string): DocsLink[] {
  return (docs?.sourcesFor(ref) ?? []).map((s) => ({ title: s.siteName || s.name, href: siteBase(s.namespace, s.name) }));
}
