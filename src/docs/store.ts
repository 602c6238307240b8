import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { z } from 'zod';
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

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** Decompressed sites larger than this are refused: a stored object is never trusted to be small. */
const MAX_DECODED_BYTES = 256 * 1024 * 1024;

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
});

/** Everything but the pages' contents, which are checked one by one. */
const siteShell = z.object({
  siteName: z.string(),
  nav: z.array(navItem),
  pages: z.array(z.unknown()).min(1),
  assets: z.record(z.string(), z.object({ contentType: z.string(), base64: z.string() })),
  warnings: z.array(z.string()),
  entityRef: z.string().optional(),
});

function shapeError(error: z.ZodError, prefix: (string | number)[] = []): Error {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].join('.');
  return new Error(`stored docs site has the wrong shape at ${path || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

/** A site as gzip'd JSON in chunks of at most `maxChunkBytes`, in order. */
export async function encodeSite(site: DocSite, maxChunkBytes = 900 * 1024): Promise<Buffer[]> {
  if (!Number.isInteger(maxChunkBytes) || maxChunkBytes < 1) throw new Error(`maxChunkBytes must be a positive integer, not ${maxChunkBytes}`);
  const packed = await gzip(Buffer.from(JSON.stringify(site), 'utf8'), { level: 9 });
  const chunks: Buffer[] = [];
  for (let at = 0; at < packed.length; at += maxChunkBytes) chunks.push(packed.subarray(at, at + maxChunkBytes));
  return chunks;
}

/** The site stored in `chunks` (in order); rejects with an Error saying why they do not hold one. */
export async function decodeSite(chunks: Buffer[]): Promise<DocSite> {
  if (chunks.length === 0) throw new Error('stored docs site has no chunks');
  let json: string;
  try {
    json = (await gunzip(Buffer.concat(chunks), { maxOutputLength: MAX_DECODED_BYTES })).toString('utf8');
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
  const pages: DocSite['pages'] = [];
  for (const [index, page] of shell.data.pages.entries()) {
    const parsed = docPage.safeParse(page);
    if (!parsed.success) throw shapeError(parsed.error, ['pages', index]);
    pages.push(parsed.data);
    await nextTurn();
  }
  return { ...shell.data, pages };
}
