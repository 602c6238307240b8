import { posix } from 'node:path';
import { parseDocument } from 'yaml';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';

/** One entry of the nav as written (or derived): a page by path, an external link, or a section. */
export interface NavEntry {
  /** Absent for a bare `page.md`: the page's own title is used. */
  title?: string;
  /** Path inside docs_dir. */
  path?: string;
  /** An absolute http(s) URL. */
  url?: string;
  children?: NavEntry[];
}

/** What the build takes from mkdocs.yml, or the defaults a plain directory of Markdown gets. */
export interface DocsConfig {
  siteName?: string;
  /** Path inside the repository, without trailing slash; `` for the root. */
  docsDir: string;
  /** Absent when there is no mkdocs.yml or it has no nav: the nav then follows the directories. */
  nav?: NavEntry[];
  /** Problems with mkdocs.yml that did not stop the build. */
  warnings: string[];
}

const CONFIG_FILES = ['mkdocs.yml', 'mkdocs.yaml'];
const EXTERNAL = /^https?:\/\//i;

/** Markdown sources, as MkDocs counts them. */
export const isMarkdown = (path: string): boolean => /\.(md|markdown)$/i.test(path);

/** A directory inside the repository, or an Error a DocSource's author can act on. */
function docsDirOf(value: unknown): string {
  if (value === undefined || value === null) return 'docs';
  if (typeof value !== 'string') throw new Error('mkdocs.yml: docs_dir must be a string');
  const dir = posix.normalize(value.trim() || '.').replace(/\/+$/, '');
  if (dir === '..' || dir.startsWith('../') || posix.isAbsolute(dir))
    throw new Error(`mkdocs.yml: docs_dir ${value} must be inside the repository`);
  return dir === '.' ? '' : dir;
}

/**
 * MkDocs nav: `- page.md`, `- Title: page.md`, `- Title: https://…`, `- Section: [ … ]`.
 * Anything else is reported, not fatal: a half-right nav still gives a usable site.
 */
function navEntries(value: unknown, warnings: string[]): NavEntry[] {
  if (!Array.isArray(value)) {
    warnings.push('mkdocs.yml: nav must be a list; the nav follows the directories instead');
    return [];
  }
  const entries: NavEntry[] = [];
  for (const item of value) {
    if (typeof item === 'string') {
      entries.push(EXTERNAL.test(item) ? { title: item, url: item } : { path: item });
      continue;
    }
    const pairs = item && typeof item === 'object' && !Array.isArray(item) ? Object.entries(item as Record<string, unknown>) : [];
    const [pair] = pairs;
    if (pairs.length !== 1 || !pair) {
      warnings.push(`mkdocs.yml: nav entry ${JSON.stringify(item)} is neither "page.md", "Title: page.md" nor "Section: [...]"`);
      continue;
    }
    const [title, target] = pair;
    if (typeof target === 'string') entries.push(EXTERNAL.test(target) ? { title, url: target } : { title, path: target });
    else if (Array.isArray(target)) entries.push({ title, children: navEntries(target, warnings) });
    else warnings.push(`mkdocs.yml: nav entry "${title}" names neither a page nor a list`);
  }
  return entries;
}

/**
 * Reads mkdocs.yml when there is one. Plugins and Markdown extensions are configured with
 * Python tags (`!!python/name:…`, `!ENV`); unknown tags only warn in `yaml`, so they are
 * read as plain values and ignored rather than failing the whole build.
 */
export function readDocsConfig(files: SkeletonFiles): DocsConfig {
  const configPath = CONFIG_FILES.find((p) => files.has(p));
  if (!configPath) return { docsDir: hasDir(files, 'docs') ? 'docs' : '', warnings: [] };
  const raw = files.get(configPath)!;
  const doc = parseDocument(typeof raw === 'string' ? raw : raw.toString('utf8'), { logLevel: 'silent', uniqueKeys: false });
  const [error] = doc.errors;
  if (error) throw new Error(`${configPath} is not valid YAML: ${error.message.split('\n')[0]}`);
  const config: unknown = doc.toJS({ maxAliasCount: 100 });
  const fields = config && typeof config === 'object' ? (config as Record<string, unknown>) : {};
  const warnings: string[] = [];
  const siteName = typeof fields.site_name === 'string' && fields.site_name.trim() ? fields.site_name.trim() : undefined;
  const nav = fields.nav === undefined || fields.nav === null ? undefined : navEntries(fields.nav, warnings);
  return { siteName, docsDir: docsDirOf(fields.docs_dir), nav: nav?.length ? nav : undefined, warnings };
}

const hasDir = (files: SkeletonFiles, dir: string): boolean => [...files.keys()].some((p) => p.startsWith(`${dir}/`));

/** `getting-started` → `Getting started`: how MkDocs titles a page or section from its name. */
export function titleFromName(name: string): string {
  const words = name
    .replace(/\.(md|markdown)$/i, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name;
}

const isIndex = (name: string): boolean => /^(index|readme)\.(md|markdown)$/i.test(name);

/**
 * The nav of a site without one: per directory its index (or README) first, then its pages
 * by name, then its subdirectories as sections named after them.
 */
export function navFromTree(pagePaths: readonly string[]): NavEntry[] {
  const files: string[] = [];
  const dirs = new Map<string, string[]>();
  for (const path of pagePaths) {
    const slash = path.indexOf('/');
    if (slash < 0) files.push(path);
    else {
      const dir = path.slice(0, slash);
      dirs.set(dir, [...(dirs.get(dir) ?? []), path.slice(slash + 1)]);
    }
  }
  const byName = (a: string, b: string) => Number(isIndex(b)) - Number(isIndex(a)) || a.localeCompare(b);
  const entries: NavEntry[] = files.sort(byName).map((path) => ({ path }));
  for (const dir of [...dirs.keys()].sort((a, b) => a.localeCompare(b))) {
    const children = navFromTree(dirs.get(dir)!).map((entry) => prefix(entry, dir));
    entries.push({ title: titleFromName(dir), children });
  }
  return entries;
}

function prefix(entry: NavEntry, dir: string): NavEntry {
  if (entry.path) return { ...entry, path: `${dir}/${entry.path}` };
  return { ...entry, children: entry.children?.map((child) => prefix(child, dir)) };
}
