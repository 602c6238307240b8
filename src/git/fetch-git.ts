import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { GitError, withGit, type GitCredentials } from './git-cli.ts';
import { remoteOptions, type RemoteAccess } from './remote-commit.ts';
import { safeRelativePath } from '../file-tree/paths.ts';
import { readSkeletonDir, SkeletonError, type ReadBudget, type SkeletonFiles } from '../file-tree/skeleton.ts';

export interface GitSkeletonSource {
  /** Checked before each file is read (see ReadBudget); none for template skeletons. */
  beforeRead?: ReadBudget | undefined;
  url: string;
  /** Branch, tag or commit SHA (default main). */
  ref?: string | undefined;
  /** Directory inside the repository (default its root). */
  path?: string | undefined;
  credentials?: GitCredentials | undefined;
  /** Whether an http:// URL is allowed (https always is). */
  allowHttp?: boolean | undefined;
  timeoutMs?: number;
}

/**
 * Reads a skeleton from a directory of a git repository at a ref. Fetches just that ref,
 * one commit deep (a SHA works when the server allows fetching it), into a scratch
 * directory that is removed afterwards. Returns the files and the commit they came from.
 */
export async function fetchGitSkeleton(source: GitSkeletonSource, scratch = tmpdir()): Promise<{ files: SkeletonFiles; commit: string }> {
  const wanted = (source.path ?? '').replace(/^\.\/?|\/+$/g, '');
  const subPath = wanted ? safeRelativePath(wanted) : { path: '' };
  if ('error' in subPath) throw new SkeletonError(`skeleton.git.path: ${subPath.error}`, { kind: 'unsafe-path', path: wanted });
  const dir = await mkdtemp(join(scratch, 'greenroom-skeleton-'));
  try {
    const commit = await checkoutRef(dir, source.url, source.ref ?? 'main', {
      credentials: source.credentials,
      allowHttp: source.allowHttp ?? false,
      timeoutMs: source.timeoutMs || undefined,
    });
    return { files: await readPath(dir, subPath.path, source), commit };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Checks out a ref of a remote, one commit deep, into `dir` (a directory the caller made
 * and removes); returns the commit. The repository's own data (GIT_DIR) is kept apart and
 * removed at once, so `dir` holds the files and nothing of git's. A SHA works when the
 * server allows fetching it. With `maxObjects`, a commit of more files and directories is
 * refused after the fetch and before anything is written to `dir`.
 */
export async function checkoutRef(dir: string, url: string, ref: string, access: RemoteAccess, maxObjects?: number): Promise<string> {
  return withGit(dir, remoteOptions(url, access), async (git) => {
    await git('init', '--quiet');
    // --end-of-options: a URL or ref starting with '-' is data, never a git option.
    await git('fetch', '--quiet', '--depth=1', '--end-of-options', url, ref);
    if (maxObjects !== undefined) {
      const objects = fetchedObjects(await git('count-objects', '-v'));
      if (objects > maxObjects)
        throw new GitError(
          `${ref} holds ${objects} files and directories, more than the ${maxObjects} a checkout may have; nothing was checked out`,
        );
    }
    await git('checkout', '--quiet', 'FETCH_HEAD');
    return git('rev-parse', 'HEAD');
  });
}

/** The objects a fetch brought, from `git count-objects -v`: loose (a small fetch is unpacked) and packed. */
export function fetchedObjects(countObjects: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(countObjects)?.[1] ?? 0);
  return field('count') + field('in-pack');
}

/**
 * The files under `path` of a checkout. A path that is (or passes through) a symlink
 * resolving outside the checkout is refused: it would read the scaffolder's or operator's
 * own files (`docs -> /`) as the skeleton.
 */
async function readPath(checkout: string, path: string, source: GitSkeletonSource): Promise<SkeletonFiles> {
  const at = source.ref ?? 'main';
  let root: string;
  try {
    root = await realpath(path ? join(checkout, path) : checkout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SkeletonError(`skeleton.git.path ${source.path} does not exist at ${at}`, { kind: 'missing-path', path });
    throw error;
  }
  const top = await realpath(checkout);
  if (root !== top && !root.startsWith(`${top}${sep}`)) {
    throw new SkeletonError(`skeleton.git.path ${source.path} is a symlink that leads outside the repository at ${at}`, {
      kind: 'unsafe-path',
      path,
      why: 'it is a symlink that leads outside the repository',
    });
  }
  let files: SkeletonFiles;
  try {
    files = await readSkeletonDir(root, source.beforeRead);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new SkeletonError(`skeleton.git.path ${source.path} does not exist at ${at}`, { kind: 'missing-path', path });
    throw error;
  }
  if (files.size === 0)
    throw new SkeletonError(`skeleton.git.path ${source.path ?? '/'} holds no files at ${at}`, { kind: 'empty-path', path });
  return files;
}

export { GitError };
