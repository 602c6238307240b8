import { posix } from 'node:path';
import { parseDocument } from 'yaml';
import { confinedPath } from '../file-tree/paths.ts';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import type { EditSettings } from './edit-links.ts';

/** One entry of the nav as written (or derived): a page by path, an external link, or a section. */
export interface NavEntry {
  /** Absent for a bare `page.md`: the page's own title is used. */
  title?: string;
  /** Path inside docs_dir. */
  path?: string;
  /** An absolute http(s) URL. */
  url?: string;
  /** monorepo's `!include path/mkdocs.yml`: another site, from the repository root, built as a section of this one. */
  include?: string;
  children?: NavEntry[];
}

/** What the build takes from mkdocs.yml, or the defaults a plain directory of Markdown gets. */
export interface DocsConfig {
  siteName?: string;
  /** Path inside the repository, without trailing slash; `` for the root. */
  docsDir: string;
  /** Absent when there is no mkdocs.yml or it has no nav: the nav then follows the directories. */
  nav?: NavEntry[];
  /** use_directory_urls (default true): `a/b.md` is served at `a/b/`, which raw HTML's relative URLs start from. */
  useDirectoryUrls: boolean;
  /** pymdownx.snippets' base_path, from the repository root (default: the root, where MkDocs runs). */
  snippetBasePaths: string[];
  /** pymdownx.highlight's `linenums`: techdocs-core turns it on; `pymdownx.highlight: {linenums: false}` turns it off. */
  lineNumbers: boolean;
  /** Plugins Greenroom does by behaviour, by name, with their settings (`{}` when none are given). */
  plugins: Map<string, Record<string, unknown>>;
  /** repo_url and edit_uri, for the pages' edit links (edit-links.ts). */
  edit: EditSettings;
  /** Problems with mkdocs.yml that did not stop the build. */
  warnings: string[];
}

/** The names MkDocs reads its configuration from, at the repository root. */
export const CONFIG_FILES = ['mkdocs.yml', 'mkdocs.yaml'];

/** Plugins whose behaviour Greenroom has: everything else is named in a warning once. */
export const SUPPORTED_PLUGINS = new Set([
  'search',
  'techdocs-core',
  'literate-nav',
  'monorepo',
  'awesome-pages',
  'redirects',
  'section-index',
  'exclude-search',
  'gh-admonitions',
]);

/** Markdown extensions every page gets (techdocs-core's set, and those it contains). */
export const SUPPORTED_EXTENSIONS = new Set([
  'abbr',
  'admonition',
  'attr_list',
  'def_list',
  'extra',
  'fenced_code',
  'footnotes',
  'md_in_html',
  'meta',
  'tables',
  'toc',
  'codehilite',
  'sane_lists',
  'smarty',
  'mdx_truly_sane_lists',
  'pymdownx.caret',
  'pymdownx.critic',
  'pymdownx.details',
  'pymdownx.emoji',
  'pymdownx.extra',
  'pymdownx.highlight',
  'pymdownx.inlinehilite',
  'pymdownx.magiclink',
  'pymdownx.mark',
  'pymdownx.smartsymbols',
  'pymdownx.snippets',
  'pymdownx.superfences',
  'pymdownx.tabbed',
  'pymdownx.tasklist',
  'pymdownx.tilde',
  'pymdownx.betterem',
]);

/** Extensions techdocs-core turns on that draw with a program Greenroom does not run. */
const DRAWN_ELSEWHERE: Record<string, string> = {
  markdown_inline_graphviz: 'needs Graphviz; its blocks are shown as written',
  plantuml_markdown: 'needs a PlantUML server; its blocks are shown as written',
};

/** Why a plugin Greenroom does not run is missing, for the ones TechDocs sites use most. */
const WHY_NOT: Record<string, string> = {
  mkdocstrings: 'it runs Python to document code',
  macros: 'it runs Python templates',
  'git-revision-date-localized': 'it reads git history',
  'git-revision-date': 'it reads git history',
  'gen-files': 'it runs Python scripts',
  kroki: 'it calls a diagram server',
};

