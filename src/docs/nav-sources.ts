import { posix } from 'node:path';
import MarkdownIt, { type Token } from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import { confinedPath } from '../file-tree/paths.ts';
import { compiledPattern, describeRe2Error } from '../shared/re2.ts';
import { globMatches } from './glob.ts';
import { decode } from './links.ts';
import { isIndexPage, isMarkdown, titleFromName, type NavEntry } from './mkdocs.ts';

/*
 * Where a site's nav comes from besides mkdocs.yml's `nav`, by the plugins' behaviour:
 *
 * - literate-nav: a Markdown list file (nav_file, default SUMMARY.md) gives the nav of its
 *   directory — links to pages, links to directories (whose own nav file, or else their pages,
 *   give the section), plain items heading a nested list, `*` globs for the rest. A directory
 *   named in mkdocs.yml's nav is expanded the same way.
 * - awesome-pages: a `.pages` file orders and titles its directory in a nav built from the
 *   files (`title`, `nav` with `...` for the rest, or `... | glob` / `... | regex=` for part of
 *   it, `order`, `sort_type: natural`, `hide`), and sections of a single entry collapse into
 *   it (`collapse_single_pages`, `collapse`).
 *
 * Pure: everything comes in as the site's page paths and the text of its files.
 */

export interface NavSources {
  /** Every page of the site (paths inside docs_dir). */
  pages: readonly string[];
  /** A text file of the site by its path inside docs_dir, dot-files (`.pages`) included. */
  read(path: string): string | undefined;
  literateNav?: { navFile: string; implicitIndex: boolean } | undefined;
  awesomePages?: { filename: string; collapseSinglePages: boolean } | undefined;
  warn(message: string): void;
}

/** Nested directories deeper than this are not expanded: a nav file cannot make the build loop. */
const MAX_DEPTH = 16;

const byName = (a: string, b: string) => Number(isIndexPage(b)) - Number(isIndexPage(a)) || a.localeCompare(b);
const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

/** The pages and subdirectories (with pages) directly inside a directory, by name. */
function contents(dir: string, pages: readonly string[]): { files: string[]; dirs: string[] } {
  const prefix = dir ? `${dir}/` : '';
  const files: string[] = [];
  const dirs = new Set<string>();
  for (const path of pages) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) files.push(rest);
    else dirs.add(rest.slice(0, slash));
  }
  return { files: files.sort(byName), dirs: [...dirs].sort((a, b) => a.localeCompare(b)) };
}

export const isDirectory = (path: string, pages: readonly string[]): boolean => {
  const prefix = path ? `${path}/` : '';
  return pages.some((p) => p.startsWith(prefix));
};

/** awesome-pages' settings for a directory, from its `.pages` file. */
interface PagesFile {
  title?: string;
  nav?: unknown[];
  order?: 'asc' | 'desc';
  /** `natural`: `page-2` before `page-10`. */
  sortType?: 'natural';
  hide?: boolean;
  /** This section alone collapses into its single entry (or never does). */
  collapse?: boolean;
  /** The same for this section and those below it, until another `.pages` says otherwise. */
  collapseSinglePages?: boolean;
}

const booleanField = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function pagesFile(dir: string, sources: NavSources): PagesFile | undefined {
  if (!sources.awesomePages) return undefined;
  const path = join(dir, sources.awesomePages.filename);
  const text = sources.read(path);
  if (text === undefined) return undefined;
  try {
    const value: unknown = parseYaml(text, { logLevel: 'silent' });
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('it is not a mapping');
    const fields = value as Record<string, unknown>;
    const nav = Array.isArray(fields.nav) ? fields.nav : Array.isArray(fields.arrange) ? fields.arrange : undefined;
    return {
      ...(typeof fields.title === 'string' ? { title: fields.title } : {}),
      ...(nav ? { nav } : {}),
      ...(fields.order === 'desc' || fields.order === 'asc' ? { order: fields.order } : {}),
      ...(fields.sort_type === 'natural' ? { sortType: 'natural' as const } : {}),
      hide: fields.hide === true,
      collapse: booleanField(fields.collapse),
      collapseSinglePages: booleanField(fields.collapse_single_pages),
    };
  } catch (error) {
    sources.warn(`${path} is not valid: ${(error as Error).message.split('\n')[0]}; the directory keeps its default order`);
    return undefined;
  }
}

