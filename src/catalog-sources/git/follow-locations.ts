import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { confinedFiles, type ReadLimits, type ReadSpent } from '../../convert/confined-files.ts';
import { isGlob } from '../../convert/locations.ts';
import type { Problem, SourceDocument } from '../../convert/model.ts';
import { readSources, type UrlTarget } from '../../convert/read-sources.ts';
import { PathRefused, ReadingStopped, type SourceFiles } from '../../convert/source-files.ts';
import { boundedCheckout, type BoundedCheckout, type CheckoutLimits } from '../../git/bounded-checkout.ts';
import { GitError, redactUrl } from '../../git/git-cli.ts';
import { editUrl } from '../../shared/edit-url.ts';
import { checkoutKey, followDecision, followedLocation, type AllowedTarget, type FollowPolicy } from './location-url.ts';

/** A checkout files are read from: the source's own, or one a URL target led to. */
export interface Checkout {
  files: SourceFiles;
  /** The origin location of a path of this checkout (the source's own: the path itself). */
  label: (path: string) => string;
  /** Where a person edits a path of this checkout, when its forge is known. */
  edit: (path: string) => string | undefined;
}

/** What following a read's URL targets needs: who may be reached, the shared budget, where to check out. */
export interface FollowContext {
  policy: FollowPolicy;
  limits: ReadLimits;
  /** The budget the source's own read spends too. */
  spent: ReadSpent;
  timeoutMs: number;
  signal: AbortSignal;
  /** A directory of the read's own, removed by the caller: each followed repository is checked out below it. */
  scratchDir: string;
  /** The source's own repository and ref (a URL naming them is read from the source's checkout), and the paths read from it already. */
  own: { repository: string; ref: string; checkout: Checkout; read: readonly string[] };
}

/** The documents and problems of every file the URL targets led to, labelled with their origin. */
export interface FollowedRead {
  documents: SourceDocument[];
  problems: Problem[];
  /** `<repository>@<ref>=<commit>` of each repository checked out, in the order they were. */
  commits: string[];
  /** The edit link of each origin location read from a followed repository. */
  edits: Map<string, string | undefined>;
}

/**
 * Follows Locations' URL targets, breadth first, to the files they name, and those files'
 * own Locations in turn (relative targets within their repository, URL targets again here).
 * A target that is not allowed (followDecision) or beyond limits.maxRepositories is a
 * problem of the Location's file; a file or repository and ref already read is not read
 * again, so Locations naming each other end. A repository that cannot be fetched rejects
 * the whole read (a GitError naming the Location): syncing without it would delete its
 * entities for as long as it is unreachable. A spent budget rejects as it does for the
 * source's own files (ReadingStopped). Each checkout writes at most limits.maxTotalBytes
 * (bounded-checkout.ts), so a read writes at most (1 + maxRepositories) times that.
 */
export async function followUrlTargets(first: readonly UrlTarget[], context: FollowContext): Promise<FollowedRead> {
  const found: FollowedRead = { documents: [], problems: [], commits: [], edits: new Map() };
  const own = context.own;
  const ownKey = checkoutKey(own);
  const checkouts = new Map<string, Checkout>([[ownKey, own.checkout]]);
  const visited = new Set(own.read.map((path) => `${ownKey}:${path}`));
  const queue = [...first];
  for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
    const where = { file: target.file, document: target.document, ...(target.line === undefined ? {} : { line: target.line }) };
    const notFollowed = (why: string) =>
      found.problems.push({ severity: 'skipped', ...where, message: `Location target ${redactUrl(target!.url)} was not followed: ${why}` });
    const decision = followDecision(target.url, context.policy);
    if ('problem' in decision) {
      notFollowed(decision.problem);
      continue;
    }
    const key = checkoutKey(decision);
    if (visited.has(`${key}:${decision.path}`)) continue;
    visited.add(`${key}:${decision.path}`);
    let checkout = checkouts.get(key);
    if (!checkout) {
      if (checkouts.size > context.limits.maxRepositories) {
        notFollowed(`a CatalogSource follows at most ${context.limits.maxRepositories} other repositories in one read`);
        continue;
      }
      checkout = await checkOut(decision, context, checkouts.size, target, found.commits);
      checkouts.set(key, checkout);
    }
    const paths = await targetPaths(checkout.files, decision.path, notFollowed);
    const read = await readSources(paths, checkout.files, { followsUrls: true });
    if (read.stopped) throw new ReadingStopped(read.stopped);
    for (const document of read.documents) {
      const file = checkout.label(document.file);
      if (checkout !== own.checkout) found.edits.set(file, checkout.edit(document.file));
      found.documents.push({ ...document, file });
    }
    found.problems.push(...read.problems.map((problem) => ({ ...problem, file: checkout.label(problem.file) })));
    queue.push(...read.urlTargets.map((next) => ({ ...next, file: checkout.label(next.file) })));
  }
  return found;
}

/** A followed repository checked out below the scratch directory; its commit is added to `commits`. */
async function checkOut(
  target: AllowedTarget,
  context: FollowContext,
  index: number,
  from: UrlTarget,
  commits: string[],
): Promise<Checkout> {
  const dir = join(context.scratchDir, `followed-${index}`);
  await mkdir(dir);
  let checkedOut: BoundedCheckout;
  try {
    const access = {
      credentials: target.credentials,
      allowHttp: context.policy.allowHttp,
      timeoutMs: context.timeoutMs,
      signal: context.signal,
    };
    checkedOut = await boundedCheckout(dir, target.repository, target.ref, access, checkoutLimits(context.limits));
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new GitError(
      `Location target ${redactUrl(from.url)} in ${from.file} could not be fetched (the catalog is not synced without it): ${error.message}`,
    );
  }
  commits.push(`${checkoutKey(target)}=${checkedOut.commit}`);
  return {
    files: confinedFiles(dir, context.limits, context.signal, { spent: context.spent, withheld: checkedOut.withheld }),
    label: (path) => followedLocation(target, path),
    edit: (path) => editUrl(target.repository, target.ref, path),
  };
}

/** What a checkout for a catalog read may write: what the read may read, and no more files than it may list. */
export const checkoutLimits = (limits: ReadLimits): CheckoutLimits => ({
  maxObjects: limits.maxEntries,
  maxFileBytes: limits.maxFileBytes,
  maxTotalBytes: limits.maxTotalBytes,
});

/** The paths a target names in its checkout: itself, or what its glob matches (none is a problem). */
async function targetPaths(files: SourceFiles, path: string, problem: (why: string) => void): Promise<string[]> {
  if (!isGlob(path)) return [path];
  try {
    const matches = await files.glob(path, '.');
    if (matches.length === 0) problem(`${path} matches no file in the repository`);
    return matches;
  } catch (error) {
    if (!(error instanceof PathRefused)) throw error;
    problem(error.message);
    return [];
  }
}
