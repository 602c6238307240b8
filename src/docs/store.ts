import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzip as gunzipCallback } from 'node:zlib';
import { z } from 'zod';
import { isAllowedAssetType } from './asset-types.ts';
import { limitExceeded } from './limits.ts';
import type { DocSite, NavItem } from './site.ts';

/*
 * A built site is kept as gzip'd JSON split over the binaryData of several ConfigMaps (each
 * object must stay under etcd's ~1 MiB limit, so chunks default to 900 KiB). Readers are
 * every replica of the dashboard: what they decode is checked before it is served.
 *
 * Both directions run beside the operator's one event loop, not on it: (de)compression on
 * libuv's threadpool, and the check of a decoded site a page at a time, so that a big site
 * never holds up the catalog's reconciles or the dashboard for long.
 */

const gunzip = promisify(gunzipCallback);

/** Decompressed sites larger than this are refused unless the caller says otherwise: a stored object is never trusted to be small. */
const MAX_DECODED_BYTES = 256 * 1024 * 1024;

const NAV_URL = /^https?:\/\/[^\s\u0000-\u001f"'<>\\]+$/i;

/** Only absolute http(s) URLs leave the reader from its nav; no other scheme (javascript:, data:) and no spaces. */
export const isNavUrl = (url: string): boolean => NAV_URL.test(url);

/**
 * The hex SHA-256 of a build's chunks in order: recorded in the DocSource's status when the
 * operator stores them (only it may write status), and compared by every reader before it
 * serves them, so ConfigMaps anyone else wrote are never served as the build.
 */
export const siteDigest = (chunks: readonly Buffer[]): string => {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
};

const navItem: z.ZodType<NavItem> = z.lazy(() =>
  z.object({
    title: z.string(),
    slug: z.string().optional(),
    url: z.string().optional(),
    children: z.array(navItem).optional(),
  }),
);

const docPage = z.object({
  path: z.string(),
  slug: z.string(),
  title: z.string(),
  html: z.string(),
  headings: z.array(z.object({ level: z.number().int().min(1).max(6), id: z.string(), text: z.string() })),
  text: z.string(),
  searchExcluded: z.boolean().optional(),
  editUrl: z.string().refine(isNavUrl, 'is not an http(s) URL').optional(),
});

const redirect = z.object({ slug: z.string().optional(), fragment: z.string().optional(), url: z.string().optional() });

/** Everything but the pages' contents, which are checked one by one. */
const siteShell = z.object({
  siteName: z.string(),
  nav: z.array(navItem),
  pages: z.array(z.unknown()).min(1),
  assets: z.record(
    z.string(),
    z.object({ contentType: z.string().refine(isAllowedAssetType, 'is not a content type a build gives assets'), base64: z.string() }),
  ),
  warnings: z.array(z.string()),
  redirects: z.record(z.string(), redirect).optional(),
  entityRef: z.string().optional(),
});

function shapeError(error: z.ZodError, prefix: (string | number)[] = []): Error {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].join('.');
  return new Error(`stored docs site has the wrong shape at ${path || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

/** Nav entries lead only to the site's own pages or out over http(s), however the stored site was made. */
function checkNav(items: NavItem[], slugs: ReadonlySet<unknown>, at = 'nav'): void {
  for (const [index, item] of items.entries()) {
    if (item.url !== undefined && !isNavUrl(item.url))
      throw new Error(`stored docs site has a nav link at ${at}.${index} that is not an http(s) URL`);
    if (item.slug !== undefined && !slugs.has(item.slug))
      throw new Error(`stored docs site has a nav entry at ${at}.${index} naming no page`);
    if (item.children) checkNav(item.children, slugs, `${at}.${index}.children`);
  }
}

/** Redirects lead only to the site's own pages or out over http(s), like the nav. */
function checkRedirects(redirects: NonNullable<DocSite['redirects']>, slugs: ReadonlySet<unknown>): void {
  for (const [from, to] of Object.entries(redirects)) {
    const fine = to.url !== undefined ? isNavUrl(to.url) && to.slug === undefined : to.slug !== undefined && slugs.has(to.slug);
    if (!fine) throw new Error(`stored docs site has a redirect from ${from} that leads to neither one of its pages nor an http(s) URL`);
  }
}

/**
 * The site's JSON — exactly JSON.stringify(site) — a piece at a time: each page and asset on
 * its own, so the build never holds the whole text at once beside the site (for a site at the
 * page limit that was several MiB of string and as much again of Buffer, the build process's
 * peak memory).
 */
function* siteJson(site: DocSite): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(site)) {
    if (value === undefined || typeof value === 'function') continue;
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key === 'pages' && Array.isArray(value)) {
      yield '[';
      for (const [i, page] of (value as unknown[]).entries()) yield `${i ? ',' : ''}${JSON.stringify(page)}`;
      yield ']';
    } else if (key === 'assets' && value && typeof value === 'object') {
      let firstAsset = true;
      for (const [path, asset] of Object.entries(value)) {
        yield `${firstAsset ? '{' : ','}${JSON.stringify(path)}:${JSON.stringify(asset)}`;
        firstAsset = false;
      }
      yield firstAsset ? '{}' : '}';
    } else yield JSON.stringify(value);
  }
  yield first ? '{}' : '}';
}

/** The site's JSON as Buffers, failing once it passes `maxSiteBytes`. */
function* boundedJson(site: DocSite, maxSiteBytes: number): Generator<Buffer> {
  let bytes = 0;
  for (const piece of siteJson(site)) {
    const data = Buffer.from(piece, 'utf8');
    bytes += data.length;
    if (bytes > maxSiteBytes) throw limitExceeded('maxSiteBytes', `the built site (${bytes} bytes so far)`, maxSiteBytes);
    yield data;
  }
}

/** A site as gzip'd JSON in chunks of at most `maxChunkBytes`, in order; a LimitExceededError (maxSiteBytes) when its JSON is longer than `maxSiteBytes`. */
export async function encodeSite(site: DocSite, maxChunkBytes = 900 * 1024, maxSiteBytes = MAX_DECODED_BYTES): Promise<Buffer[]> {
  if (!Number.isInteger(maxChunkBytes) || maxChunkBytes < 1)
    throw new Error(`maxChunkBytes must be a positive integer, not ${maxChunkBytes}`);
  const packed: Buffer[] = [];
  // Compressed on the threadpool as it is read; the pipeline waits when gzip falls behind.
  await pipeline(Readable.from(boundedJson(site, maxSiteBytes)), createGzip({ level: 9 }), async (compressed) => {
    for await (const chunk of compressed) packed.push(chunk as Buffer);
  });
  const all = Buffer.concat(packed);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += maxChunkBytes) chunks.push(all.subarray(at, at + maxChunkBytes));
  return chunks;
}

/** What a reader checks besides the shape: that the chunks are the build the operator recorded, and how big it may be. */
export interface DecodeChecks {
  /** The siteDigest the DocSource's status records; chunks hashing otherwise are refused. */
  digest?: string | undefined;
  maxSiteBytes?: number;
}

/** The site stored in `chunks` (in order); rejects with an Error saying why they do not hold one. */
export async function decodeSite(chunks: Buffer[], checks: DecodeChecks = {}): Promise<DocSite> {
  if (chunks.length === 0) throw new Error('stored docs site has no chunks');
  if (checks.digest !== undefined && siteDigest(chunks) !== checks.digest)
    throw new Error(
      'stored docs site does not match the digest its DocSource records: its ConfigMaps were not all written by the operator',
    );
  let json: string;
  try {
    json = (await gunzip(Buffer.concat(chunks), { maxOutputLength: checks.maxSiteBytes ?? MAX_DECODED_BYTES })).toString('utf8');
  } catch (error) {
    throw new Error(`stored docs site is not gzip data, or a chunk is missing or out of order: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`stored docs site is not JSON: ${(error as Error).message}`);
  }
  const shell = siteShell.safeParse(value);
  if (!shell.success) throw shapeError(shell.error);
  const slugs = new Set(shell.data.pages.map((p) => (p as { slug?: unknown }).slug));
  checkNav(shell.data.nav, slugs);
  checkRedirects(shell.data.redirects ?? {}, slugs);
  const pages: DocSite['pages'] = [];
  for (const [index, page] of shell.data.pages.entries()) {
    const parsed = docPage.safeParse(page);
    if (!parsed.success) throw shapeError(parsed.error, ['pages', index]);
    pages.push(parsed.data);
    await nextTurn();
  }
  return { ...shell.data, pages };
}
