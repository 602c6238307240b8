/*
 * Glob matching for paths a site's own files name (literate-nav's `*.md`, exclude-search's
 * `drafts/*`): `*` is any run of characters within one path segment, `**` any number of
 * whole segments. Matched segment by segment in linear passes, never through a RegExp built
 * from the pattern, so no pattern (`*a*a*a*a…`) can make matching take exponential time.
 */

/** Whether one segment matches a pattern segment of literals and `*`: the classic two-pointer walk, O(n·m). */
function segmentMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether a path (`a/b/c.md`) matches a glob (`a/*` + `/c.md`, `**` + `/c.md`). */
export function globMatches(glob: string, path: string): boolean {
  const pattern = glob.split('/');
  const segments = path.split('/');
  // reachable[i]: the first i pattern segments can match the segments seen so far.
  let reachable = new Set<number>([0]);
  const closeOverDoubleStars = (set: Set<number>) => {
    for (const i of [...set].sort((a, b) => a - b)) if (pattern[i] === '**') set.add(i + 1);
    return set;
  };
  closeOverDoubleStars(reachable);
  for (const segment of segments) {
    const next = new Set<number>();
    for (const i of reachable) {
      if (i >= pattern.length) continue;
      if (pattern[i] === '**') next.add(i);
      else if (segmentMatches(pattern[i]!, segment)) next.add(i + 1);
    }
    reachable = closeOverDoubleStars(next);
    if (reachable.size === 0) return false;
  }
  return reachable.has(pattern.length);
}
