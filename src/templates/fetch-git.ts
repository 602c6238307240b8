import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitIn, GitError, type GitCredentials } from './git-cli.ts';
import { safeRelativePath } from './paths.ts';
import { readSkeletonDir, SkeletonError, type SkeletonFiles } from './skeleton.ts';

export interface GitSkeletonSource {
  url: string;
  /** Branch, tag or commit SHA (default main). */
  ref?: string | undefined;
  /** Directory inside the repository (default its root). */
  path?: string | undefined;
  credentials?: GitCredentials | undefined;
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
    const git = gitIn(dir, { credentials: source.credentials, ...(source.timeoutMs ? { timeoutMs: source.timeoutMs } : {}) });
    await git('init', '--quiet');
    // --end-of-options: a URL or ref starting with '-' is data, never a git option.
    await git('fetch', '--quiet', '--depth=1', '--end-of-options', source.url, source.ref ?? 'main');
    await git('checkout', '--quiet', 'FETCH_HEAD');
    const commit = await git('rev-parse', 'HEAD');
    const root = subPath.path ? join(dir, subPath.path) : dir;
    let files: SkeletonFiles;
    try {
      files = await readSkeletonDir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SkeletonError(`skeleton.git.path ${source.path} does not exist at ${source.ref ?? 'main'}`, { kind: 'missing-path', path: wanted });
      throw error;
    }
    if (files.size === 0) throw new SkeletonError(`skeleton.git.path ${source.path ?? '/'} holds no files at ${source.ref ?? 'main'}`, { kind: 'empty-path', path: wanted });
    return { files, commit };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { GitError };
