/**
 * Regular expressions from tenants (Scorecard rules' matches(), Template parameters'
 * patterns) compiled with re2js, a pure-JavaScript port of RE2: matching takes time linear
 * in the input, where JavaScript's backtracking RegExp can take exponential time on a
 * pattern like `^(a+)+$`. Synchronous, with no native build (re2) or asynchronous
 * WebAssembly start (re2-wasm), so it fits where callers must answer synchronously.
 */
import { RE2JS } from 're2js';

/** How many compiled patterns are kept: rules use literal patterns, so a few per rule. */
const PATTERN_CACHE_SIZE = 512;
const patterns = new Map<string, RE2JS>();

/** Why RE2 rejects a pattern (a backreference, lookaround, bad syntax), or undefined when it compiles. */
export function re2Error(pattern: string): string | undefined {
  try {
    compiledPattern(pattern);
    return undefined;
  } catch (error) {
    return describeRe2Error(error, pattern);
  }
}

/** RE2's message, with where in the pattern the offending part starts when RE2 names it. */
export function describeRe2Error(error: unknown, pattern: string): string {
  const { error: what, input } = error as { error?: string; input?: string | null };
  if (!what) return (error as Error).message ?? String(error);
  const at = input ? pattern.indexOf(input) : -1;
  // Shortened: the message lands in a status field of bounded length.
  const shown = (text: string) => JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
  return `RE2 cannot compile pattern ${shown(pattern)}: ${what}${input ? ` ${shown(input)}` : ''}${at >= 0 ? ` at pattern offset ${at}` : ''} (RE2 has no backreferences or lookaround)`;
}

/** A pattern compiled once and kept (the oldest is dropped past the cache size). */
export function compiledPattern(pattern: string): RE2JS {
  let re = patterns.get(pattern);
  if (re) return re;
  re = RE2JS.compile(pattern);
  if (patterns.size >= PATTERN_CACHE_SIZE) patterns.delete(patterns.keys().next().value!);
  patterns.set(pattern, re);
  return re;
}
