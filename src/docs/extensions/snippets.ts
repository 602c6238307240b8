import { posix } from 'node:path';
import { confinedPath } from '../../file-tree/paths.ts';

/*
 * pymdownx.snippets: `--8<-- "file"` lines are replaced by the file's content before the page
 * is parsed (inside code fences too — that is how code is included), as are the lines of a
 * block between two `--8<--` lines. `file:3:8` takes lines 3–8, `file:name` the lines between
 * `--8<-- [start:name]` and `--8<-- [end:name]`; `;--8<--` writes the marker itself.
 *
 * Only files of the repository are read (the fetched tree: nothing outside it exists here),
 * relative to the extension's base_path (default: the repository root, as MkDocs runs there);
 * URLs are not fetched. Nesting stops at a depth and the expanded page is bounded, so a
 * snippet that includes itself or a huge file only fails its own page.
 */

export interface SnippetSource {
  /** A text file of the repository by its path from the root, or undefined. */
  read(path: string): string | undefined;
  /** Directories (from the repository root) a snippet path is looked up in, in order. */
  basePaths: readonly string[];
  /** Bytes the expanded page may reach. */
  maxBytes: number;
  warn(message: string): void;
}

const MAX_DEPTH = 4;
const SINGLE = /^(\s*)(;?)-{1,}8<-{1,}[ \t]+(["'])([^"']+)\3[ \t]*$/;
const BLOCK = /^(\s*)(;?)-{1,}8<-{1,}[ \t]*$/;
// Anchored on the literal `-8<-`, so a long run of dashes is read once, not once per dash.
const SECTION = /-8<-+[ \t]*\[(start|end):([\w-]+)\]/;

export class SnippetLimitError extends Error {}

/** The path, and which part of it: `file`, `file:3:8`, `file:3`, `file::8` or `file:section`. */
function parseSpec(spec: string): { path: string; lines?: [number, number]; section?: string } {
  const lines = /^(.*?):(\d*)(?::(\d*))?$/.exec(spec);
  if (lines && (lines[2] || lines[3])) {
    const from = lines[2] ? Number(lines[2]) : 1;
    const to = lines[3] ? Number(lines[3]) : lines[3] === undefined ? from : Number.MAX_SAFE_INTEGER;
    return { path: lines[1]!, lines: [from, to] };
  }
  const section = /^(.*):([\w-]+)$/.exec(spec);
  if (section && !/\.[\w-]+$/.test(spec.slice(section[1]!.length))) return { path: section[1]!, section: section[2]! };
  return { path: spec };
}

function partOf(content: string, spec: ReturnType<typeof parseSpec>): string[] {
  let lines = content.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  if (spec.lines) lines = lines.slice(spec.lines[0] - 1, spec.lines[1]);
  if (spec.section) {
    const begin = lines.findIndex((l) => SECTION.exec(l)?.slice(1, 3).join(':') === `start:${spec.section}`);
    const end = lines.findIndex((l, i) => i > begin && SECTION.exec(l)?.slice(1, 3).join(':') === `end:${spec.section}`);
    lines = begin < 0 ? [] : lines.slice(begin + 1, end < 0 ? undefined : end);
  }
  // Section markers of other sections are not content.
  return lines.filter((l) => !SECTION.test(l));
}

/** Finds a snippet under the base paths; never outside the repository. */
function lookUp(source: SnippetSource, path: string): { path: string; content: string } | undefined {
  for (const base of source.basePaths) {
    const full = confinedPath(posix.join(base, path));
    if (full === undefined) continue;
    const content = source.read(full);
    if (content !== undefined) return { path: full, content };
  }
  return undefined;
}

function expand(lines: string[], page: string, source: SnippetSource, depth: number, budget: { bytes: number }): string[] {
  const out: string[] = [];
  const include = (indent: string, spec: string) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
      source.warn(`${page}: the snippet ${spec} is a URL; snippets are read only from the repository`);
      return;
    }
    const parsed = parseSpec(spec.trim());
    const found = lookUp(source, parsed.path);
    if (!found) {
      source.warn(`${page}: the snippet ${parsed.path} is not a file of the repository`);
      return;
    }
    if (depth >= MAX_DEPTH) {
      source.warn(`${page}: the snippet ${parsed.path} is nested more than ${MAX_DEPTH} deep and was not included`);
      return;
    }
    const included = expand(partOf(found.content, parsed), page, source, depth + 1, budget);
    for (const line of included) {
      budget.bytes += Buffer.byteLength(line) + indent.length + 1;
      if (budget.bytes > source.maxBytes)
        throw new SnippetLimitError(`page ${page} with its snippets included reaches ${budget.bytes} bytes`);
      out.push(line ? indent + line : line);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const single = SINGLE.exec(line);
    if (single) {
      if (single[2]) out.push(line.replace(';', ''));
      else include(single[1]!, single[4]!);
      continue;
    }
    const block = BLOCK.exec(line);
    const end = block && !block[2] ? lines.findIndex((l, j) => j > i && BLOCK.test(l)) : -1;
    if (block && block[2]) out.push(line.replace(';', ''));
    else if (block && end > 0) {
      for (const spec of lines.slice(i + 1, end)) if (spec.trim() && !spec.trim().startsWith('#')) include(block[1]!, spec.trim());
      i = end;
    } else out.push(line);
  }
  return out;
}

/** The page with its snippets included. */
export function includeSnippets(markdown: string, page: string, source: SnippetSource): string {
  if (!markdown.includes('8<')) return markdown;
  return expand(markdown.split('\n'), page, source, 0, { bytes: Buffer.byteLength(markdown) }).join('\n');
}
