import { glob, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { isGlob, isLocation, locationTargets } from './locations.ts';
import type { Problem, SourceDocument } from './model.ts';
import { isUrl, replacePlaceholders, type Placeholder } from './placeholders.ts';

/** Every Backstage document found, and what could not be read. */
export interface ReadSourcesResult {
  documents: SourceDocument[];
  problems: Problem[];
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
 */
export async function readSources(paths: readonly string[]): Promise<ReadSourcesResult> {
  const result: ReadSourcesResult = { documents: [], problems: [] };
  const queue: Pending[] = paths.map((path) => ({ path, walked: false }));
  const seen = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    const absolute = resolve(next.path);
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    let text: string;
    try {
      if ((await stat(absolute)).isDirectory()) {
        queue.push(...(await walk(next.path)).map((path) => ({ path, walked: true })));
        continue;
      }
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      result.problems.push({ severity: 'skipped', file: next.path, message: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    if (next.walked && !text.includes(MENTIONS_BACKSTAGE)) continue;
    for (const document of await parseFile(next.path, text, result.problems)) {
      result.documents.push(document);
      if (isLocation(document.value)) queue.push(...(await followLocation(document, result.problems)));
    }
  }
  return result;
}

/** The YAML files under a directory, depth first in name order; dot-directories (.git, .github) are not entered. */
async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) files.push(...(await walk(join(dir, entry.name))));
    else if (YAML_FILE.test(entry.name)) files.push(join(dir, entry.name));
  }
  return files;
}

async function parseFile(file: string, text: string, problems: Problem[]): Promise<SourceDocument[]> {
  const documents: SourceDocument[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    const document = index + 1;
    if (doc.errors.length > 0) {
      problems.push({
        severity: 'skipped',
        file,
        document,
        message: `not valid YAML: ${doc.errors[0]?.message.split('\n')[0]?.replace(/:$/, '')}`,
      });
      continue;
    }
    const value = await replacePlaceholders(doc.toJS(), (placeholder) => readPlaceholder(file, placeholder));
    documents.push({ file, document, value });
  }
  return documents;
}

/** Reads a placeholder's local file the way Backstage would; URLs and unreadable files stay as they are. */
async function readPlaceholder(file: string, { key, target }: Placeholder): Promise<unknown> {
  if (isUrl(target)) return undefined;
  try {
    const text = await readFile(resolve(dirname(file), target), 'utf8');
    return key === '$json' ? JSON.parse(text) : key === '$yaml' ? parse(text) : text;
  } catch {
    return undefined;
  }
}

async function followLocation(location: SourceDocument, problems: Problem[]): Promise<Pending[]> {
  const { paths, urls } = locationTargets(location.value);
  const at = { file: location.file, document: location.document };
  for (const url of urls) {
    problems.push({
      severity: 'warning',
      ...at,
      message: `Location target ${url} is a URL and was not followed; convert a local copy of it`,
    });
  }
  const base = dirname(location.file);
  const pending: Pending[] = [];
  for (const target of paths) {
    if (!isGlob(target)) {
      pending.push({ path: isAbsolute(target) ? target : join(base, target), walked: false });
      continue;
    }
    const matches: string[] = [];
    for await (const match of glob(target, { cwd: base })) matches.push(isAbsolute(match) ? match : join(base, match));
    if (matches.length === 0) problems.push({ severity: 'warning', ...at, message: `Location target ${target} matches no file` });
    pending.push(...matches.sort().map((path) => ({ path, walked: false })));
  }
  return pending;
}
