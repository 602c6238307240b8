import { posix } from 'node:path';
import { confinedPath } from '../file-tree/paths.ts';
import { GENERATED_SCHEME } from './extensions/mermaid.ts';

/** What a page's links are resolved against: the site being built, seen from one page. */
export interface LinkContext {
  /** The reader's URL prefix of the site (siteBase). */
  base: string;
  /** The linking page's path inside docs_dir. */
  from: string;
  /**
   * The directory of the page's URL under MkDocs, inside docs_dir: `guide/setup` for
   * `guide/setup.md` with use_directory_urls (served at `guide/setup/`), `guide` without it.
   * Raw HTML's relative URLs start here, as a browser resolves them. Default: the file's directory.
   */
  urlDir?: string;
  /** The slug of the page at a path inside docs_dir, if there is one. */
  pageSlug(path: string): string | undefined;
  /** Whether a file that may be served as an asset is at a path inside docs_dir. */
  isAsset(path: string): boolean;
  /** Records that the page uses an asset, so the build stores it. */
  useAsset(path: string): void;
  /** Whether the build made a file at this path (a drawn diagram), which pages refer to by GENERATED_SCHEME. */
  isGenerated?(path: string): boolean;
  warn(message: string): void;
}

/** A link or image source the reader may show, or undefined when it must go. */
export type Resolved = { href: string; external: boolean } | undefined;

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** The reader URL of a page. */
export const pageHref = (base: string, slug: string): string => (slug ? `${base}/${encodePath(slug)}` : base);

/** The reader URL of an asset. */
export const assetHref = (base: string, path: string): string => `${base}/_assets/${encodePath(path)}`;

/**
 * Browsers drop tabs and newlines anywhere in a URL and control characters or spaces at its
 * ends (`jav&#x09;ascript:` is javascript:), so URLs are judged the way browsers read them.
 */
const asBrowserReads = (url: string): string => url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');

const schemeOf = (url: string): string | undefined => /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();

/** `//host` and `/\host` leave the site, whatever they look like. */
const isSameSitePath = (url: string): boolean => /^\/(?![/\\])/.test(url);

export function decode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A relative path from a directory, inside docs_dir, or undefined when it climbs out. */
const resolvePath = (dir: string, target: string): string | undefined => confinedPath(posix.join(dir || '.', target));

/** The directory of a path inside docs_dir, `` for the root. */
export const dirOf = (path: string): string => (posix.dirname(path) === '.' ? '' : posix.dirname(path));

/**
 * Where a relative URL is looked up, in order. Markdown links name files, so MkDocs resolves
 * them from the page's file, and leaves one it cannot to the browser, which resolves it from
 * the page's URL. Raw HTML is never rewritten by MkDocs: the browser resolves it from the URL.
 * Failing that it is tried from the file, as GitHub shows the same page.
 */
export type LinkOrigin = 'markdown' | 'html';

function baseDirs(ctx: LinkContext, origin: LinkOrigin): string[] {
  const fileDir = dirOf(ctx.from);
  const urlDir = ctx.urlDir ?? fileDir;
  const dirs = origin === 'markdown' ? [fileDir, urlDir] : [urlDir, fileDir];
  return [...new Set(dirs)];
}

/**
 * The page a relative link means: `setup.md` itself, or for a directory URL (`setup/`,
 * `setup`, `../`, `setup/index.html`, `setup.html`) the page MkDocs would serve there:
 * `setup.md`, `setup/index.md`, `setup/README.md`.
 */
function pageAt(target: string, ctx: LinkContext): string | undefined {
  if (/\.(md|markdown)$/i.test(target)) return ctx.pageSlug(target);
  const path = target.replace(/(^|\/)index\.html$/i, '').replace(/\.html$/i, '');
  const dir = path ? `${path}/` : '';
  for (const candidate of path ? [`${path}.md`, `${dir}index.md`, `${dir}README.md`] : ['index.md', 'README.md']) {
    const slug = ctx.pageSlug(candidate);
    if (slug !== undefined) return slug;
  }
  return undefined;
}

/** The page or file a relative path names from the first base directory that has one. */
function locate(
  target: string,
  ctx: LinkContext,
  origin: LinkOrigin,
  acceptPage: boolean,
): { slug?: string; asset?: string; outside: boolean; tried?: string } {
  let outside = true;
  let tried: string | undefined;
  for (const dir of baseDirs(ctx, origin)) {
    const path = target === '' ? ctx.from : resolvePath(dir, target);
    if (path === undefined) continue;
    outside = false;
    tried ??= path;
    const slug = acceptPage ? pageAt(path, ctx) : undefined;
    if (slug !== undefined) return { slug, outside };
    if (ctx.isAsset(path)) return { asset: path, outside };
  }
  return { outside, tried };
}

/** A link's href as the reader serves it: pages by slug, files as assets, the web as it is. */
export function resolveHref(raw: string, ctx: LinkContext, origin: LinkOrigin = 'markdown'): Resolved {
  const url = asBrowserReads(raw);
  if (url.startsWith('#')) return { href: url, external: false };
  const scheme = schemeOf(url);
  if (scheme === 'http' || scheme === 'https') return { href: url, external: true };
  if (scheme === 'mailto') return { href: url, external: false };
  if (scheme || url.startsWith('\\') || url.startsWith('//') || url === '') return undefined;
  if (isSameSitePath(url)) return { href: url, external: false };
  if (url.startsWith('/')) return undefined;

  const [withoutFragment = '', ...rest] = url.split('#');
  const fragment = rest.length ? `#${rest.join('#')}` : '';
  const target = decode(withoutFragment.split('?')[0] ?? '');
  // `?x` or `#x` alone stays on this page.
  const found = locate(target, ctx, origin, true);
  if (found.slug !== undefined) return { href: pageHref(ctx.base, found.slug) + fragment, external: false };
  if (found.asset !== undefined) {
    ctx.useAsset(found.asset);
    return { href: assetHref(ctx.base, found.asset), external: false };
  }
  if (found.outside) ctx.warn(`${ctx.from}: the link ${raw} points outside docs_dir`);
  else ctx.warn(`${ctx.from}: the link ${raw} points to ${found.tried || 'the docs root'}, which is not a page or file of the site`);
  return undefined;
}

/** An image source: one of the site's own files, or https. Anything else is dropped. */
export function resolveSrc(raw: string, ctx: LinkContext, origin: LinkOrigin = 'markdown'): Resolved {
  const url = asBrowserReads(raw);
  if (url.startsWith(GENERATED_SCHEME)) {
    // Only a file the build itself made: a page naming the scheme reaches nothing else.
    const path = url.slice(GENERATED_SCHEME.length);
    return ctx.isGenerated?.(path) ? { href: assetHref(ctx.base, path), external: false } : undefined;
  }
  const scheme = schemeOf(url);
  if (scheme === 'https') return { href: url, external: true };
  if (scheme || url === '' || url.startsWith('/') || url.startsWith('\\')) {
    ctx.warn(`${ctx.from}: the image ${raw.slice(0, 80)} is neither a file of the site nor https`);
    return undefined;
  }
  const found = locate(decode(url.split(/[?#]/)[0] ?? ''), ctx, origin, false);
  if (found.asset === undefined) {
    if (found.outside) ctx.warn(`${ctx.from}: the image ${raw} points outside docs_dir`);
    else ctx.warn(`${ctx.from}: the image ${raw} points to ${found.tried}, which is not a file of the site that can be shown`);
    return undefined;
  }
  ctx.useAsset(found.asset);
  return { href: assetHref(ctx.base, found.asset), external: false };
}
