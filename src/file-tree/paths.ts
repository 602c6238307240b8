import { posix } from 'node:path';

/**
 * A rendered file path, made safe to join under the output directory: relative, in POSIX
 * form, and never climbing out of it. Returns an error message instead of guessing, so a
 * template that tries `../`, an absolute path or a `.git` directory fails the run naming the path.
 */
export function safeRelativePath(path: string): { path: string } | { error: string } {
  if (path.includes('\0')) return { error: `path ${JSON.stringify(path)} contains a NUL byte` };
  if (path.includes('\\')) return { error: `path ${JSON.stringify(path)} uses backslashes; write paths with /` };
  if (posix.isAbsolute(path)) return { error: `path ${JSON.stringify(path)} is absolute; paths must stay inside the output directory` };
  const normal = posix.normalize(path);
  if (normal === '.' || normal === '' || normal.endsWith('/')) return { error: `path ${JSON.stringify(path)} names no file` };
  if (normal === '..' || normal.startsWith('../')) return { error: `path ${JSON.stringify(path)} leaves the output directory` };
  // git's own directory, in any case (case-insensitive file systems, git's own checks): a
  // file there (.git/config, .git/hooks/…) is git configuration, and git would run it.
  if (normal.split('/').some((segment) => segment.toLowerCase() === '.git'))
    return { error: `path ${JSON.stringify(path)} has a .git segment; files inside .git are git's configuration, not content` };
  return { path: normal };
}

/**
 * A relative path normalised inside its root (`` for the root itself, no trailing slash),
 * or undefined when it is absolute or climbs out. What a repository's own files name — a
 * docs link, an included mkdocs.yml, a snippet — is looked up only through this.
 */
export function confinedPath(path: string): string | undefined {
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../') || posix.isAbsolute(normal)) return undefined;
  return normal === '.' ? '' : normal;
}
