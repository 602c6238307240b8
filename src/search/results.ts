import type { SearchResult as EngineResult } from 'minisearch';
import type { SearchDocument } from './documents.ts';
import { highlightFragments } from './highlight.ts';

/** How the engine's hits become results: exact names first, then excerpts and snippets of each. */

/** Matched words of one field, as HTML excerpts (see highlightFragments: escaped by construction). */
export interface Highlight {
  field: string;
  fragments: string[];
}

/** One hit: an entity, a template or a doc page, with what a result list shows of it. */
export interface SearchResult {
  type: 'entity' | 'template' | 'doc' | 'operation';
  /** The entity's ref (entities only). */
  ref?: string;
  /** The catalog kind (`Component`, `API`, …), `Template`, or `Docs` for a doc page. */
  kind: string;
  namespace: string;
  /** The entity's or template's name. */
  name?: string;
  title: string;
  /** The dashboard page of the entity or template, or the page in the docs reader. */
  href: string;
  /** The start of the description or page text, plain text (escape it to show it). */
  snippet?: string;
  /** The entity's or template's spec.type and spec.owner as written. */
  specType?: string;
  owner?: string;
  tags?: string[];
  /** Doc pages: the site's name and the entity it documents, if any. */
  siteName?: string;
  entityRef?: string;
  highlights: Highlight[];
  score: number;
}

const SNIPPET_LENGTH = 200;

/** Fields excerpts are made from, in the order a result shows them, and how much of each. */
const HIGHLIGHTED: { field: keyof SearchDocument; maxFragments: number; radius: number }[] = [
  { field: 'name', maxFragments: 1, radius: 80 },
  { field: 'title', maxFragments: 1, radius: 80 },
  { field: 'tags', maxFragments: 1, radius: 80 },
  { field: 'description', maxFragments: 2, radius: 60 },
  { field: 'headings', maxFragments: 2, radius: 40 },
  { field: 'text', maxFragments: 2, radius: 60 },
];

/**
 * Entities (and templates) named exactly as the query, then documents titled so, then the rest. Hits arrive
 * in score order and keep it within each tier; one pass, since broad queries hit thousands.
 */
export function exactFirst(hits: EngineResult[], wanted: string): EngineResult[] {
  const named: EngineResult[] = [];
  const titled: EngineResult[] = [];
  const rest: EngineResult[] = [];
  for (const hit of hits) {
    const name = hit.name as string | undefined;
    const title = hit.title as string | undefined;
    if (hit.result !== 'doc' && name?.length === wanted.length && name.toLowerCase() === wanted) named.push(hit);
    else if (title?.length === wanted.length && title.toLowerCase() === wanted) titled.push(hit);
    else rest.push(hit);
  }
  return named.length + titled.length === 0 ? hits : [...named, ...titled, ...rest];
}

export function toResult(hit: EngineResult): SearchResult {
  const stored = hit as unknown as SearchDocument & EngineResult;
  const snippetSource = stored.result === 'doc' ? stored.text : stored.description;
  return {
    type: stored.result,
    ref: stored.ref,
    kind: stored.kind,
    namespace: stored.namespace,
    name: stored.name,
    title: stored.title ?? stored.name ?? '',
    href: stored.href,
    snippet: snippetSource ? shorten(snippetSource, SNIPPET_LENGTH) : undefined,
    specType: stored.type,
    owner: stored.owner,
    tags: stored.tags,
    siteName: stored.siteName,
    entityRef: stored.entityRef,
    highlights: highlightsOf(stored),
    score: hit.score,
  };
}

/** Excerpts of every shown field a query term matched in. */
function highlightsOf(hit: SearchDocument & EngineResult): Highlight[] {
  const termsByField = new Map<string, Set<string>>();
  for (const [term, fields] of Object.entries(hit.match)) {
    for (const field of fields) {
      let terms = termsByField.get(field);
      if (!terms) termsByField.set(field, (terms = new Set()));
      terms.add(term);
    }
  }
  const highlights: Highlight[] = [];
  for (const { field, maxFragments, radius } of HIGHLIGHTED) {
    // An untitled entity's or template's title is its name: one excerpt of it is enough.
    if (field === 'title' && hit.result !== 'doc' && hit.title === hit.name) continue;
    const terms = termsByField.get(field);
    const value = hit[field];
    if (!terms || value === undefined) continue;
    const fragments = highlightFragments(Array.isArray(value) ? value.join(', ') : String(value), terms, { maxFragments, radius });
    if (fragments.length > 0) highlights.push({ field, fragments });
  }
  return highlights;
}

/** Plain text cut at a word boundary near `length`, with an ellipsis when cut. */
function shorten(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.lastIndexOf(' ', length);
  return `${flat.slice(0, cut > length / 2 ? cut : length)}…`;
}