const EXTERNAL = /^https?:\/\//i;

/** Markdown sources, as MkDocs counts them. */
export const isMarkdown = (path: string): boolean => /\.(md|markdown)$/i.test(path);

/** `index.md` or `README.md` (any case), which serves its directory. */
export const isIndexPage = (path: string): boolean => /(^|\/)(index|readme)\.(md|markdown)$/i.test(path);

/** `guides/setup.md` → `guides/setup`; an index (or README) serves its directory: `guides/index.md` → `guides`. */
export function slugOf(path: string): string {
  const withoutExt = path.replace(/\.(md|markdown)$/i, '');
  const name = posix.basename(withoutExt).toLowerCase();
  if (name !== 'index' && name !== 'readme') return withoutExt;
  const dir = posix.dirname(withoutExt);
  return dir === '.' ? '' : dir;
}

/** A directory inside the repository, or an Error a DocSource's author can act on. */
function docsDirOf(value: unknown): string {
  if (value === undefined || value === null) return 'docs';
  if (typeof value !== 'string') throw new Error('mkdocs.yml: docs_dir must be a string');
  const dir = confinedPath(value.trim() || '.');
  if (dir === undefined) throw new Error(`mkdocs.yml: docs_dir ${value} must be inside the repository`);
  return dir;
}

/**
 * MkDocs nav: `- page.md`, `- Title: page.md`, `- Title: https://…`, `- Section: [ … ]`.
 * Anything else is reported, not fatal: a half-right nav still gives a usable site.
 */
export function navEntries(value: unknown, warnings: string[]): NavEntry[] {
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
    const include = typeof target === 'string' ? /^!include\s+(.+)$/.exec(target.trim())?.[1] : undefined;
    if (include) entries.push({ title, include: include.trim() });
    else if (typeof target === 'string') entries.push(EXTERNAL.test(target) ? { title, url: target } : { title, path: target });
    else if (Array.isArray(target)) entries.push({ title, children: navEntries(target, warnings) });
    else warnings.push(`mkdocs.yml: nav entry "${title}" names neither a page nor a list`);
  }
  return entries;
}

/** `- name` or `- name: {settings}`, as plugins and markdown_extensions are listed (a mapping works too). */
function namedEntries(value: unknown): [string, Record<string, unknown>][] {
  const settings = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value).map(([k, v]) => [k, settings(v)]);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): [string, Record<string, unknown>][] => {
    if (typeof item === 'string') return [[item, {}]];
    const pairs = item && typeof item === 'object' ? Object.entries(item as Record<string, unknown>) : [];
    return pairs.map(([k, v]) => [k, settings(v)]);
  });
}

