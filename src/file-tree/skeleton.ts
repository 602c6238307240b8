import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { safeRelativePath } from './paths.ts';

/** A skeleton's files by relative path: text is rendered, bytes (images, archives) are copied. */
export type SkeletonFiles = Map<string, string | Buffer>;

/** What made a directory unusable, for callers that word it their own way (the docs operator). */
export interface SkeletonProblem {
  kind: 'unsafe-path' | 'missing-path' | 'empty-path' | 'symlink';
  /**
   * The offending path, relative to the repository (missing/empty/unsafe) or to the directory
   * (symlink); for a ConfigMap, the key as written.
   */
  path: string;
  /** Why an unsafe path is unsafe (absolute, climbs out, names no file…), when known. */
  why?: string;
}

/** A skeleton that cannot be used, with the offending path. */
export class SkeletonError extends Error {
  readonly problem: SkeletonProblem | undefined;

  constructor(message: string, problem?: SkeletonProblem) {
    super(message);
    this.name = 'SkeletonError';
    this.problem = problem;
  }
}

/** Text is what decodes as UTF-8 without NUL bytes; anything else is copied as it is. */
function asContent(bytes: Buffer): string | Buffer {
  if (bytes.includes(0)) return bytes;
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : bytes;
}

/**
 * Called with each file's path and size before it is read; throws to stop reading. A reader
 * that must stay within a budget (a docs build) refuses a repository before holding it in
 * memory, instead of after.
 */
export type ReadBudget = (path: string, bytes: number) => void;

/**
 * Reads a skeleton directory (a checked-out repository path). Symlinks are refused: one
 * pointing outside would let a template read or, once rendered, write anywhere. A `.git`
 * directory anywhere is refused too (git keeps its own repository outside the checkout, see
 * withGit): files there are git configuration, not skeleton.
 */
export async function readSkeletonDir(root: string, beforeRead?: ReadBudget): Promise<SkeletonFiles> {
  const files: SkeletonFiles = new Map();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of (await readdir(join(root, relative))).sort()) {
      const path = relative ? `${relative}/${entry}` : entry;
      if (entry.toLowerCase() === '.git')
        throw new SkeletonError(`skeleton path ${path} is a .git directory; files inside .git are git's configuration, not skeleton`, {
          kind: 'unsafe-path',
          path,
          why: 'it is a .git directory',
        });
      const info = await lstat(join(root, path));
      if (info.isSymbolicLink())
        throw new SkeletonError(`skeleton file ${path} is a symlink; symlinks are not allowed in a skeleton`, { kind: 'symlink', path });
      if (info.isDirectory()) await walk(path);
      else if (info.isFile()) {
        beforeRead?.(path, info.size);
        files.set(path, asContent(await readFile(join(root, path))));
      }
    }
  };
  await walk('');
  return files;
}

/**
 * ConfigMap keys cannot hold "/", so skeletons stored in one write it as "__". A key that
 * does not name a file inside the tree (`..__etc__passwd`, `__x` for an absolute path) is
 * refused here, for every reader of such a ConfigMap, before anything is rendered or built.
 */
export function skeletonFromConfigMap(data: Record<string, string>, binaryData: Record<string, string> = {}): SkeletonFiles {
  const files: SkeletonFiles = new Map();
  const pathOf = (key: string): string => {
    const path = key.replaceAll('__', '/');
    const safe = safeRelativePath(path);
    if ('error' in safe)
      throw new SkeletonError(
        `ConfigMap key ${JSON.stringify(key)} is not a file path inside the skeleton (${safe.error}); name keys like src__main.ts`,
        { kind: 'unsafe-path', path: key, why: safe.error },
      );
    return path;
  };
  for (const [key, text] of Object.entries(data)) files.set(pathOf(key), text);
  for (const [key, base64] of Object.entries(binaryData)) files.set(pathOf(key), Buffer.from(base64, 'base64'));
  return files;
}

/** Writes rendered files under `dir`, checking every path again right before the write. */
export async function writeTree(dir: string, files: ReadonlyMap<string, string | Buffer>): Promise<void> {
  for (const [path, content] of files) {
    const safe = safeRelativePath(path);
    if ('error' in safe) throw new SkeletonError(safe.error);
    const target = join(dir, ...safe.path.split(posix.sep));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, { flag: 'wx' });
  }
}
