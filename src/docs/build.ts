import { posix } from 'node:path';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import { ASSET_TYPES } from './asset-types.ts';
import { checkPage, DEFAULT_DOCS_LIMITS, limitExceeded, type DocsLimits } from './limits.ts';
import { dirOf, type LinkContext } from './links.ts';
import { renderMarkdown, type RenderedPage } from './markdown.ts';
import { diagramPath, GENERATED_SCHEME, type DiagramSink } from './extensions/mermaid.ts';
import { CONFIG_FILES, isMarkdown, readDocsConfig, slugOf, type DocsConfig } from './mkdocs.ts';
import { editLinks, type EditSource } from './edit-links.ts';
import { includeSites } from './monorepo.ts';
import { fallbackTitle, resolveNav, type NavResolution } from './nav-resolve.ts';
import { directoryNav, type NavSources } from './nav-sources.ts';
import { redirectsOf, searchExcluded } from './plugins.ts';
import { includeSnippets, SnippetLimitError, type SnippetSource } from './extensions/snippets.ts';
import type { DocAsset, DocPage, DocSite } from './site.ts';

export interface BuildOptions {
  /** The reader's URL prefix for this site (siteBase(namespace, name)); links are rewritten under it. */
  base: string;
  /** The site's name when mkdocs.yml gives none; else the first page's title is used. */
  siteName?: string;
  /** The documented entity, kept on the site for the reader's back link. */
  entityRef?: string;
  /** Bounds on pages, page size and assets (default DEFAULT_DOCS_LIMITS). */
  limits?: DocsLimits;
  /** The DocSource's git location, for pages' edit links when mkdocs.yml names no repo_url. */
  editSource?: EditSource;
}

const extension = (path: string): string => posix.extname(path).slice(1).toLowerCase();
const asText = (content: string | Buffer): string => (typeof content === 'string' ? content : content.toString('utf8'));

/**
 * The files under docs_dir by their path inside it. Dot-files and dot-directories are not
 * part of a site; awesome-pages' `.pages` files are kept apart, as settings.
 */
function docsFiles(
  files: Iterable<[string, string | Buffer]>,
  docsDir: string,
): { docs: Map<string, string | Buffer>; settings: Map<string, string> } {
  const prefix = docsDir ? `${docsDir}/` : '';
  const docs = new Map<string, string | Buffer>();
  const settings = new Map<string, string>();
  for (const [path, content] of files) {
    if (!path.startsWith(prefix)) continue;
    const inside = path.slice(prefix.length);
    const segments = inside.split('/');
    if (segments.at(-1) === '.pages' && !segments.slice(0, -1).some((s) => s.startsWith('.'))) settings.set(inside, asText(content));
    else if (!segments.some((segment) => segment.startsWith('.'))) docs.set(inside, content);
  }
  return { docs, settings };
}

/** What the nav plugins read: the site's pages and text files, and which plugins are on. */
function navSources(
  pages: string[],
  docs: Map<string, string | Buffer>,
  settings: Map<string, string>,
  config: DocsConfig,
  warn: (message: string) => void,
): NavSources {
  const literate = config.plugins.get('literate-nav');
  const awesome = config.plugins.get('awesome-pages');
  return {
    pages,
    read: (path) => settings.get(path) ?? (docs.has(path) ? asText(docs.get(path)!) : undefined),
    literateNav: literate && {
      navFile: typeof literate.nav_file === 'string' ? literate.nav_file : 'SUMMARY.md',
      implicitIndex: literate.implicit_index === true,
    },
    // Only `.pages`: docsFiles keeps no other dot-file.
    awesomePages: awesome && { filename: '.pages', collapseSinglePages: awesome.collapse_single_pages === true },
    warn,
  };
}