/** Plugins by behaviour; the rest named once each. `plugins:` absent means MkDocs' default, search. */
function pluginsOf(value: unknown, warnings: string[]): Map<string, Record<string, unknown>> {
  const plugins = new Map<string, Record<string, unknown>>();
  for (const [raw, settings] of value === undefined || value === null ? [['search', {}] as const] : namedEntries(value)) {
    // Plugins may be written with their package's prefix (`mkdocs-redirects`) or a namespace (`material/search`).
    const name = raw.replace(/^mkdocs-|-plugin$/g, '').replace(/^material\//, '');
    if (SUPPORTED_PLUGINS.has(name)) plugins.set(name, settings);
    else
      warnings.push(
        `mkdocs.yml: the plugin ${raw} is not run by Greenroom${WHY_NOT[name] ? ` (${WHY_NOT[name]})` : ''}; pages are built without it`,
      );
  }
  return plugins;
}

/** Extensions outside the supported set are named once; snippets' base_path and highlight's linenums are kept. */
function extensionsOf(value: unknown, warnings: string[]): { snippetBasePaths: string[]; lineNumbers: boolean } {
  let snippetBasePaths = ['.'];
  let lineNumbers = true;
  for (const [name, settings] of namedEntries(value)) {
    if (name === 'pymdownx.highlight' && typeof settings.linenums === 'boolean') lineNumbers = settings.linenums;
    if (name === 'pymdownx.snippets' && settings.base_path !== undefined) {
      const paths = (Array.isArray(settings.base_path) ? settings.base_path : [settings.base_path]).filter((p) => typeof p === 'string');
      snippetBasePaths = paths.length ? (paths as string[]) : snippetBasePaths;
    }
    if (DRAWN_ELSEWHERE[name]) warnings.push(`mkdocs.yml: the Markdown extension ${name} ${DRAWN_ELSEWHERE[name]}`);
    else if (!SUPPORTED_EXTENSIONS.has(name))
      warnings.push(`mkdocs.yml: the Markdown extension ${name} is not supported; pages are built without it`);
  }
  return { snippetBasePaths, lineNumbers };
}

/**
 * Python tags MkDocs configs use: `!ENV [NAME, default]` reads as its default (there is no
 * build environment here), `!include` (monorepo) keeps its path, `!!python/name:…` its name.
 */
const CUSTOM_TAGS = [
  { tag: '!include', resolve: (value: string) => `!include ${value}` },
  { tag: '!ENV', resolve: (value: string) => value, collection: 'seq' as const },
  { tag: '!ENV', resolve: () => null },
];

/** Parses one mkdocs.yml: an Error for YAML that is not, plain values for tags it does not know. */
export function parseMkdocsYaml(text: string, configPath: string): Record<string, unknown> {
  const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: false, customTags: (tags) => [...tags, ...(CUSTOM_TAGS as never[])] });
  const [error] = doc.errors;
  if (error) throw new Error(`${configPath} is not valid YAML: ${error.message.split('\n')[0]}`);
  const config: unknown = doc.toJS({ maxAliasCount: 100 });
  return config && typeof config === 'object' ? (config as Record<string, unknown>) : {};
}

/**
 * Reads mkdocs.yml when there is one. Plugins and Markdown extensions are configured with
 * Python tags (`!!python/name:…`, `!ENV`); unknown tags only warn in `yaml`, so they are
 * read as plain values and ignored rather than failing the whole build.
 */
export function readDocsConfig(files: SkeletonFiles): DocsConfig {
  const configPath = CONFIG_FILES.find((p) => files.has(p));
  const defaults = {
    useDirectoryUrls: true,
    snippetBasePaths: ['.'],
    lineNumbers: true,
    plugins: new Map([['search', {}]]),
    edit: {},
    warnings: [],
  };
  if (!configPath) return { docsDir: hasDir(files, 'docs') ? 'docs' : '', ...defaults };
  const raw = files.get(configPath)!;
  const fields = parseMkdocsYaml(typeof raw === 'string' ? raw : raw.toString('utf8'), configPath);
  const warnings: string[] = [];
  const siteName = typeof fields.site_name === 'string' && fields.site_name.trim() ? fields.site_name.trim() : undefined;
  const nav = fields.nav === undefined || fields.nav === null ? undefined : navEntries(fields.nav, warnings);
  const plugins = pluginsOf(fields.plugins, warnings);
  const { snippetBasePaths, lineNumbers } = extensionsOf(fields.markdown_extensions, warnings);
  return {
    siteName,
    docsDir: docsDirOf(fields.docs_dir),
    nav: nav?.length ? nav : undefined,
    useDirectoryUrls: fields.use_directory_urls !== false,
    snippetBasePaths,
    lineNumbers,
    plugins,
    edit: {
      ...(typeof fields.repo_url === 'string' ? { repoUrl: fields.repo_url.trim() } : {}),
      ...(typeof fields.edit_uri === 'string' ? { editUri: fields.edit_uri.trim() } : {}),
    },
    warnings,
  };
}

const hasDir = (files: SkeletonFiles, dir: string): boolean => [...files.keys()].some((p) => p.startsWith(`${dir}/`));

/** `getting-started` → `Getting started`: how MkDocs titles a section from its directory (capitalised only when all lower case). */
export function titleFromName(name: string): string {
  const words = name
    .replace(/\.(md|markdown)$/i, '')
    .replace(/[-_]/g, ' ')
    .trim();
  if (!words) return name;
  return words === words.toLowerCase() ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}
