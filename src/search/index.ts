import { createHash } from 'node:crypto';
import MiniSearch, { type SearchOptions as EngineOptions, type SearchResult as EngineResult } from 'minisearch';
import { catalogKind } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { DocPage } from '../docs/site.ts';
import {
  DOCS_KIND,
  FIELD_BOOSTS,
  SEARCHED_FIELDS,
  STORED_FIELDS,
  entityDocument,
  fieldText,
  pageDocument,
  pageId,
  type DocSourceKey,
  type SearchDocument,
} from './documents.ts';
import { highlightFragments } from './highlight.ts';
import { normalizeTerm, tokenize } from './terms.ts';

export { DOCS_KIND } from './documents.ts';
export type { DocSourceKey } from './documents.ts';

/** Matched words of one field, as HTML excerpts (see highlightFragments: escaped by construction). */
export interface Highlight {
  field: string;
  fragments: string[];
}

/** One hit: an entity or a doc page, with what a result list shows of it. */
export interface SearchResult {
  type: 'entity' | 'doc';
  /** The entity's ref (entities only). */
  ref?: string;
  /** The catalog kind (`Component`, `API`, …), or `Docs` for a doc page. */
  kind: string;
  namespace: string;
  /** The entity's name (entities only). */
  name?: string;
  title: string;
  /** The dashboard page of the entity, or the page in the docs reader. */
  href: string;
  /** The start of the description or page text, plain text (escape it to show it). */
  snippet?: string;
  /** The entity's spec.type and spec.owner as written. */
  specType?: string;
  owner?: string;
  tags?: string[];
  /** Doc pages: the site's name and the entity it documents, if any. */
  siteName?: string;
  entityRef?: string;
  highlights: Highlight[];
  score: number;
}

export interface SearchOptions {
  /** A catalog kind (case-insensitive) or `docs`. */
  kind?: string | undefined;
  /** Most results returned (default 20); `total` and `counts` cover them all. */
  limit?: number | undefined;
}

export interface SearchAnswer {
  /** Results of the requested kind, over all of them (not only the returned ones). */
  total: number;
  /** Results per kind (`Component`, …, `Docs`) whatever kind was asked for: what filters offer. */
  counts: Record<string, number>;
  results: SearchResult[];
}

export interface SearchStats {
  entities: number;
  docPages: number;
  docSources: number;
  /** Distinct terms in the index. */
  terms: number;
  /** Replaced or removed documents still held until MiniSearch vacuums. */
  discarded: number;
}

/** Whether `kind` can filter a search: a catalog kind or `docs`, any case. */
export function isSearchKind(kind: string): boolean {
  return kind.toLowerCase() === DOCS_KIND.toLowerCase() || catalogKind(kind) !== undefined;
}

const DEFAULT_LIMIT = 20;
const SNIPPET_LENGTH = 200;

/**
 * Prefix search from three letters (shorter prefixes expand to much of the vocabulary and
 * rarely mean anything); one typo forgiven in words of four letters or more.
 */
const QUERY_OPTIONS: EngineOptions = {
  boost: FIELD_BOOSTS,
  prefix: (term) => term.length >= 3,
  fuzzy: (term) => (term.length >= 4 ? 1 : false),
  maxFuzzy: 1,
};

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
 * One full-text index over catalog entities and doc pages, kept current one change at a time:
 * the operator calls the upsert/remove methods from its informer events, and nothing is ever
 * rebuilt. Entities are keyed by ref, pages by DocSource and slug; a DocSource's pages are
 * replaced together, since a build replaces the whole site.
 */
export class SearchIndex {
  private readonly engine = new MiniSearch<SearchDocument>({
    idField: 'id',
    fields: SEARCHED_FIELDS,
    storeFields: STORED_FIELDS,
    tokenize,
    processTerm: normalizeTerm,
    stringifyField: fieldText,
  });
  /** A hash of what each document held when indexed, to skip updates that change nothing. */
  private readonly fingerprints = new Map<string, string>();
  /** The page ids of each DocSource (`namespace/name`), to replace or remove them together. */
  private readonly sources = new Map<string, Set<string>>();
  private entityCount = 0;
  private pageCount = 0;

  upsertEntity(entity: Entity): void {
    if (!this.put(entityDocument(entity))) this.entityCount++;
  }

