import { basename, join } from 'node:path';
import { LineCounter, parse, parseAllDocuments } from 'yaml';
import { isGlob, isLocation, locationTargets } from './locations.ts';
import type { Problem, SourceDocument } from './model.ts';
import { isUrl, replacePlaceholders, type Placeholder } from './placeholders.ts';
import { localFiles, PathRefused, ReadingStopped, type SourceFiles } from './source-files.ts';

/** Every Backstage document found, and what could not be read. */
export interface ReadSourcesResult {
  documents: SourceDocument[];
  problems: Problem[];
  /** Why reading stopped before the end (a budget of the file system was spent); what was read is incomplete. */
  stopped?: string;
  /** Locations' URL targets, when the caller follows them (`followsUrls`); otherwise each is a warning. */
  urlTargets: UrlTarget[];
}

/** A Location's target that is a URL, and where the Location was written. */
export interface UrlTarget {
  url: string;
  file: string;
  document: number;
  line?: number;
}

/** How a read goes beyond the files given. */
/** How a caller widens what is read. */
export interface ReadOptions {
  /** The caller follows Locations' URL targets itself: they are returned, not reported as not followed. */
  followsUrls?: boolean;
  /** File names read from a walk although they do not mention backstage.io/ (Backstage's app-config.yaml). */
  alsoWalked?: RegExp;
}

interface Pending {
  path: string;
  /** Found by walking a directory rather than named by the user or a Location. */
  walked: boolean;
}

/** A repository holds plenty of YAML that is not Backstage's (CI, Helm, manifests); only these files are read from a walk. */
const MENTIONS_BACKSTAGE = 'backstage.io/';
const YAML_FILE = /\.ya?ml$/;

/**
 * Reads Backstage catalog files: single or multi-document files, and directories walked
 * recursively for *.yaml/*.yml. Location entities are followed to their local targets
 * (relative to the Location's file, globs allowed); each file is read once. URL targets are
 * warned about as not followed, or returned for a caller that follows them. `$text`,
 * `$json` and `$yaml` placeholders naming local files are replaced by their content.
 * Everything is read through `files`: the local file system by default, or one confined to
 * a checkout; when it says a budget is spent, reading stops with that as the last problem.
 * `options.alsoWalked` names files a walk reads although they are not Backstage entities.
 */
export async function readSources(
  paths: readonly string[],
  files: SourceFiles = localFiles(),
  options: ReadOptions = {},
): Promise<ReadSourcesResult> {
  const result: ReadSourcesResult = { documents: [], problems: [], urlTargets: [] };
  const queue: Pending[] = paths.map((path) => ({ path, walked: false }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const batch = queue.splice(0, READ_BATCH);
    try {
      queue.push(...(await readBatch(files, batch, seen, result, options)));
    } catch (error) {
      // A spent budget stops everything, wherever it was met (a file, a placeholder, a Location's glob).
      if (!(error instanceof StoppedAt)) throw error;
      result.problems.push({ severity: 'skipped', file: error.path, message: `cannot be read: ${error.reason.message}` });
      result.stopped = error.reason.message;
      break;
    }
  }
  return result;
}

/**
 * Files looked at and read at once. Each file costs a few system calls (realpath, open,
 * read, close) that wait on the disk; one after the other, 10,000 files took half a minute
 * of waiting. Results are still taken in queue order, so documents and problems come out as
 * they would one by one.
 */
const READ_BATCH = 32;

/** A spent budget, and the path it was met at. */
class StoppedAt extends Error {
  readonly path: string;
  readonly reason: ReadingStopped;
  constructor(path: string, reason: ReadingStopped) {
    super(reason.message);
    this.path = path;
    this.reason = reason;
  }
}

type Looked = { pending: Pending; identity: string; directory: boolean } | { pending: Pending; error: Error };
/** What one step on one path gave. Tagged, not told apart with instanceof: Node's errors come from another realm under a test runner's VM. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

/** As attempt, but a spent budget is kept as the outcome too, to be thrown when its turn in the queue comes. */
const settle = <T>(path: string, work: () => Promise<T>): Promise<Outcome<T> | StoppedAt> =>
  attempt(path, work).catch((error: unknown) => {
    if (error instanceof StoppedAt) return error;
    throw error;
  });

/** Runs `work` for a path, turning a spent budget into StoppedAt (with the path) and other errors into outcomes. */
async function attempt<T>(path: string, work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ReadingStopped) throw new StoppedAt(path, error);
    return { ok: false, error: error as Error };
  }
}