const naturalChunks = (name: string): (string | number)[] =>
  (name.toLowerCase().match(/\d+|\D+/g) ?? []).map((chunk) => (/^\d/.test(chunk) ? Number(chunk) : chunk));

/** natsort's order: runs of digits compare as numbers (`page-2` before `page-10`). */
export function naturalCompare(a: string, b: string): number {
  const [x, y] = [naturalChunks(a), naturalChunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    return String(p).localeCompare(String(q));
  }
  return x.length - y.length || a.localeCompare(b);
}

/** The names a `.pages` file puts in order: with `order` or `sort_type`, files and directories mixed by name (index first). */
function ordered(files: string[], dirs: string[], settings: PagesFile | undefined): string[] {
  const names = [...files, ...dirs];
  if (!settings?.order && !settings?.sortType) return names;
  const compare = settings.sortType === 'natural' ? naturalCompare : (a: string, b: string) => a.localeCompare(b);
  const sorted = names.filter((n) => !isIndexPage(n)).sort(compare);
  return [...names.filter((n) => isIndexPage(n)), ...(settings.order === 'desc' ? sorted.reverse() : sorted)];
}

const REST = /^\.{3}\s*(?:\|\s*(?:(regex|glob)=)?(.*))?$/;

/** `...`, `... | glob`, `... | glob=…` or `... | regex=…`: an entry standing for names the list does not mention. */
const isRest = (item: unknown): item is string => typeof item === 'string' && REST.test(item.trim());

/** Which names a rest entry takes: all (undefined) or those its pattern matches; throws for a pattern RE2 refuses. */
function restFilter(item: string): ((name: string) => boolean) | undefined {
  const [, kind, pattern] = REST.exec(item.trim())!;
  if (pattern === undefined || pattern === '') return undefined;
  if (kind === 'regex') {
    // A tenant's pattern: RE2, linear in the name, never JavaScript's backtracking RegExp.
    const re = compiledPattern(pattern);
    return (name) => re.test(name);
  }
  return (name) => globMatches(pattern, name);
}

/**
 * The names each rest entry of a `.pages` nav stands for: filtered entries take their matches
 * first, in the list's order, then a plain `...` takes what is left — each in the default order.
 * An entry whose regex RE2 refuses is named to `warn` and takes nothing.
 */
function restOf(nav: unknown[], names: string[], warn: (message: string) => void): Map<string, string[]> {
  const mentioned = new Set(
    nav.flatMap((item) => (typeof item === 'string' ? [item] : Object.values(item ?? {}).filter((v) => typeof v === 'string'))),
  );
  const rests = new Map<string, string[]>();
  const filters: [string, (name: string) => boolean][] = [];
  let catchAll: string | undefined;
  for (const item of nav.filter(isRest)) {
    let filter: ReturnType<typeof restFilter>;
    try {
      filter = restFilter(item);
    } catch (error) {
      warn(`${describeRe2Error(error, item)}; the entry is left out`);
      continue;
    }
    rests.set(item, []);
    if (filter) filters.push([item, filter]);
    else catchAll ??= item;
  }
  for (const name of names) {
    if (mentioned.has(name)) continue;
    const taker = filters.find(([, matches]) => matches(name))?.[0] ?? catchAll;
    if (taker !== undefined) rests.get(taker)!.push(name);
  }
  return rests;
}

/** A section of a single entry, collapsed into it as awesome-pages does when asked. */
function collapsed(entry: NavEntry & { children: NavEntry[] }, collapse: boolean): NavEntry {
  return collapse && entry.children.length === 1 ? entry.children[0]! : entry;
}