  removeEntity(ref: string): void {
    if (!this.engine.has(ref)) return;
    this.engine.discard(ref);
    this.fingerprints.delete(ref);
    this.entityCount--;
  }

  /** Replaces every page of a DocSource with `pages` (the last good build of its site). */
  upsertDocs(source: DocSourceKey, pages: readonly DocPage[]): void {
    const key = `${source.namespace}/${source.name}`;
    const before = this.sources.get(key) ?? new Set<string>();
    const after = new Set<string>();
    for (const page of pages) {
      const document = pageDocument(source, page);
      this.put(document);
      after.add(document.id);
    }
    for (const id of before) {
      if (after.has(id)) continue;
      this.engine.discard(id);
      this.fingerprints.delete(id);
    }
    this.pageCount += after.size - before.size;
    if (after.size > 0) this.sources.set(key, after);
    else this.sources.delete(key);
  }

  removeDocs(namespace: string, name: string): void {
    this.upsertDocs({ namespace, name, siteName: '' }, []);
  }

  /** Whether a page of a DocSource is indexed (for tests and callers that need to know). */
  hasPage(namespace: string, name: string, slug: string): boolean {
    return this.engine.has(pageId({ namespace, name }, slug));
  }

  stats(): SearchStats {
    return { entities: this.entityCount, docPages: this.pageCount, docSources: this.sources.size, terms: this.engine.termCount, discarded: this.engine.dirtCount };
  }

  /**
   * Ranked results for a query: every word must match (AND) — or, when no document has them
   * all, any may (OR) — each as written, as a prefix or with one typo. An entity whose name
   * is the whole query comes first, then a title that is; the rest in score order.
   */
  search(query: string, options: SearchOptions = {}): SearchAnswer {
    const q = query.trim();
    if (!q) return { total: 0, counts: {}, results: [] };
    let hits = this.engine.search(q, { ...QUERY_OPTIONS, combineWith: 'AND' });
    if (hits.length === 0) hits = this.engine.search(q, { ...QUERY_OPTIONS, combineWith: 'OR' });

    const counts: Record<string, number> = {};
    for (const hit of hits) counts[hit.kind as string] = (counts[hit.kind as string] ?? 0) + 1;
    const kind = options.kind?.toLowerCase();
    const matching = kind ? hits.filter((hit) => (hit.kind as string).toLowerCase() === kind) : hits;

    const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT);
    return { total: matching.length, counts, results: exactFirst(matching, q.toLowerCase()).slice(0, limit).map(toResult) };
  }

  /** Adds or replaces a document; true when it was already there. */
  private put(document: SearchDocument): boolean {
    const existed = this.engine.has(document.id);
    // Most entity updates are status writes that change nothing searched. Replacing anyway
    // would leave a discarded copy in the index until MiniSearch vacuums: at 10,000 entities
    // that doubled the index during a cold start (operator RSS over its 400 MiB target).
    const print = createHash('sha1').update(JSON.stringify(document)).digest('base64').slice(0, 16);
    if (existed && this.fingerprints.get(document.id) === print) return true;
    this.fingerprints.set(document.id, print);
    if (existed) this.engine.replace(document);
    else this.engine.add(document);
    return existed;
  }
}

/**
 * Entities named exactly as the query, then documents titled so, then the rest. Hits arrive
 * in score order and keep it within each tier; one pass, since broad queries hit thousands.
 */
function exactFirst(hits: EngineResult[], wanted: string): EngineResult[] {
  const named: EngineResult[] = [];
  const titled: EngineResult[] = [];
  const rest: EngineResult[] = [];
  for (const hit of hits) {
    const name = hit.name as string | undefined;
    const title = hit.title as string | undefined;
    if (hit.result === 'entity' && name?.length === wanted.length && name.toLowerCase() === wanted) named.push(hit);
    else if (title?.length === wanted.length && title.toLowerCase() === wanted) titled.push(hit);
    else rest.push(hit);
  }
  return named.length + titled.length === 0 ? hits : [...named, ...titled, ...rest];
}

function toResult(hit: EngineResult): SearchResult {
  const stored = hit as unknown as SearchDocument & EngineResult;
  const snippetSource = stored.result === 'entity' ? stored.description : stored.text;
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
    // An untitled entity's title is its name: one excerpt of it is enough.
    if (field === 'title' && hit.result === 'entity' && hit.title === hit.name) continue;
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