/** A page with its pymdownx.snippets included; too big a result fails as the page's own size would. */
function withSnippets(
  markdown: string,
  page: string,
  files: SkeletonFiles,
  config: DocsConfig,
  limits: DocsLimits,
  warn: (message: string) => void,
): string {
  const source: SnippetSource = {
    read: (p) => {
      const content = files.get(p);
      return content === undefined ? undefined : asText(content);
    },
    basePaths: config.snippetBasePaths,
    maxBytes: limits.maxPageBytes,
    warn,
  };
  try {
    return includeSnippets(markdown, page, source);
  } catch (error) {
    if (error instanceof SnippetLimitError) throw limitExceeded('maxPageBytes', `${error.message}, which`, limits.maxPageBytes);
    throw error;
  }
}

/** The directory of a page's URL under MkDocs (see LinkContext.urlDir): its own slug with directory URLs, unless it is an index. */
function urlDirOf(path: string, slug: string, useDirectoryUrls: boolean): string {
  const fileDir = dirOf(path);
  return useDirectoryUrls && slug !== fileDir ? slug : fileDir;
}

/** Slugs of all pages; an index.md beats a README.md for the same directory, as in MkDocs. */
function slugsOf(pagePaths: readonly string[], warnings: string[]): Map<string, string> {
  const isReadme = (p: string) => /^readme\./i.test(posix.basename(p));
  const owners = new Map<string, string>();
  for (const path of [...pagePaths].sort((a, b) => Number(isReadme(a)) - Number(isReadme(b)) || a.localeCompare(b))) {
    const slug = slugOf(path);
    const owner = owners.get(slug);
    if (owner === undefined) owners.set(slug, path);
    else warnings.push(`${path} is not built: ${owner} is already served at /${slug}`);
  }
  return new Map([...owners].map(([slug, path]) => [path, slug]));
}

/**
 * Builds a docs site from a repository's files: mkdocs.yml (or the directory layout) gives
 * the nav, every Markdown page is rendered and sanitised, and the files pages use are kept
 * as assets, within options.limits. Pure: no I/O, so the build process and tests run it
 * alike; the operator runs it in a child process (build-process.ts), off its event loop.
 */
