import { CATALOG_KINDS, catalogKind } from '../../api/v1alpha1/index.ts';
import { parseRef, formatRef, splitRef } from '../../catalog/refs.ts';
import { DOCS_KIND, OPERATION_KIND, TEMPLATE_KIND, type SearchReader, type SearchOptions, type SearchResult } from '../../search/index.ts';
import { entityHref } from './pages.ts';

/** Results one page shows; the filter counts cover them all. */
export const SEARCH_PAGE_LIMIT = 50;

export interface SearchPageQuery {
  q?: string | undefined;
  kind?: string | undefined;
}

/** Group headings, in the order filters list them: the catalog's kinds, then templates, then docs. */
const HEADINGS: [kind: string, heading: string][] = [
  ...CATALOG_KINDS.map((k): [string, string] => [
    k.kind,
    k.kind === k.kind.toUpperCase() ? `${k.kind}s` : k.plural[0]!.toUpperCase() + k.plural.slice(1),
  ]),
  [OPERATION_KIND, 'API operations'],
  [TEMPLATE_KIND, 'Templates'],
  [DOCS_KIND, 'Docs'],
];
const HEADING = new Map(HEADINGS);

const FIELD_LABELS: Record<string, string> = { tags: 'tags', description: 'description', headings: 'section', text: 'text' };

/** The kind as the URL spells it (`component`, `api`, `template`, `docs`), or undefined when it is none. */
function kindParameter(kind: string | undefined): string | undefined {
  if (!kind) return undefined;
  if (kind.toLowerCase() === DOCS_KIND.toLowerCase()) return 'docs';
  if (kind.toLowerCase() === TEMPLATE_KIND.toLowerCase()) return 'template';
  if (kind.toLowerCase() === OPERATION_KIND.toLowerCase()) return 'operation';
  return catalogKind(kind)?.kind.toLowerCase();
}

function searchHref(q: string, kind?: string): string {
  const params = new URLSearchParams({ q });
  if (kind) params.set('kind', kind);
  return `/search?${params.toString()}`;
}

/** Fields shown as excerpt lines; the title and name are highlighted where they stand. */
const EXCERPT_FIELDS = new Set(['tags', 'description', 'headings', 'text']);

/**
 * What one result shows: links, facts and excerpts. `titleHtml`, `nameHtml` and the excerpts
 * are highlight fragments — HTML escaped by the index, with only `<mark>` left as markup.
 */
function item(r: SearchResult) {
  const owner = r.owner ? parseRef(r.owner, { defaultKind: 'Group', namespace: r.namespace }) : undefined;
  const ownerRef = owner && !('error' in owner) ? formatRef(owner) : undefined;
  const fragments = new Map(r.highlights.map((h) => [h.field, h.fragments]));
  // An entity without a title is shown by its name: the name's marks go on the link.
  const titled = r.type === 'doc' || r.type === 'operation' || r.name !== r.title;
  const excerpts = r.highlights.filter((h) => EXCERPT_FIELDS.has(h.field));
  return {
    type: r.type,
    title: r.title,
    titleHtml: fragments.get(titled ? 'title' : 'name')?.[0],
    href: r.href,
    kind: r.kind,
    name: titled ? r.name : undefined,
    nameHtml: titled ? fragments.get('name')?.[0] : undefined,
    namespace: r.namespace,
    specType: r.specType,
    owner: ownerRef ? { name: splitRef(ownerRef).name, href: entityHref(ownerRef) } : undefined,
    site: r.type === 'doc' ? r.siteName : undefined,
    api: r.type === 'operation' && r.entityRef ? { name: splitRef(r.entityRef).name, href: entityHref(r.entityRef) } : undefined,
    documents:
      r.type === 'doc' && r.entityRef ? { ref: r.entityRef, name: splitRef(r.entityRef).name, href: entityHref(r.entityRef) } : undefined,
    snippet: excerpts.some((h) => h.field === 'description' || h.field === 'text') ? undefined : r.snippet,
    excerpts: excerpts.map((h) => ({ label: FIELD_LABELS[h.field] ?? h.field, fragments: h.fragments })),
  };
}

/**
 * The search page: results grouped by kind — the group holding the best hit first, each in
 * rank order — and one filter link per kind with its count. Without a query it only explains.
 */
export function searchPage(index: SearchReader, query: SearchPageQuery, limit = SEARCH_PAGE_LIMIT, visible?: SearchOptions['visible']) {
  const q = query.q?.trim() ?? '';
  const kind = kindParameter(query.kind);
  if (!q) return { query: { q, kind }, kindHeading: undefined, searched: false, total: 0, shown: 0, groups: [], filters: [], all: 0 };

  const answer = index.search(q, { kind, limit, visible });
  const groups = new Map<string, ReturnType<typeof item>[]>();
  for (const r of answer.results) groups.set(r.kind, [...(groups.get(r.kind) ?? []), item(r)]);
  const all = Object.values(answer.counts).reduce((sum, n) => sum + n, 0);
  const filters = [
    { label: 'All', count: all, href: searchHref(q), current: kind === undefined },
    ...HEADINGS.filter(([k]) => (answer.counts[k] ?? 0) > 0 || kindParameter(k) === kind).map(([k, heading]) => ({
      label: heading,
      count: answer.counts[k] ?? 0,
      href: searchHref(q, kindParameter(k)),
      current: kindParameter(k) === kind,
    })),
  ];
  return {
    query: { q, kind },
    kindHeading: kind ? HEADINGS.find(([k]) => kindParameter(k) === kind)?.[1] : undefined,
    searched: true,
    total: answer.total,
    shown: answer.results.length,
    all,
    groups: [...groups.entries()].map(([k, items]) => {
      const count = answer.counts[k] ?? items.length;
      return {
        kind: k,
        heading: HEADING.get(k) ?? k,
        count,
        items,
        more: count > items.length ? searchHref(q, kindParameter(k)) : undefined,
      };
    }),
    filters,
  };
}

export type SearchPage = ReturnType<typeof searchPage>;
