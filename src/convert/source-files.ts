import { glob, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** An entry of a directory: its name, and whether it is a directory (a symlink is not one). */
export interface DirectoryEntry {
  name: string;
  directory: boolean;
}

/**
 * The file system catalog files are read through. `readSources` knows paths only as the
 * strings this gives and takes back, so one implementation can read the user's own files
 * (the CLI) and another only what lies inside one checkout (a CatalogSource's repository).
 */
export interface SourceFiles {
  /** What a path names; rejects when it cannot be read (missing, or refused). */
  kind(path: string): Promise<'file' | 'directory'>;
  /** The text of a file; rejects when it cannot be read. */
  readText(path: string): Promise<string>;
  /** A directory's entries, in no particular order. */
  list(dir: string): Promise<DirectoryEntry[]>;
  /** The paths a glob pattern matches from a directory, as paths this file system reads. */
  glob(pattern: string, dir: string): Promise<string[]>;
  /** The path a Location target or placeholder written in file `from` names. */
  resolve(from: string, target: string): string;
  /** Two paths with the same identity are one file, read once (a Location naming itself is not read again). */
  identity(path: string): Promise<string>;
  /** How many YAML aliases a document may expand (the `yaml` package's default when undefined). */
  maxAliasCount?: number;
}

/** A path the file system will not read (outside its root, a symlink leading out): the path is a problem, the rest goes on. */
export class PathRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefused';
  }
}

/** A budget of the whole read is spent (files, bytes, directory entries): nothing more is read. */
export class ReadingStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadingStopped';
  }
}

/** The local file system as the user who runs `greenroom convert` sees it: paths as they were typed, no limits. */
export function localFiles(): SourceFiles {
  return {
    kind: async (path) => ((await stat(resolve(path))).isDirectory() ? 'directory' : 'file'),
    readText: (path) => readFile(resolve(path), 'utf8'),
    list: async (dir) => (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, directory: e.isDirectory() })),
    glob: async (pattern, dir) => {
      const matches: string[] = [];
      for await (const match of glob(pattern, { cwd: dir })) matches.push(isAbsolute(match) ? match : join(dir, match));
      return matches;
    },
    resolve: (from, target) => (isAbsolute(target) ? target : join(dirname(from), target)),
    identity: async (path) => resolve(path),
  };
}