export function buildSite(files: SkeletonFiles, options: BuildOptions): DocSite {
  const config = readDocsConfig(files);
  const warnings = [...config.warnings];
  const warn = (message: string) => void warnings.push(message);
  const { docs, settings } = docsFiles(files, config.docsDir);
  // monorepo: included sites' files join the tree under their site_name (a nav without
  // `!include` comes back as it was, with no files).
  let configNav = config.nav;
  const origins = new Map<string, string>();
  if (configNav) {
    const included = includeSites(configNav, CONFIG_FILES.find((p) => files.has(p)) ?? 'mkdocs.yml', files, (p) => docs.has(p), warn);
    const merged = docsFiles(included.files, '');
    for (const [path, content] of merged.docs) docs.set(path, content);
    for (const [path, text] of merged.settings) settings.set(path, text);
    for (const [path, origin] of included.origins) origins.set(path, origin);
    configNav = included.nav;
  }
  const pagePaths = [...docs.keys()].filter(isMarkdown).sort((a, b) => a.localeCompare(b));
  if (pagePaths.length === 0) throw new Error(`no Markdown page found in ${config.docsDir ? `${config.docsDir}/` : 'the repository root'}`);
  const limits = options.limits ?? DEFAULT_DOCS_LIMITS;
  if (pagePaths.length > limits.maxPages)
    throw limitExceeded('maxPages', `the docs have ${pagePaths.length} pages, which`, limits.maxPages);
  const slugs = slugsOf(pagePaths, warnings);

  const assets: Record<string, DocAsset> = {};
  let assetBytes = 0;
  const store = (path: string, contentType: string, bytes: Buffer) => {
    assetBytes += bytes.length;
    if (assetBytes > limits.maxAssetBytes)
      throw limitExceeded('maxAssetBytes', `the assets pages use (${assetBytes} bytes so far)`, limits.maxAssetBytes);
    assets[path] = { contentType, base64: bytes.toString('base64') };
  };
  const generated = new Set<string>();
  const rendered = new Map<string, RenderedPage>();
  const prefix = config.docsDir ? `${config.docsDir}/` : '';
  for (const path of slugs.keys()) {
    const diagrams: DiagramSink = {
      page: path,
      add: (svg) => {
        const file = diagramPath(svg);
        if (!generated.has(file)) store(file, 'image/svg+xml', Buffer.from(svg, 'utf8'));
        generated.add(file);
        return `${GENERATED_SCHEME}${file}`;
      },
      warn,
    };
    const links: LinkContext = {
      base: options.base,
      from: path,
      urlDir: urlDirOf(path, slugs.get(path)!, config.useDirectoryUrls),
      pageSlug: (p) => slugs.get(p),
      isAsset: (p) => docs.has(p) && ASSET_TYPES[extension(p)] !== undefined,
      useAsset: (p) => {
        if (assets[p]) return;
        const content = docs.get(p)!;
        store(p, ASSET_TYPES[extension(p)]!, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      },
      isGenerated: (p) => generated.has(p),
      warn,
    };
    checkPage(path, docs.get(path)!, limits);
    const markdown = withSnippets(asText(docs.get(path)!), `${prefix}${path}`, files, config, limits, warn);
    rendered.set(path, renderMarkdown(markdown, links, { diagrams, lineNumbers: config.lineNumbers }));
  }

  // Titles: the nav's (first mention) beat the page's own, which beat the file name.
  const pageTitle = (path: string): string => rendered.get(path)?.title ?? fallbackTitle(path, slugs.get(path)!);
  const sources = navSources([...slugs.keys()], docs, settings, config, warn);
  const resolution: NavResolution = {
    slugs,
    pageTitle,
    navTitles: new Map(),
    order: [],
    sectionIndex: config.plugins.has('section-index'),
    sources,
    warnings,
  };
  let nav = configNav ? resolveNav(configNav, resolution) : [];
  if (resolution.order.length === 0) {
    if (configNav) warnings.push('no entry of the nav in mkdocs.yml names a page; the nav follows the directories instead');
    nav = resolveNav(directoryNav('', sources), resolution);
  }
  const { order, navTitles } = resolution;
  const titleOf = (path: string): string => navTitles.get(path) ?? pageTitle(path);

  // Pages the nav leaves out are still served (other pages may link to them), after the rest.
  const inNav = new Set(order);
  for (const path of slugs.keys()) {
    if (inNav.has(path)) continue;
    if (configNav) warnings.push(`${path} is not in the nav of mkdocs.yml; it is built but only reachable by links`);
    order.push(path);
  }

  const excluded = searchExcluded(config.plugins, warn);
  const editUrlOf = editLinks(config.edit, options.editSource);
  // literate-nav makes its nav files' pages itself, with no config, so MkDocs gives them no edit link.
  const navFile = sources.literateNav?.navFile;
  const isNavFile = (path: string) => navFile !== undefined && posix.basename(path) === navFile;
  const pages: DocPage[] = order.map((path) => {
    const page = rendered.get(path)!;
    const hidden = page.searchExclude || excluded(path);
    const editUrl = isNavFile(path)
      ? undefined
      : editUrlOf({ docsPath: path, filePath: origins.get(path) ?? `${prefix}${path}`, included: origins.has(path) });
    return {
      path,
      slug: slugs.get(path)!,
      title: titleOf(path),
      html: page.html,
      headings: page.headings,
      text: page.text,
      ...(hidden ? { searchExcluded: true } : {}),
      ...(editUrl ? { editUrl } : {}),
    };
  });
  const redirects = redirectsOf(config.plugins, slugs, warn);
  return {
    siteName: config.siteName ?? options.siteName ?? pages[0]!.title,
    nav,
    pages,
    assets,
    ...(Object.keys(redirects).length ? { redirects } : {}),
    warnings: [...new Set(warnings)],
    ...(options.entityRef ? { entityRef: options.entityRef } : {}),
  };
}