/** The nav of a directory from its files: index first, pages by name, then subdirectories as sections; `.pages` applied. */
export function treeNav(
  dir: string,
  sources: NavSources,
  depth = 0,
  collapseRecursive = sources.awesomePages?.collapseSinglePages ?? false,
): NavEntry[] {
  const { files, dirs } = contents(dir, sources.pages);
  const settings = pagesFile(dir, sources);
  const pagesPath = () => join(dir, sources.awesomePages!.filename);
  // A section's title: its `.pages` title, else the one the parent's nav gives it, else its name.
  const section = (name: string, navTitle?: string): NavEntry | undefined => {
    const sub = join(dir, name);
    const subSettings = pagesFile(sub, sources);
    if (subSettings?.hide || depth >= MAX_DEPTH) return undefined;
    const recursive = subSettings?.collapseSinglePages ?? collapseRecursive;
    const children = treeNav(sub, sources, depth + 1, recursive);
    // A section left with nothing to show (its pages hidden below it) is left out, as the plugin does.
    if (children.length === 0) return undefined;
    return collapsed({ title: subSettings?.title ?? navTitle ?? titleFromName(name), children }, subSettings?.collapse ?? recursive);
  };
  const entryFor = (name: string): NavEntry | undefined => (files.includes(name) ? { path: join(dir, name) } : section(name));
  const present = (entries: (NavEntry | undefined)[]): NavEntry[] => entries.filter((e): e is NavEntry => e !== undefined);
  const names = ordered(files, dirs, settings);
  if (!settings?.nav) return present(names.map(entryFor));

  const rests = restOf(settings.nav, names, (message) => sources.warn(`${pagesPath()}: ${message}`));

  const entries: NavEntry[] = [];
  for (const item of settings.nav) {
    if (isRest(item)) {
      // A rest entry written twice stands for its names once.
      entries.push(...present((rests.get(item) ?? []).map(entryFor)));
      rests.delete(item);
      continue;
    }
    const [title, target] = typeof item === 'string' ? [undefined, item] : (Object.entries(item ?? {})[0] ?? []);
    if (typeof target !== 'string') continue;
    if (/^https?:\/\//i.test(target)) entries.push({ title: title ?? target, url: target });
    else if (files.includes(target)) entries.push({ path: join(dir, target), ...(title ? { title } : {}) });
    else if (dirs.includes(target)) entries.push(...present([section(target, title)]));
    else sources.warn(`${pagesPath()} names ${target}, which is not a page or directory of ${dir || 'docs_dir'}`);
  }
  return entries;
}

const markdown = new MarkdownIt('commonmark');

/** The text of an inline token's children between two indices (a link's title). */
const textOf = (tokens: Token[]): string =>
  tokens
    .filter((t) => t.type === 'text' || t.type === 'code_inline')
    .map((t) => t.content)
    .join('')
    .trim();

/** A list item of a nav file: its inline content and nested list, as a nav entry (or a glob to expand). */
interface ListedItem {
  inline?: Token;
  children: ListedItem[];
}

function listItems(tokens: Token[], start: number): { items: ListedItem[]; end: number } {
  const items: ListedItem[] = [];
  let i = start + 1;
  while (i < tokens.length && !tokens[i]!.type.endsWith('_list_close')) {
    if (tokens[i]!.type !== 'list_item_open') {
      i++;
      continue;
    }
    const item: ListedItem = { children: [] };
    i++;
    while (i < tokens.length && tokens[i]!.type !== 'list_item_close') {
      const token = tokens[i]!;
      if (token.type === 'inline' && !item.inline) item.inline = token;
      if (token.type.endsWith('_list_open')) {
        const nested = listItems(tokens, i);
        item.children.push(...nested.items);
        i = nested.end;
      }
      i++;
    }
    items.push(item);
    i++;
  }
  return { items, end: i };
}

/** Expands one directory the literate-nav way: its nav file if it has one, else its pages. */
export function directoryNav(dir: string, sources: NavSources, depth = 0): NavEntry[] {
  const navFile = sources.literateNav ? join(dir, sources.literateNav.navFile) : undefined;
  const text = navFile ? sources.read(navFile) : undefined;
  if (text === undefined || depth >= MAX_DEPTH) return treeNav(dir, sources, depth);
  const tokens = markdown.parse(text, {});
  const first = tokens.findIndex((t) => t.type.endsWith('_list_open'));
  if (first < 0) {
    sources.warn(`${navFile} holds no Markdown list; the nav of ${dir || 'docs_dir'} follows its files`);
    return treeNav(dir, sources, depth);
  }
  const listed = new Set<string>([navFile!]);
  const entries = listItems(tokens, first).items.flatMap((item) => navItem(item, dir, sources, depth, listed));
  // implicit_index: the directory's index page heads its section when the list leaves it out.
  const index = contents(dir, sources.pages).files.find(isIndexPage);
  if (sources.literateNav?.implicitIndex && index && !listed.has(join(dir, index))) entries.unshift({ path: join(dir, index) });
  return resolveGlobs(entries, dir, sources, listed);
}

/** A glob entry (such as `*.md`) waiting for the rest of its list to be known. */
const GLOB = Symbol('glob');
type Pending = NavEntry & { [GLOB]?: string };

function navItem(item: ListedItem, dir: string, sources: NavSources, depth: number, listed: Set<string>): Pending[] {
  const children = item.children.flatMap((child) => navItem(child, dir, sources, depth, listed));
  const inline = item.inline?.children ?? [];
  const link = inline.findIndex((t) => t.type === 'link_open');
  const close = inline.findIndex((t) => t.type === 'link_close');
  if (link < 0 || close < 0) {
    const text = textOf(inline);
    if (text.includes('*') && children.length === 0) return [{ [GLOB]: join(dir, text) }];
    return text ? [{ title: text, children }] : children;
  }
  const title = textOf(inline.slice(link + 1, close)) || undefined;
  const href = String(inline[link]!.attrGet('href') ?? '');
  if (/^https?:\/\//i.test(href)) return [{ title: title ?? href, url: href }];
  const target = confinedPath(join(dir, decode(href.split('#')[0]!)));
  if (target === undefined) {
    sources.warn(`${join(dir, sources.literateNav?.navFile ?? '')}: the nav links ${href}, which is outside docs_dir`);
    return [];
  }
  if (target.includes('*')) return [{ [GLOB]: target }];
  listed.add(target);
  if (!isMarkdown(target) && isDirectory(target, sources.pages)) {
    const section = directoryNav(target, sources, depth + 1);
    return [{ title: title ?? titleFromName(posix.basename(target)), children: [...section, ...children] }];
  }
  // A page with a nested list heads its own section (section-index makes the page the section's).
  if (children.length)
    return [
      { title: title ?? titleFromName(posix.basename(target)), children: [{ path: target, ...(title ? { title } : {}) }, ...children] },
    ];
  return [{ path: target, ...(title ? { title } : {}) }];
}

/** Replaces glob entries by the pages (or directories, for a glob ending in a slash) they match that the list does not name elsewhere. */
function resolveGlobs(entries: Pending[], dir: string, sources: NavSources, listed: Set<string>): NavEntry[] {
  const out: NavEntry[] = [];
  for (const entry of entries) {
    const glob = entry[GLOB];
    if (glob === undefined) {
      out.push(entry.children ? { ...entry, children: resolveGlobs(entry.children, dir, sources, listed) } : entry);
      continue;
    }
    const wantsDirs = glob.endsWith('/');
    const pattern = glob.replace(/\/$/, '');
    const globDir = posix.dirname(glob.replace(/\/$/, ''));
    const { files, dirs } = contents(globDir === '.' ? '' : globDir, sources.pages);
    const base = globDir === '.' ? '' : globDir;
    for (const name of wantsDirs ? dirs : files) {
      const path = join(base, name);
      if (listed.has(path) || !globMatches(pattern, path)) continue;
      listed.add(path);
      out.push(wantsDirs ? { title: titleFromName(name), children: directoryNav(path, sources) } : { path });
    }
  }
  return out;
}