/**
 * One batch of the queue: what each path is (at once), then the files not seen before
 * (at once), then each file parsed in queue order. Returns what the batch leads to.
 */
async function readBatch(
  files: SourceFiles,
  batch: Pending[],
  seen: Set<string>,
  result: ReadSourcesResult,
  options: ReadOptions,
): Promise<Pending[]> {
  const settled = await Promise.all(
    batch.map(async (pending): Promise<Looked | StoppedAt> => {
      const found = await settle(pending.path, async () => ({
        identity: await files.identity(pending.path),
        directory: (await files.kind(pending.path)) === 'directory',
      }));
      if (found instanceof StoppedAt) return found;
      return found.ok ? { pending, ...found.value } : { pending, error: found.error };
    }),
  );
  // What comes before a spent budget is still read, in order; the budget is met after it.
  const stop = settled.findIndex((l) => l instanceof StoppedAt);
  const looked = (stop < 0 ? settled : settled.slice(0, stop)) as Looked[];
  const fresh = looked.filter((l) => {
    if ('error' in l) return true;
    if (seen.has(l.identity)) return false;
    seen.add(l.identity);
    return true;
  });
  // One after another, in queue order: each read reserves its share of the budget, and read
  // at once they reserved it in the order their disks answered, so a file after the one that
  // spent the budget could be read and the one before it refused (a unit test failed so, now and then).
  const texts: (Awaited<ReturnType<typeof settle<string>>> | undefined)[] = [];
  for (const l of fresh) {
    texts.push('error' in l || l.directory ? undefined : await settle(l.pending.path, () => files.readText(l.pending.path)));
  }
  const next: Pending[] = [];
  const skip = (path: string, error: Error) =>
    result.problems.push({ severity: 'skipped', file: path, message: `cannot be read: ${error.message}` });
  for (const [i, l] of fresh.entries()) {
    if ('error' in l) {
      skip(l.pending.path, l.error);
      continue;
    }
    if (l.directory) {
      const walked = await attempt(l.pending.path, () => walk(files, l.pending.path));
      if (walked.ok) next.push(...walked.value.map((path) => ({ path, walked: true })));
      else skip(l.pending.path, walked.error);
      continue;
    }
    const text = texts[i]!;
    if (text instanceof StoppedAt) throw text;
    if (text.ok) next.push(...(await parseRead(files, l.pending, text.value, result, options)));
    else skip(l.pending.path, text.error);
  }
  if (stop >= 0) throw settled[stop] as StoppedAt;
  return next;
}

/** Parses one file's text into the result; returns the Locations' targets it leads to. */
async function parseRead(
  files: SourceFiles,
  read: Pending,
  text: string,
  result: ReadSourcesResult,
  options: ReadOptions,
): Promise<Pending[]> {
  const named = options.alsoWalked?.test(basename(read.path)) ?? false;
  if (read.walked && !named && !text.includes(MENTIONS_BACKSTAGE)) return [];
  const pending: Pending[] = [];
  try {
    for (const document of await parseFile(files, read.path, text, result.problems)) {
      result.documents.push(document);
      if (isLocation(document.value)) pending.push(...(await followLocation(files, document, result, options)));
    }
  } catch (error) {
    if (error instanceof ReadingStopped) throw new StoppedAt(read.path, error);
    throw error;
  }
  return pending;
}

