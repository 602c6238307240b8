import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitCatalog } from '../../api/v1alpha1/catalog-source.ts';
import { confinedFiles, type ReadLimits } from '../../convert/confined-files.ts';
import { convertCatalog } from '../../convert/convert-catalog.ts';
import { readSources } from '../../convert/read-sources.ts';
import { PathRefused, ReadingStopped, type SourceFiles } from '../../convert/source-files.ts';
import { checkoutRef } from '../../git/fetch-git.ts';
import { redactUrl, type GitCredentials } from '../../git/git-cli.ts';
import { remoteCommit, type RemoteAccess } from '../../git/remote-commit.ts';
import type { CatalogProvider, SourceProblem } from '../provider.ts';
import { editUrl } from './edit-url.ts';
import { catalogSnapshot, patternProblem } from './snapshot.ts';

/** How the operator lets a git CatalogSource reach its repository, and what one read may cost. */
export interface GitProviderAccess {
  /** From the CatalogSource's secretRef, with the hosts its Secret allows them to go to. */
  credentials?: GitCredentials | undefined;
  /** Whether http:// repositories are allowed (--allow-http-git); https always is. */
  allowHttp: boolean;
  limits: ReadLimits;
  /** How long one git command (ls-remote, fetch, checkout) may take. */
  timeoutMs: number;
  /** Where checkouts are made (default the system's temporary directory); each is removed after its read. */
  scratchDir?: string | undefined;
}

/** A git CatalogSource that cannot be read at all: the message is for its status. */
export class GitCatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitCatalogError';
  }
}

/** The files read when a CatalogSource names none: Backstage's own convention, in any directory. */
export const DEFAULT_CATALOG_PATHS = ['**/catalog-info.yaml'];

/**
 * Catalog files in a tenant's git repository: checked with one ls-remote, read from a
 * one-commit checkout through a file system confined to it (nothing outside the checkout is
 * read, whatever its files, symlinks or Locations say; reading is bounded by `limits`), and
 * converted as `greenroom convert` converts them. Location targets that are URLs are
 * reported, not followed (following them on allowed hosts is a later step).
 */
export function gitProvider(spec: GitCatalog, access: GitProviderAccess): CatalogProvider {
  const ref = spec.ref ?? 'main';
  const where = `${redactUrl(spec.url)} at ${ref}`;
  const remote = (signal: AbortSignal): RemoteAccess => ({
    credentials: access.credentials,
    allowHttp: access.allowHttp,
    timeoutMs: access.timeoutMs,
    signal,
  });
  return {
    async currentRevision(signal) {
      const commit = await remoteCommit(spec.url, ref, remote(signal));
      if (commit === undefined) throw new GitCatalogError(`ref ${ref} was not found in ${redactUrl(spec.url)}`);
      return commit;
    },
    async read(signal) {
      signal.throwIfAborted();
      const dir = await mkdtemp(join(access.scratchDir ?? tmpdir(), 'greenroom-catalog-'));
      try {
        const revision = await checkoutRef(dir, spec.url, ref, remote(signal), access.limits.maxEntries);
        const files = confinedFiles(dir, access.limits, signal);
        const found: SourceProblem[] = [];
        const read = await readSources(await catalogFiles(files, spec.paths ?? DEFAULT_CATALOG_PATHS, found, where), files);
        signal.throwIfAborted();
        if (read.stopped) throw stopped(where, read.stopped);
        return catalogSnapshot(revision, read, convertCatalog(read.documents), (path) => editUrl(spec.url, ref, path), found);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The files the patterns match, each once, in path order; a pattern refused or matching nothing is a problem. */
async function catalogFiles(files: SourceFiles, patterns: readonly string[], problems: SourceProblem[], where: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const pattern of patterns) {
    const refused = patternProblem(pattern);
    if (refused) {
      problems.push({ location: pattern, reason: refused });
      continue;
    }
    let matches: string[];
    try {
      matches = await files.glob(pattern, '.');
    } catch (error) {
      if (error instanceof ReadingStopped) throw stopped(where, error.message);
      if (!(error instanceof PathRefused)) throw error;
      problems.push({ location: pattern, reason: `the pattern is not looked for: ${error.message}` });
      continue;
    }
    if (matches.length === 0) problems.push({ location: pattern, reason: `no file in the repository matches ${pattern}` });
    for (const match of matches) paths.add(match);
  }
  return [...paths].sort();
}

/**
 * A read cut short by a budget is refused whole: a partial snapshot would have the sync
 * delete every entity of the files not reached.
 */
const stopped = (where: string, why: string) =>
  new GitCatalogError(
    `reading ${where} stopped: ${why}; the catalog is not synced from a partial read (the operator's limits are too low for this repository, or it holds far more than catalog files)`,
  );
