import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitCatalog } from '../../api/v1alpha1/catalog-source.ts';
import { confinedFiles, nothingSpent, type ReadLimits } from '../../convert/confined-files.ts';
import { convertCatalog } from '../../convert/convert-catalog.ts';
import { readSources } from '../../convert/read-sources.ts';
import { PathRefused, ReadingStopped, type SourceFiles } from '../../convert/source-files.ts';
import { boundedCheckout } from '../../git/bounded-checkout.ts';
import { redactUrl, type GitCredentials } from '../../git/git-cli.ts';
import { remoteCommit, type RemoteAccess } from '../../git/remote-commit.ts';
import type { CatalogProvider, SourceProblem } from '../provider.ts';
import { editUrl } from '../../shared/edit-url.ts';
import { checkoutLimits, followUrlTargets, type FollowedRead } from './follow-locations.ts';
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
 * converted as `greenroom convert` converts them. Locations' URL targets on allowed hosts
 * are followed into their repositories (follow-locations.ts), within the same budget; the
 * revision then names their commits too (`<commit>+<digest>`), and since one ls-remote of the
 * source's repository cannot see them move, such a source is read in full at every check.
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
      const scratch = await mkdtemp(join(access.scratchDir ?? tmpdir(), 'greenroom-catalog-'));
      try {
        const dir = join(scratch, 'source');
        await mkdir(dir);
        const { commit, withheld } = await boundedCheckout(dir, spec.url, ref, remote(signal), checkoutLimits(access.limits));
        const spent = nothingSpent();
        const files = confinedFiles(dir, access.limits, signal, { spent, withheld });
        const found: SourceProblem[] = [];
        const paths = await catalogFiles(files, spec.paths ?? DEFAULT_CATALOG_PATHS, found, where);
        const read = await readSources(paths, files, { followsUrls: true });
        signal.throwIfAborted();
        if (read.stopped) throw stopped(where, read.stopped);
        const edit = (path: string) => editUrl(spec.url, ref, path);
        const followed = await followUrlTargets(read.urlTargets, {
          policy: { sourceUrl: spec.url, credentials: access.credentials, allowHttp: access.allowHttp },
          limits: access.limits,
          spent,
          timeoutMs: access.timeoutMs,
          signal,
          scratchDir: scratch,
          own: { repository: spec.url, ref, checkout: { files, label: (path) => path, edit }, read: paths },
        }).catch((error: unknown) => {
          if (error instanceof ReadingStopped) throw stopped(where, error.message);
          throw error;
        });
        signal.throwIfAborted();
        const documents = [...read.documents, ...followed.documents];
        const all = { documents, problems: [...read.problems, ...followed.problems] };
        const editAt = (location: string) => (followed.edits.has(location) ? followed.edits.get(location) : edit(location));
        return catalogSnapshot(revisionOf(commit, followed), all, convertCatalog(documents), editAt, found);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** The source's commit, with a digest of the followed repositories' commits when there are any: a change in one is a new revision. */
function revisionOf(commit: string, followed: FollowedRead): string {
  if (followed.commits.length === 0) return commit;
  return `${commit}+${createHash('sha256').update(followed.commits.join('\n')).digest('hex').slice(0, 16)}`;
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
