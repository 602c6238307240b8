import { wordsWithOffsets } from './terms.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export interface FragmentOptions {
  /** Most excerpts returned from one field. */
  maxFragments: number;
  /** Characters of context kept on each side of a matched word. */
  radius: number;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Short excerpts of `text` around the words whose terms are in `terms`, as HTML: each matched
 * word wrapped in `<mark>`, every other character escaped. The dashboard renders these
 * unescaped, so this function is the only thing standing between a description and the page;
 * it never copies a character of `text` into the output without escaping it.
 *
 * Excerpts favour distinct terms (a second term's first occurrence before a first term's
 * second) and come back in reading order; an empty array when nothing matched.
 */
export function highlightFragments(text: string, terms: ReadonlySet<string>, options: FragmentOptions): string[] {
  const marks: (Span & { term: string })[] = [];
  for (const w of wordsWithOffsets(text))
    if (w.term !== null && terms.has(w.term)) marks.push({ start: w.start, end: w.end, term: w.term });
  if (marks.length === 0) return [];
  if (text.length <= options.radius * 2 + 20) return [render(text, { start: 0, end: text.length }, marks)];

  const chosen: Span[] = [];
  const covered = (m: Span): boolean => chosen.some((c) => m.start >= c.start && m.end <= c.end);
  const seenTerms = new Set<string>();
  // First pass: one excerpt per distinct term; second pass: more occurrences while room remains.
  for (const pass of [0, 1]) {
    for (const m of marks) {
      if (chosen.length >= options.maxFragments) break;
      if (covered(m) || (pass === 0 && seenTerms.has(m.term))) continue;
      seenTerms.add(m.term);
      chosen.push(window(text, m, options.radius));
    }
  }
  return merge(chosen).map((span) => render(text, span, marks));
}

/** The span `radius` characters either side of a match, widened to whole words. */
function window(text: string, match: Span, radius: number): Span {
  let start = Math.max(0, match.start - radius);
  let end = Math.min(text.length, match.end + radius);
  // Widen by at most a word's length: a long unbroken token must not swallow the excerpt.
  for (let n = 0; n < 20 && start > 0 && /\S/.test(text[start - 1]!); n++) start--;
  for (let n = 0; n < 20 && end < text.length && /\S/.test(text[end]!); n++) end++;
  return { start, end };
}

function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** One excerpt as HTML, with an ellipsis where it cuts the text. */
function render(text: string, span: Span, marks: readonly Span[]): string {
  let html = span.start > 0 ? '…' : '';
  let at = span.start;
  for (const m of marks) {
    if (m.start < span.start || m.end > span.end) continue;
    html += escapeHtml(text.slice(at, m.start)) + '<mark>' + escapeHtml(text.slice(m.start, m.end)) + '</mark>';
    at = m.end;
  }
  html += escapeHtml(text.slice(at, span.end));
  return (html.trim() + (span.end < text.length ? '…' : '')).replace(/\s+/g, ' ');
}
