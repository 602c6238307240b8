import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `current` with its `## heading` section replaced by `section` (which starts with that
 * heading line), or with `section` added at the end when it has none; the other sections
 * are left as they are. Pure, so each benchmark can rewrite only its own part.
 */
export function replaceSection(current: string, heading: string, section: string): string {
  const start = current.search(new RegExp(`^## ${heading}$`, 'm'));
  const next = start < 0 ? -1 : current.slice(start + 1).search(/^## /m);
  return start < 0
    ? `${current.trimEnd()}\n\n${section}`
    : `${current.slice(0, start)}${section}${next < 0 ? '' : `\n${current.slice(start + 1 + next)}`}`;
}

/** Rewrites the `## heading` section of BENCHMARKS.md (the file is made when missing). */
export function writeBenchmarksSection(heading: string, section: string): void {
  const path = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  writeFileSync(path, replaceSection(current, heading, section));
}
