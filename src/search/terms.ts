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
  'a an and are as at be but by for from has have how if in into is it its of on or that the their then there these this to was were will with'.split(' '),
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
