import { open, opendir, realpath, stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { isGlob } from './locations.ts';
import { PathRefused, ReadingStopped, type DirectoryEntry, type SourceFiles } from './source-files.ts';

/** What one read of a repository may cost; beyond it, reading stops (files, bytes, entries) or the file is refused (its size). */
export interface ReadLimits {
  /** Files read, placeholders' files included. */
  maxFiles: number;
  /** Bytes of one file: a larger one is a problem, and the others are still read. */
  maxFileBytes: number;
  /** Bytes of all the files read. */
  maxTotalBytes: number;
  /** Directory entries listed by walks and globs (a repository of a million files is not listed to the end); a git checkout of more files and directories is refused before it is written. */
  maxEntries: number;
  /** Aliases a YAML document may expand (a "billion laughs" document is refused). */
  maxAliasCount: number;
  /**
   * Repositories checked out beyond the source's own, for its Locations' URL targets: each is a
   * fetch, and a Location file naming hundreds would make every sync a crawl of the forge.
   */
  maxRepositories: number;
}

/** Enough for an organisation's catalog (the benchmark's 10,000 files), far from what exhausts the operator. */
export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxFiles: 20_000,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxEntries: 200_000,
  maxAliasCount: 100,
  maxRepositories: 20,
};

/**
 * What reads have spent of their ReadLimits. One tally shared by several confined file
 * systems makes them one budget: a CatalogSource's repository and those its Locations lead to.
 */
export interface ReadSpent {
  files: number;
  bytes: number;
  entries: number;
}

/** A budget nothing has been spent of yet. */
export const nothingSpent = (): ReadSpent => ({ files: 0, bytes: 0, entries: 0 });

/** Why a root-relative path cannot be inside the root whatever the files are, or undefined. */
export function outsideReason(path: string): string | undefined {
  if (posix.isAbsolute(path)) return 'it is an absolute path; only paths inside the repository are read';
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) return 'it leads outside the repository';
  return undefined;
}

/** Directories listed at once by a glob. */
const LIST_BATCH = 32;

/**
 * A file system holding only what lies under `root` (a checkout of a tenant's repository):
 * paths are relative to the root, and one that leads outside it — `..`, absolute, or a
 * symlink whose real path is outside — is refused before anything is opened. Symlinked
 * directories are not entered by walks and globs (no loops). Every read counts against
 * `limits` (with what `shared.spent` says others have read already, when given); once a
 * budget is spent, or `signal` is aborted, every call stops reading.
 */
export function confinedFiles(root: string, limits: ReadLimits, signal?: AbortSignal, shared: ConfinedShare = {}): SourceFiles {
  return new ConfinedFiles(root, limits, signal, shared);
}

/** What a confined file system knows beyond its root. */
export interface ConfinedShare {
  /** The budget it spends, shared with others (a new one when undefined). */
  spent?: ReadSpent | undefined;
  /**
   * Files of the repository the checkout left out (too large), path → why: globs and
   * listings still see them, and reading one is refused with that reason.
   */
  withheld?: ReadonlyMap<string, string> | undefined;
}

/** Paths grouped by their directory. */
function byDirectory(paths: Iterable<string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const dir = posix.dirname(path);
    const group = groups.get(dir);
    if (group) group.push(path);
    else groups.set(dir, [path]);
  }
  return groups;
}

class ConfinedFiles implements SourceFiles {
  private top: Promise<string> | undefined;
  private readonly spent: ReadSpent;
  /** Paths found inside, each resolved once (a file is named, then checked, then read); as many as the budgets let be named. */
  private readonly realPaths = new Map<string, string>();
  readonly maxAliasCount: number;
  private readonly root: string;
  private readonly limits: ReadLimits;
  private readonly signal: AbortSignal | undefined;

  private readonly withheld: ReadonlyMap<string, string>;
  /** The withheld files by directory, made when first listed. */
  private withheldIn: Map<string, string[]> | undefined;

  constructor(root: string, limits: ReadLimits, signal: AbortSignal | undefined, shared: ConfinedShare) {
    this.root = root;
    this.spent = shared.spent ?? nothingSpent();
    this.withheld = shared.withheld ?? new Map();
    this.limits = limits;
    this.signal = signal;
    this.maxAliasCount = limits.maxAliasCount;
  }

