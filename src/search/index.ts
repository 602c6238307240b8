import { createHash } from 'node:crypto';
import MiniSearch, { type SearchOptions as EngineOptions, type SearchResult as EngineResult } from 'minisearch';
import { catalogKind } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { DocPage } from '../docs/site.ts';
import type { TemplateObject } from '../api/objects.ts';
import type { DefinitionEntry } from '../api-definitions/entries.ts';
import {
  DOCS_KIND,
  OPERATION_KIND,
  TEMPLATE_KIND,
  FIELD_BOOSTS,
  SEARCHED_FIELDS,
  STORED_FIELDS,
  entityDocument,
  fieldText,
  pageDocument,
  operationDocument,
  pageId,
  templateDocument,
  templateId,
  type DocSourceKey,
  type SearchDocument,
} from './documents.ts';
import { exactFirst, toResult, type SearchResult } from './results.ts';
import { MAX_FUZZY_TERMS, normalizeTerm, queryTerms, tokenize } from './terms.ts';

export { DOCS_KIND, OPERATION_KIND, TEMPLATE_KIND } from './documents.ts';
export type { DocSourceKey } from './documents.ts';
export { MAX_FUZZY_TERMS, MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from './terms.ts';
export type { Highlight, SearchResult } from './results.ts';

export interface SearchOptions {
  /** A catalog kind (case-insensitive), `template` or `docs`. */
  kind?: string | undefined;
  /** Most results returned (default 20); `total` and `counts` cover them all. */
  limit?: number | undefined;
  /**
   * Which documents the asker may see (a signed-in person's RBAC, src/access); the rest are
   * not hits at all — not counted, not ranked, not in facets. All when absent.
   */
  visible?: ((document: SearchedObject) => boolean) | undefined;
}

/** What a visibility filter is told of a document: what it is and where it lives. */
export interface SearchedObject {
  result: 'entity' | 'template' | 'doc' | 'operation';
  /** The catalog kind of an entity; `Template`; `Docs`. */
  kind: string;
  namespace: string;
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
  templates: number;
  docPages: number;
  docSources: number;
  /** Distinct terms in the index. */
  terms: number;
  /** Replaced or removed documents still held until MiniSearch vacuums. */
  discarded: number;
}

/** Whether `kind` can filter a search: a catalog kind, `template` or `docs`, any case. */
/** What the read API and the dashboard may do with the index: ask it, never change it. */
export type SearchReader = Pick<SearchIndex, 'search'>;

export function isSearchKind(kind: string): boolean {
  const lower = kind.toLowerCase();
  return (
    lower === DOCS_KIND.toLowerCase() ||
    lower === TEMPLATE_KIND.toLowerCase() ||
    lower === OPERATION_KIND.toLowerCase() ||
    catalogKind(kind) !== undefined
  );
}

const DEFAULT_LIMIT = 20;

/**
 * Prefix search from three letters (shorter prefixes expand to much of the vocabulary and
 * rarely mean anything); one typo forgiven in words of four letters or more, among the first
 * MAX_FUZZY_TERMS words only (see terms.ts).
 */
const QUERY_OPTIONS: EngineOptions = {
  boost: FIELD_BOOSTS,
  prefix: (term) => term.length >= 3,
  fuzzy: (term, index) => (index < MAX_FUZZY_TERMS && term.length >= 4 ? 1 : false),
  maxFuzzy: 1,
};

/**
 * One full-text index over catalog entities, software templates and doc pages, kept current
 * one change at a time: the operators call the upsert/remove methods from their informer
 * events, and nothing is ever rebuilt. Entities are keyed by ref, templates by namespace and
 * name, pages by DocSource and slug; a DocSource's pages are replaced together, since a build
 * replaces the whole site.
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
  /** The entry ids of each API's definition (its ref), replaced or removed together. */
  private readonly definitions = new Map<string, Set<string>>();
  private entityCount = 0;
  private templateCount = 0;
  private pageCount = 0;

  upsertEntity(entity: Entity): void {
    if (!this.put(entityDocument(entity))) this.entityCount++;
  }

  removeEntity(ref: string): void {
    if (this.discard(ref)) this.entityCount--;
  }

  upsertTemplate(template: TemplateObject): void {
    if (!this.put(templateDocument(template))) this.templateCount++;
  }

  removeTemplate(namespace: string, name: string): void {
    if (this.discard(templateId(namespace, name))) this.templateCount--;
  }

  /** Replaces every page of a DocSource with `pages` (the last good build of its site). */
  upsertDocs(source: DocSourceKey, pages: readonly DocPage[]): void {
    const key = `${source.namespace}/${source.name}`;
    const before = this.sources.get(key) ?? new Set<string>();
    const after = new Set<string>();
    for (const page of pages) {
      // The site's own choice (front matter or exclude-search) to keep a page out of search.
      if (page.searchExcluded) continue;
      const document = pageDocument(source, page);
      this.put(document);
      after.add(document.id);
    }
    for (const id of before) if (!after.has(id)) this.discard(id);
    this.pageCount += after.size - before.size;
    if (after.size > 0) this.sources.set(key, after);
    else this.sources.delete(key);
  }

  removeDocs(namespace: string, name: string): void {
    this.upsertDocs({ namespace, name, siteName: '' }, []);
  }

  /** Replaces the entries of an API's definition (what it describes now; none once it has no description). */
  upsertDefinition(apiRef: string, namespace: string, entries: readonly DefinitionEntry[]): void {
    const before = this.definitions.get(apiRef) ?? new Set<string>();
    const after = new Set<string>();
    for (const entry of entries) {
      const document = operationDocument(apiRef, namespace, entry);
      this.put(document);
      after.add(document.id);
    }
    for (const id of before) if (!after.has(id)) this.discard(id);
    if (after.size > 0) this.definitions.set(apiRef, after);
    else this.definitions.delete(apiRef);
  }

  /** Whether a page of a DocSource is indexed (for tests and callers that need to know). */
  hasPage(namespace: string, name: string, slug: string): boolean {
    return this.engine.has(pageId({ namespace, name }, slug));
  }

  stats(): SearchStats {
    return {
      entities: this.entityCount,
      templates: this.templateCount,
      docPages: this.pageCount,
      docSources: this.sources.size,
      terms: this.engine.termCount,
      discarded: this.engine.dirtCount,
    };
  }

  /**
   * Ranked results for a query: every word must match (AND) — or, when no document has them
   * all, any may (OR) — each as written, as a prefix or with one typo. An entity whose name
   * is the whole query comes first, then a title that is; the rest in score order. Only the
   * query's first terms are searched (queryTerms), whoever calls.
   */
  search(query: string, options: SearchOptions = {}): SearchAnswer {
    const q = query.trim();
    const terms = queryTerms(q).join(' ');
    if (!terms) return { total: 0, counts: {}, results: [] };
    // Filtered inside the engine, so the OR fallback happens when no *visible* document has every word.
    const visible = options.visible;
    const filter = visible && ((hit: EngineResult): boolean => visible(hit as unknown as SearchedObject));
    const engineOptions: EngineOptions = filter ? { ...QUERY_OPTIONS, filter } : QUERY_OPTIONS;
    let hits = this.engine.search(terms, { ...engineOptions, combineWith: 'AND' });
    if (hits.length === 0) hits = this.engine.search(terms, { ...engineOptions, combineWith: 'OR' });

    const counts: Record<string, number> = {};
    for (const hit of hits) counts[hit.kind as string] = (counts[hit.kind as string] ?? 0) + 1;
    const kind = options.kind?.toLowerCase();
    const matching = kind ? hits.filter((hit) => (hit.kind as string).toLowerCase() === kind) : hits;

    const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT);
    return { total: matching.length, counts, results: exactFirst(matching, q.toLowerCase()).slice(0, limit).map(toResult) };
  }

  /** Removes a document; true when it was there. */
  private discard(id: string): boolean {
    if (!this.engine.has(id)) return false;
    this.engine.discard(id);
    this.fingerprints.delete(id);
    return true;
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