/** The YAML files under a directory, depth first in name order; dot-directories (.git, .github) are not entered. */
async function walk(files: SourceFiles, dir: string): Promise<string[]> {
  const entries = (await files.list(dir)).sort((a, b) => a.name.localeCompare(b.name));
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.directory) found.push(...(await walk(files, path)));
    else if (YAML_FILE.test(entry.name)) found.push(path);
  }
  return found;
}

async function parseFile(files: SourceFiles, file: string, text: string, problems: Problem[]): Promise<SourceDocument[]> {
  const documents: SourceDocument[] = [];
  const lines = new LineCounter();
  const aliases = files.maxAliasCount === undefined ? {} : { maxAliasCount: files.maxAliasCount };
  for (const [index, doc] of parseAllDocuments(text, { lineCounter: lines }).entries()) {
    const at = { file, document: index + 1, line: lines.linePos(doc.contents?.range[0] ?? doc.range[0]).line };
    let value: unknown;
    try {
      if (doc.errors.length > 0) throw doc.errors[0];
      // toJS refuses a document whose aliases expand past the limit (a "billion laughs" bomb).
      value = doc.toJS(aliases);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0]?.replace(/:$/, '');
      problems.push({ severity: 'skipped', ...at, message: `not valid YAML: ${reason}` });
      continue;
    }
    const replaced = await replacePlaceholders(value, (placeholder) => readPlaceholder(files, at, placeholder, problems));
    documents.push({ ...at, value: replaced });
  }
  return documents;
}

/**
 * Reads a placeholder's local file the way Backstage would; URLs and unreadable files stay
 * as they are (the converter names them). A path the file system refuses is reported too.
 */
async function readPlaceholder(
  files: SourceFiles,
  at: Pick<Problem, 'file' | 'document' | 'line'>,
  { key, target }: Placeholder,
  problems: Problem[],
): Promise<unknown> {
  if (isUrl(target)) return undefined;
  try {
    const text = await files.readText(files.resolve(at.file, target));
    const aliases = files.maxAliasCount === undefined ? {} : { maxAliasCount: files.maxAliasCount };
    return key === '$json' ? JSON.parse(text) : key === '$yaml' ? parse(text, aliases) : text;
  } catch (error) {
    if (error instanceof ReadingStopped) throw error;
    if (error instanceof PathRefused)
      problems.push({ severity: 'skipped', ...at, message: `${key} ${target} was not read: ${error.message}` });
    return undefined;
  }
}

async function followLocation(
  files: SourceFiles,
  location: SourceDocument,
  { problems, urlTargets }: ReadSourcesResult,
  options: ReadOptions,
): Promise<Pending[]> {
  const { paths, urls } = locationTargets(location.value);
  const at = { file: location.file, document: location.document, ...(location.line === undefined ? {} : { line: location.line }) };
  for (const url of urls) {
    if (options.followsUrls) {
      urlTargets.push({ url, ...at });
      continue;
    }
    problems.push({
      severity: 'warning',
      ...at,
      message: `Location target ${url} is a URL and was not followed; convert a local copy of it`,
    });
  }
  const pending: Pending[] = [];
  for (const target of paths) {
    if (!isGlob(target)) {
      pending.push({ path: files.resolve(location.file, target), walked: false });
      continue;
    }
    let matches: string[];
    try {
      matches = await files.glob(target, files.resolve(location.file, '.'));
    } catch (error) {
      if (error instanceof ReadingStopped) throw error;
      problems.push({ severity: 'skipped', ...at, message: `Location target ${target} was not followed: ${(error as Error).message}` });
      continue;
    }
    if (matches.length === 0) problems.push({ severity: 'warning', ...at, message: `Location target ${target} matches no file` });
    pending.push(...matches.sort().map((path) => ({ path, walked: false })));
  }
  return pending;
}
