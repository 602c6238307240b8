import { formatRef, parseRef, splitRef } from '../../catalog/refs.ts';
import { pageHref } from '../../docs/links.ts';
import { siteBase, type DocPage, type DocSite, type DocSourceSummary, type DocsStore, type NavItem } from '../../docs/site.ts';
import { isNavUrl } from '../../docs/store.ts';
import { redactUrl } from '../../git/git-cli.ts';
import { shortRevision } from './format.ts';
import { entityHref } from './pages.ts';
import { REASON } from '../../controllers/doc-source/reasons.ts';

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
      // section-index: a section that is also a page links to it.
      const own = item.slug !== undefined ? { href: pageHref(base, item.slug), current: item.slug === slug } : { current: false };
      return {
        title: item.title,
        external: false,
        ...own,
        holdsCurrent: children.some((c) => c.current || c.holdsCurrent),
        children,
      };
    }
    // Checked when the stored site was read too; here again so no other DocsStore can put javascript: in a link.
    if (item.url)
      return isNavUrl(item.url)
        ? { title: item.title, href: item.url, external: true, current: false, holdsCurrent: false }
        : { title: item.title, external: true, current: false, holdsCurrent: false };
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
      // An http(s) URL: the build makes no other, and decoding a stored site refuses any other.
      editUrl: page.editUrl,
    },
    nav: navNodes(site.nav, base, page.slug),
    toc: page.headings.filter((h) => h.level === 2 || h.level === 3),
    prev: link(site.pages[index - 1]),
    next: link(site.pages[index + 1]),
  };
}

export type DocsPageModel = NonNullable<ReturnType<typeof docsPage>>;

/** What a failed build's reason means, for people who never read a DocSource. */
const DOCS_REASON_WORDS: Record<string, string> = {
  [REASON.FetchFailed]: 'The source could not be fetched.',
  [REASON.BuildFailed]: 'The Markdown could not be built into a site.',
  [REASON.StoreFailed]: 'The built site could not be stored in the cluster.',
  [REASON.LimitExceeded]: 'The docs are bigger than this portal allows.',
};

/** Where a DocSource's Markdown comes from, as one line; a token written into a git URL is hidden. */
function originOf(source: DocSourceSummary['source']): string {
  if (source.git) return `git ${redactUrl(source.git.url)}${source.git.path ? ` · ${source.git.path}` : ''} @ ${source.git.ref ?? 'main'}`;
  return source.configMapRef ? `ConfigMap ${source.configMapRef.name}` : '';
}

/**
 * How a DocSource is doing, in the four states a reader tells apart: Pending (never built),
 * Building (its spec changed and the new build is not in yet), Ready, Failed (nothing built).
 */
function stateOf(s: DocSourceSummary): { state: 'Pending' | 'Building' | 'Ready' | 'Failed'; className: 'wait' | 'ok' | 'bad' } {
  const status = s.status;
  if (!status?.phase || status.phase === 'Pending' || status.observedGeneration === undefined)
    return { state: 'Pending', className: 'wait' };
  if (status.observedGeneration < s.generation) return { state: 'Building', className: 'wait' };
  return status.phase === 'Ready' ? { state: 'Ready', className: 'ok' } : { state: 'Failed', className: 'bad' };
}

/**
 * The Docs tab of an entity's page: every DocSource documenting it, built or not, with its
 * state; a served one links into the reader, a failing one says why (the last good build,
 * if any, is still served and linked).
 */
export function entityDocSources(docs: DocsStore | undefined, ref: string) {
  return (docs?.sourcesFor(ref) ?? []).map((s) => {
    const { state, className } = stateOf(s);
    const failed = s.status?.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False');
    return {
      namespace: s.namespace,
      name: s.name,
      title: s.siteName || s.status?.siteName || s.name,
      href: s.served ? siteBase(s.namespace, s.name) : undefined,
      state,
      className,
      origin: originOf(s.source),
      pageCount: s.status?.site ? s.status.pageCount : undefined,
      builtAt: s.status?.site ? s.status.lastBuildTime : undefined,
      commit: s.status?.site && s.status.commit ? shortRevision(s.status.commit) : undefined,
      warnings: s.status?.warnings?.length ?? 0,
      problem: failed
        ? {
            reason: failed.reason,
            words: DOCS_REASON_WORDS[failed.reason] ?? '',
            message: failed.message,
            since: failed.lastTransitionTime,
          }
        : undefined,
    };
  });
}

export type EntityDocSource = ReturnType<typeof entityDocSources>[number];
