import { posix } from 'node:path';

/** What a page's links are resolved against: the site being built, seen from one page. */
export interface LinkContext {
  /** The reader's URL prefix of the site (siteBase). */
  base: string;
  /** The linking page's path inside docs_dir. */
  from: string;
  /** The slug of the page at a path inside docs_dir, if there is one. */
  pageSlug(path: string): string | undefined;
  /** Whether a file that may be served as an asset is at a path inside docs_dir. */
  isAsset(path: string): boolean;
  /** Records that the page uses an asset, so the build stores it. */
  useAsset(path: string): void;
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

function decode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A relative path from a page, inside docs_dir, or undefined when it climbs out. */
function resolvePath(from: string, target: string): string | undefined {
  const joined = posix.normalize(posix.join(posix.dirname(from), target)).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return undefined;
  return joined === '.' ? '' : joined;
}

/**
 * The page a relative link means: `setup.md` itself, or for a directory URL (`setup/`,
 * `setup`, `../`) the page MkDocs would serve there: `setup.md`, `setup/index.md`, `setup/README.md`.
 */
function pageAt(path: string, ctx: LinkContext): string | undefined {
  if (/\.(md|markdown)$/i.test(path)) return ctx.pageSlug(path);
  const dir = path ? `${path}/` : '';
  for (const candidate of path ? [`${path}.md`, `${dir}index.md`, `${dir}README.md`] : ['index.md', 'README.md']) {
    const slug = ctx.pageSlug(candidate);
    if (slug !== undefined) return slug;
  }
  return undefined;
}

/** A link's href as the reader serves it: pages by slug, files as assets, the web as it is. */
export function resolveHref(raw: string, ctx: LinkContext): Resolved {
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
  const path = target === '' ? ctx.from : resolvePath(ctx.from, target);
  if (path === undefined) {
    ctx.warn(`${ctx.from}: the link ${raw} points outside docs_dir`);
    return undefined;
  }
  const slug = pageAt(path, ctx);
  if (slug !== undefined) return { href: pageHref(ctx.base, slug) + fragment, external: false };
  if (ctx.isAsset(path)) {
    ctx.useAsset(path);
    return { href: assetHref(ctx.base, path), external: false };
  }
  ctx.warn(`${ctx.from}: the link ${raw} points to ${path || 'the docs root'}, which is not a page or file of the site`);
  return undefined;
}

/** An image source: one of the site's own files, or https. Anything else is dropped. */
export function resolveSrc(raw: string, ctx: LinkContext): Resolved {
  const url = asBrowserReads(raw);
  const scheme = schemeOf(url);
  if (scheme === 'https') return { href: url, external: true };
  if (scheme || url === '' || url.startsWith('/') || url.startsWith('\\')) {
    ctx.warn(`${ctx.from}: the image ${raw.slice(0, 80)} is neither a file of the site nor https`);
    return undefined;
  }
  const path = resolvePath(ctx.from, decode(url.split(/[?#]/)[0] ?? ''));
  if (path === undefined) {
    ctx.warn(`${ctx.from}: the image ${raw} points outside docs_dir`);
    return undefined;
  }
  if (!ctx.isAsset(path)) {
    ctx.warn(`${ctx.from}: the image ${raw} points to ${path}, which is not a file of the site that can be shown`);
    return undefined;
  }
  ctx.useAsset(path);
  return { href: assetHref(ctx.base, path), external: false };
}