  /** The real path of a root-relative path, once it is known to be inside the root. */
  async identity(path: string): Promise<string> {
    if (this.signal?.aborted) throw new ReadingStopped(`the read was cancelled (${String(this.signal.reason)})`);
    const reason = outsideReason(path) ?? this.withheld.get(posix.normalize(path));
    if (reason) throw new PathRefused(reason);
    const base = await (this.top ??= realpath(this.root));
    const known = this.realPaths.get(path);
    if (known !== undefined) return known;
    let real: string;
    try {
      real = await realpath(join(base, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('it does not exist (or is a symlink to nothing)');
      throw error;
    }
    if (real !== base && !real.startsWith(`${base}${sep}`)) throw new PathRefused('it is a symlink that leads outside the repository');
    this.realPaths.set(path, real);
    return real;
  }

  async kind(path: string): Promise<'file' | 'directory'> {
    return (await stat(await this.identity(path))).isDirectory() ? 'directory' : 'file';
  }

  resolve(from: string, target: string): string {
    return posix.isAbsolute(target) ? target : posix.normalize(posix.join(posix.dirname(from), target));
  }

  async list(dir: string): Promise<DirectoryEntry[]> {
    const found: DirectoryEntry[] = [];
    for await (const entry of this.entries(dir)) found.push(entry);
    if (this.withheld.size > 0) {
      this.withheldIn ??= byDirectory(this.withheld.keys());
      for (const path of this.withheldIn.get(posix.normalize(dir).replace(/(.)\/+$/, '$1')) ?? [])
        found.push({ name: posix.basename(path), directory: false });
    }
    return found;
  }

  async readText(path: string): Promise<string> {
    const real = await this.identity(path);
    const { limits, spent } = this;
    if (spent.files >= limits.maxFiles) throw new ReadingStopped(`more than ${limits.maxFiles} files to read`);
    // Reserved before the first await: files are read several at once, and each must see the others' share.
    spent.files += 1;
    let counted = false;
    const handle = await open(real, 'r').catch((error: unknown) => {
      spent.files -= 1;
      throw error;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new PathRefused('it is not a regular file');
      if (info.size > limits.maxFileBytes)
        throw new PathRefused(`it has ${info.size} bytes, more than the ${limits.maxFileBytes} a catalog file may have`);
      if (spent.bytes + info.size > limits.maxTotalBytes)
        throw new ReadingStopped(`the files read would pass ${limits.maxTotalBytes} bytes in all`);
      spent.bytes += info.size;
      counted = true;
      // Read no more than the size checked, should the file grow meanwhile.
      const buffer = Buffer.alloc(info.size);
      let read = 0;
      while (read < info.size) {
        const { bytesRead } = await handle.read(buffer, read, info.size - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read).toString('utf8');
    } finally {
      // A file refused (not regular, too big) is not one of the files read.
      if (!counted) spent.files -= 1;
      await handle.close();
    }
  }

  /** Matches a pattern against the paths under its fixed leading directories, never entering .git or a symlink; withheld files match too. */
  async glob(pattern: string, dir: string): Promise<string[]> {
    const full = this.confinedPattern(pattern, dir);
    const withheld = [...this.withheld.keys()].filter((path) => posix.matchesGlob(path, full));
    return [...(await this.globOnDisk(full)), ...withheld].sort();
  }

  private async globOnDisk(full: string): Promise<string[]> {
    const segments = full.split('/');
    const fixed = segments.findIndex(isGlob);
    const start = fixed <= 0 ? '.' : segments.slice(0, fixed).join('/');
    const depth = segments.includes('**') ? Infinity : segments.length - Math.max(fixed, 0);
    let real: string;
    try {
      real = await this.identity(start);
    } catch (error) {
      if (error instanceof PathRefused || error instanceof ReadingStopped) throw error;
      return []; // the fixed part does not exist: nothing matches
    }
    const matches: string[] = [];
    if (!(await stat(real)).isDirectory()) return matches;
    // Level by level, LIST_BATCH directories at once: each listing waits on the disk, and one
    // after the other 20,000 directories took seconds. Matches are sorted, so the order is
    // the same however the listings interleave.
    let level: string[] = [start];
    for (let depthReached = 1; level.length > 0; depthReached++) {
      const below: string[] = [];
      for (let i = 0; i < level.length; i += LIST_BATCH) {
        await Promise.all(
          level.slice(i, i + LIST_BATCH).map(async (at) => {
            for await (const entry of this.entries(at)) {
              if (entry.name === '.git') continue;
              const path = posix.join(at, entry.name);
              if (posix.matchesGlob(path, full)) matches.push(path);
              if (entry.directory && depthReached < depth) below.push(path);
            }
          }),
        );
      }
      level = below;
    }
    return matches.sort();
  }

  /** The pattern relative to the root, or refused when it is absolute or leads out. */
  private confinedPattern(pattern: string, dir: string): string {
    if (posix.isAbsolute(pattern)) throw new PathRefused('it is an absolute pattern; patterns are relative to the repository');
    // `a/**/../x` cannot be told inside or outside before it is matched: a `..` after a wildcard is refused outright.
    const written = pattern.split('/');
    const wildcard = written.findIndex(isGlob);
    if (wildcard >= 0 && written.slice(wildcard).includes('..'))
      throw new PathRefused('it has .. after a wildcard; write the directory it means');
    const full = posix.normalize(posix.join(dir, pattern));
    if (full.split('/').includes('..')) throw new PathRefused('it leads outside the repository');
    return full;
  }

  /** A directory's entries, each counted against the budget of entries. */
  private async *entries(dir: string): AsyncGenerator<DirectoryEntry> {
    for await (const entry of await opendir(await this.identity(dir), { bufferSize: 256 })) {
      if (++this.spent.entries > this.limits.maxEntries)
        throw new ReadingStopped(`the repository has more than ${this.limits.maxEntries} files and directories to look through`);
      yield { name: entry.name, directory: entry.isDirectory() };
    }
  }
}
