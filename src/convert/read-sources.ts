import { join } from 'node:path';
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
 * (relative to the Location's file, globs allowed); each file is read once. `$text`,
 * `$json` and `$yaml` placeholders naming local files are replaced by their content.
 * Everything is read through `files`: the local file system by default, or one confined to
 * a checkout; when it says a budget is spent, reading stops with that as the last problem.
 */
export async function readSources(paths: readonly string[], files: SourceFiles = localFiles()): Promise<ReadSourcesResult> {
  const result: ReadSourcesResult = { documents: [], problems: [] };
  const queue: Pending[] = paths.map((path) => ({ path, walked: false }));
  const seen = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    try {
      queue.push(...(await readOne(files, next, seen, result)));
    } catch (error) {
      // A spent budget stops everything, wherever it was met (a file, a placeholder, a Location's glob).
      if (!(error instanceof ReadingStopped)) throw error;
      result.problems.push({ severity: 'skipped', file: next.path, message: `cannot be read: ${error.message}` });
      result.stopped = error.message;
      break;
    }
  }
  return result;
}

/** Reads one file (or walks one directory) into the result; returns what it leads to. */
async function readOne(files: SourceFiles, next: Pending, seen: Set<string>, result: ReadSourcesResult): Promise<Pending[]> {
  let text: string;
  try {
    const identity = await files.identity(next.path);
    if (seen.has(identity)) return [];
    seen.add(identity);
    if ((await files.kind(next.path)) === 'directory') return (await walk(files, next.path)).map((path) => ({ path, walked: true }));
    text = await files.readText(next.path);
  } catch (error) {
    if (error instanceof ReadingStopped) throw error;
    result.problems.push({ severity: 'skipped', file: next.path, message: `cannot be read: ${(error as Error).message}` });
    return [];
  }
  if (next.walked && !text.includes(MENTIONS_BACKSTAGE)) return [];
  const pending: Pending[] = [];
  for (const document of await parseFile(files, next.path, text, result.problems)) {
    result.documents.push(document);
    if (isLocation(document.value)) pending.push(...(await followLocation(files, document, result.problems)));
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

async function followLocation(files: SourceFiles, location: SourceDocument, problems: Problem[]): Promise<Pending[]> {
  const { paths, urls } = locationTargets(location.value);
  const at = { file: location.file, document: location.document, ...(location.line === undefined ? {} : { line: location.line }) };
  for (const url of urls) {
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
