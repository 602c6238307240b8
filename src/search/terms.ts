/**
 * How text becomes search terms — one definition for indexing, querying and highlighting, so
 * a highlighted word is exactly a word the index matched.
 */

/**
 * A word is a run of letters, digits and combining marks. Everything else separates words:
 * `checkout-service` is `checkout` and `service`, and `<script>` is just `script`.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Words too common to tell documents apart. Dropping them keeps doc pages' postings small
 * and stops "how to rotate the keys" from requiring "to" and "the" under AND.
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have how if in into is it its of on or that the their then there these this to was were will with'.split(
    ' ',
  ),
);

/** Splits text into words, in order, as written. */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** A word as the index keeps it (lower case), or null for a stop word. */
export function normalizeTerm(word: string): string | null {
  const term = word.toLowerCase();
  return STOP_WORDS.has(term) ? null : term;
}

/** Every word of `text` with where it starts and ends, for highlighting. */
export function* wordsWithOffsets(text: string): Generator<{ term: string | null; start: number; end: number }> {
  for (const m of text.matchAll(WORD)) yield { term: normalizeTerm(m[0]), start: m.index, end: m.index + m[0].length };
}

/**
 * Limits on one query. Each term is looked up in the index's radix tree as written, as a
 * prefix and within one typo, and the typo walk is the costly one: unbounded, a query of
 * fifty crafted words kept the (single) event loop busy for every other reader. Eight words
 * and three typo-forgiving ones cover what people type into a search box.
 */
export const MAX_QUERY_LENGTH = 256;
export const MAX_QUERY_TERMS = 8;
export const MAX_FUZZY_TERMS = 3;

/**
 * The terms a query searches, in order: the first {@link MAX_QUERY_LENGTH} characters,
 * stop words and repeats dropped, at most {@link MAX_QUERY_TERMS}.
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of tokenize(query.slice(0, MAX_QUERY_LENGTH))) {
    const term = normalizeTerm(word);
    if (term !== null) terms.add(term);
    if (terms.size === MAX_QUERY_TERMS) break;
  }
  return [...terms];
}
