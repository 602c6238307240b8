import type { ReadBudget, SkeletonFiles } from '../file-tree/skeleton.ts';

/**
 * How big a docs build may get. A DocSource's author decides what its repository holds, and
 * rendering Markdown takes tens of times its size in memory (7.6 MB of Markdown took 283 MB),
 * so every dimension is bounded before it is built, stored in ConfigMaps and held by every
 * replica. The defaults fit the chart's 512 Mi pod with two builds at once.
 */
export interface DocsLimits {
  /** Bytes of all files fetched from the source (Markdown, assets, mkdocs.yml). */
  maxFetchBytes: number;
  /** Files fetched from the source. */
  maxFiles: number;
  /** Markdown pages built. */
  maxPages: number;
  /** Bytes of one Markdown page's source. */
  maxPageBytes: number;
  /** Bytes of all assets (images, PDFs…) the pages use. */
  maxAssetBytes: number;
  /** Bytes of the built site as stored (JSON, before compression): what every replica holds. */
  maxSiteBytes: number;
  /** Heap of the child process that builds (its --max-old-space-size), in MiB. */
  buildMemoryMb: number;
}

export const DEFAULT_DOCS_LIMITS: Readonly<DocsLimits> = {
  maxFetchBytes: 8 * 1024 * 1024,
  maxFiles: 2_000,
  maxPages: 500,
  maxPageBytes: 256 * 1024,
  maxAssetBytes: 8 * 1024 * 1024,
  maxSiteBytes: 16 * 1024 * 1024,
  buildMemoryMb: 64,
};

/** The operator flag that sets each limit, so a failed build says what to raise. */
export const LIMIT_FLAGS: Readonly<Record<keyof DocsLimits, string>> = {
  maxFetchBytes: '--docs-max-fetch-bytes',
  maxFiles: '--docs-max-files',
  maxPages: '--docs-max-pages',
  maxPageBytes: '--docs-max-page-bytes',
  maxAssetBytes: '--docs-max-asset-bytes',
  maxSiteBytes: '--docs-max-site-bytes',
  buildMemoryMb: '--docs-build-memory-mb',
};

/** A build that went past one of its limits: the DocSource's author must shrink the docs, or the admin raise the flag. */
export class LimitExceededError extends Error {
  readonly limit: keyof DocsLimits;

  constructor(limit: keyof DocsLimits, message: string) {
    super(message);
    this.name = 'LimitExceededError';
    this.limit = limit;
  }
}

/** `what` (e.g. "the source holds 3000 files, which") went past `limit`'s `value`: the error saying so, naming the flag. */
export const limitExceeded = (limit: keyof DocsLimits, what: string, value: number): LimitExceededError =>
  new LimitExceededError(limit, `${what} exceeds the limit of ${value} (${LIMIT_FLAGS[limit]})`);

const sizeOf = (content: string | Buffer): number => (typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length);

/** Throws when the fetched files are too many or too big, before anything is built from them. */
export function checkFetched(files: SkeletonFiles, limits: DocsLimits): void {
  if (files.size > limits.maxFiles) throw limitExceeded('maxFiles', `the source holds ${files.size} files, which`, limits.maxFiles);
  let bytes = 0;
  for (const content of files.values()) bytes += sizeOf(content);
  if (bytes > limits.maxFetchBytes) throw limitExceeded('maxFetchBytes', `the source holds ${bytes} bytes, which`, limits.maxFetchBytes);
}

/**
 * The same file and byte limits, counted while a checkout is read: the read stops at the
 * first file past either, so a huge repository never enters the operator's memory.
 */
export function fetchBudget(limits: DocsLimits): ReadBudget {
  let files = 0;
  let bytes = 0;
  return (path, size) => {
    files += 1;
    bytes += size;
    if (files > limits.maxFiles)
      throw limitExceeded(
        'maxFiles',
        `the source holds more than ${limits.maxFiles} files (${path} is one too many), which`,
        limits.maxFiles,
      );
    if (bytes > limits.maxFetchBytes)
      throw limitExceeded('maxFetchBytes', `the source reaches ${bytes} bytes at ${path}, which`, limits.maxFetchBytes);
  };
}

/** Throws when a page's Markdown is too big to render. */
export function checkPage(path: string, content: string | Buffer, limits: DocsLimits): void {
  const bytes = sizeOf(content);
  if (bytes > limits.maxPageBytes) throw limitExceeded('maxPageBytes', `page ${path} has ${bytes} bytes, which`, limits.maxPageBytes);
}
