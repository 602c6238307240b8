import type { BuiltSite, DocSourceObject } from './decide.ts';
import type { BuildStage } from './failures.ts';
import type { BuildOptions } from '../../docs/build.ts';
import { buildInChildProcess, type BuildProcessOptions, type BuiltChunks } from '../../docs/build-process.ts';
import { checkFetched, fetchBudget, type DocsLimits } from '../../docs/limits.ts';
import { siteDigest } from '../../docs/store.ts';
import type { RawKubeClient } from '../../kube/raw-client.ts';
import type { SkeletonFiles } from '../../file-tree/skeleton.ts';
import { fetchDocFiles } from './fetch.ts';
import { storeChunks } from './site-configmaps.ts';
import { documentedEntity } from './sites.ts';
import { siteBase } from '../../docs/site.ts';

/** A step of a look at a source that threw: which step, so the failure is worded for it. */
export class StageError extends Error {
  readonly stage: BuildStage;
  readonly error: unknown;

  constructor(stage: BuildStage, error: unknown) {
    super(error instanceof Error ? error.message : String(error));
    this.stage = stage;
    this.error = error;
  }
}

/** Runs `step`, wrapping what it throws in a StageError naming `name`. */
export async function stage<T>(name: BuildStage, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StageError(name, error);
  }
}

/**
 * What a DocSource's build is told: where its reader serves it, the entity it documents, and
 * its git location, so pages link to their files on the branch it follows ("Edit this page").
 */
export function siteBuildOptions(source: DocSourceObject): Omit<BuildOptions, 'limits'> {
  const { namespace, name } = source.metadata;
  const git = source.spec.source.git;
  return {
    base: siteBase(namespace, name),
    entityRef: documentedEntity(source),
    ...(git ? { editSource: { repository: git.url, ref: git.ref ?? 'main', ...(git.path ? { path: git.path } : {}) } } : {}),
  };
}

/** Builds a site from fetched files (by default in a child process with a capped heap). */
export type SiteBuilder = (
  files: SkeletonFiles,
  options: Omit<BuildOptions, 'limits'>,
  settings: BuildProcessOptions,
) => Promise<BuiltChunks>;

export interface DocsBuildDependencies {
  client: RawKubeClient;
  limits: DocsLimits;
  /** How a site is built; buildInChildProcess unless a test says otherwise. */
  build?: SiteBuilder;
  /** Whether http:// repositories may be fetched (--allow-http-git); https always. */
  allowHttpGit?: boolean;
}

/**
 * Fetches a DocSource's files, builds them within the limits and stores the result in
 * ConfigMaps it owns. Every failure is a StageError; the site it returns is what the status
 * records, its digest included, so readers can tell the stored build from a forged one.
 */
export async function fetchBuildAndStore(
  deps: DocsBuildDependencies,
  source: DocSourceObject,
  options: Omit<BuildOptions, 'limits'>,
): Promise<{ revision: string; site: BuiltSite }> {
  const fetched = await stage('fetch', async () => {
    const result = await fetchDocFiles(deps.client, source, {
      allowHttp: deps.allowHttpGit ?? false,
      beforeRead: fetchBudget(deps.limits),
    });
    checkFetched(result.files, deps.limits);
    return result;
  });
  const built = await stage('build', () => (deps.build ?? buildInChildProcess)(fetched.files, options, { limits: deps.limits }));
  const digest = siteDigest(built.chunks);
  // The id names the ConfigMaps; the full digest in the status is what readers trust.
  const id = digest.slice(0, 10);
  await stage('store', () => storeChunks(deps.client, source, id, built.chunks));
  const bytes = built.chunks.reduce((n, c) => n + c.length, 0);
  return {
    revision: fetched.revision,
    site: {
      id,
      digest,
      chunks: built.chunks.length,
      bytes,
      siteName: built.siteName,
      pageCount: built.pageCount,
      warnings: built.warnings,
    },
  };
}
