import { posix } from 'node:path';
import { confinedPath } from '../file-tree/paths.ts';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import { navEntries, parseMkdocsYaml, type NavEntry } from './mkdocs.ts';

/*
 * The monorepo plugin: a nav entry `Title: '!include path/mkdocs.yml'` builds that other
 * site as a section of this one. The included site's docs_dir (relative to its mkdocs.yml)
 * is served under its site_name, which the plugin uses as the URL path (`site_name: auth`
 * puts its `index.md` at `auth/`); its nav, or its files, become the section. Included sites
 * may include others. Only mkdocs.yml files inside the repository are read.
 */

/** What the included sites add to the main one. */
export interface IncludedSites {
  /** Their files, by path in the merged docs tree (`<site_name>/<path in its docs_dir>`). */
  files: Map<string, string | Buffer>;
  /** Where each of those files is in the repository, by its path in the merged tree (for edit links). */
  origins: Map<string, string>;
  /** The main nav with every `!include` replaced by the included site's section. */
  nav: NavEntry[];
}

const MAX_DEPTH = 4;
const asText = (content: string | Buffer): string => (typeof content === 'string' ? content : content.toString('utf8'));

const prefixed = (entry: NavEntry, alias: string): NavEntry => ({
  ...entry,
  ...(entry.path !== undefined ? { path: `${alias}/${entry.path}` } : {}),
  ...(entry.children ? { children: entry.children.map((child) => prefixed(child, alias)) } : {}),
});

interface Context {
  repository: SkeletonFiles;
  /** Files already in the merged tree (the main site's), so an alias cannot overwrite them. */
  taken: (path: string) => boolean;
  files: Map<string, string | Buffer>;
  origins: Map<string, string>;
  warn(message: string): void;
}

function include(entry: NavEntry, fromConfig: string, ctx: Context, depth: number): NavEntry | undefined {
  const configPath = confinedPath(posix.join(posix.dirname(fromConfig), entry.include!));
  const raw = configPath === undefined ? undefined : ctx.repository.get(configPath);
  if (configPath === undefined || raw === undefined) {
    ctx.warn(`${fromConfig}: the nav includes ${entry.include}, which is not a file of the repository`);
    return undefined;
  }
  if (depth >= MAX_DEPTH) {
    ctx.warn(`${configPath} is included more than ${MAX_DEPTH} deep and was not built`);
    return undefined;
  }
  let fields: Record<string, unknown>;
  try {
    fields = parseMkdocsYaml(asText(raw), configPath);
  } catch (error) {
    ctx.warn((error as Error).message);
    return undefined;
  }
  const alias = typeof fields.site_name === 'string' ? confinedPath(fields.site_name.trim()) : undefined;
  // Not a dot-directory either: those hold what the build makes (.generated/) or are hidden.
  if (!alias || /[?#\\]/.test(alias) || alias.split('/').some((segment) => segment.startsWith('.'))) {
    ctx.warn(
      `${configPath}: its site_name must be a relative path outside dot-directories to serve the included site under; it was not built`,
    );
    return undefined;
  }
  const docsDir = confinedPath(posix.join(posix.dirname(configPath), typeof fields.docs_dir === 'string' ? fields.docs_dir : 'docs'));
  if (docsDir === undefined) {
    ctx.warn(`${configPath}: its docs_dir is outside the repository; it was not built`);
    return undefined;
  }
  const prefix = docsDir ? `${docsDir}/` : '';
  let pages = 0;
  for (const [path, content] of ctx.repository) {
    if (!path.startsWith(prefix)) continue;
    const within = path.slice(prefix.length);
    if (within.split('/').some((segment) => segment.startsWith('.') && segment !== '.pages')) continue;
    const merged = `${alias}/${within}`;
    if (ctx.taken(merged) || ctx.files.has(merged)) {
      ctx.warn(`${configPath}: ${merged} is already a file of the site; the included one is not built`);
      continue;
    }
    ctx.files.set(merged, content);
    ctx.origins.set(merged, path);
    if (/\.(md|markdown)$/i.test(path)) pages++;
  }
  if (pages === 0) {
    ctx.warn(`${configPath}: its docs_dir ${docsDir || '.'} holds no Markdown page`);
    return undefined;
  }
  const warnings: string[] = [];
  const subNav = Array.isArray(fields.nav) ? navEntries(fields.nav, warnings) : [];
  for (const warning of warnings) ctx.warn(warning.replace(/^mkdocs\.yml/, configPath));
  const title = entry.title ?? alias;
  // Without a nav, the section is the included site's directory, which follows its files.
  if (!subNav.length) return { title, path: `${alias}/` };
  return {
    title,
    children: includeAll(
      subNav.map((e) => prefixed(e, alias)),
      configPath,
      ctx,
      depth + 1,
    ),
  };
}

function includeAll(entries: NavEntry[], fromConfig: string, ctx: Context, depth: number): NavEntry[] {
  return entries.flatMap((entry): NavEntry[] => {
    if (entry.include !== undefined) return [include(entry, fromConfig, ctx, depth)].filter((e): e is NavEntry => e !== undefined);
    if (entry.children) return [{ ...entry, children: includeAll(entry.children, fromConfig, ctx, depth) }];
    return [entry];
  });
}

/** Builds every `!include` of the nav into the site: the included files, and the nav with their sections. */
export function includeSites(
  nav: NavEntry[],
  configPath: string,
  repository: SkeletonFiles,
  taken: (path: string) => boolean,
  warn: (message: string) => void,
): IncludedSites {
  const ctx: Context = { repository, taken, files: new Map(), origins: new Map(), warn };
  return { nav: includeAll(nav, configPath, ctx, 0), files: ctx.files, origins: ctx.origins };
}
