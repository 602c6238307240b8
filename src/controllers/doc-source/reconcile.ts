import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { DocsLimits } from '../../docs/limits.ts';
import { siteDigest } from '../../docs/store.ts';
import type { Logger } from '../../observability/logger.ts';
import { nowOf, type ControllerContext } from '../../runtime/context.ts';
import { refreshIntervalMs } from '../../shared/duration.ts';
import { CheckPlans } from '../check-schedule.ts';
import { splitKey } from '../../runtime/controller.ts';
import type { Source } from '../../runtime/source.ts';
import type { WorkResult } from '../../runtime/work-queue.ts';
import { fetchBuildAndStore, siteBuildOptions, stage, StageError, type SiteBuilder } from './build.ts';
import { builtStatus, failedStatus, needsBuild, polledOf, recoveredStatus, type DocSourceObject } from './decide.ts';
import { describeFailure, type BuildFailure } from './failures.ts';
import { currentRevision } from './fetch.ts';
import { chunkBytes, otherBuildsLeft, removeOtherBuilds, servedChunks } from './site-configmaps.ts';

export interface DocSourceReconcilerOptions {
  sources: Source<DocSourceObject>;
  chunks: Source<KubernetesObject>;
  limits: DocsLimits;
  /** Whether DocSources may name http:// repositories (--allow-http-git); https always. */
  allowHttpGit: boolean;
  /** How sites are built (default: a child process each); tests may replace it. */
  build?: SiteBuilder | undefined;
}

/**
 * The leader's look at one DocSource (the I/O shell around decide.ts): when its next check is
 * due, asks the source for its revision, builds and stores the site when the revision or the
 * spec moved (or the stored build went missing), and writes the outcome. Every failure ends
 * as a condition (the last good build stays served) and a backoff; only a status write the
 * apiserver refuses is thrown, for the queue to retry.
 */
export class DocSourceReconciler {
  private readonly plans = new CheckPlans();
  private readonly log: Logger;
  private readonly context: ControllerContext;
  private readonly options: DocSourceReconcilerOptions;

  constructor(context: ControllerContext, options: DocSourceReconcilerOptions) {
    this.context = context;
    this.options = options;
    this.log = context.logger.child({ component: 'docs' });
  }

  async reconcile(k: string): Promise<WorkResult> {
    const { namespace, name } = splitKey(k);
    const source = this.options.sources.get(namespace, name);
    if (!source) {
      this.plans.forget(k);
      return 'done';
    }
    const now = nowOf(this.context);
    const wait = this.plans.waitFor(k, polledOf(source), now.getTime());
    if (wait > 0) return { requeueAfter: wait };
    const failure = await this.check(source, now);
    const interval = refreshIntervalMs(source.spec.refreshInterval);
    return { requeueAfter: this.plans.planAfter(k, failure, source.status?.consecutiveFailures ?? 0, interval, now.getTime()) };
  }

  private async check(source: DocSourceObject, now: Date): Promise<BuildFailure | undefined> {
    const { namespace, name } = source.metadata;
    try {
      await this.lookAndBuild(source, now);
      return undefined;
    } catch (error) {
      if (!(error instanceof StageError)) throw error;
      const failure = describeFailure(error.stage, error.error);
      this.log.warn(
        { docsource: `${namespace}/${name}`, reason: failure.reason, transient: failure.transient, message: failure.message },
        'docs build failed',
      );
      await this.writeStatus(source, failedStatus(source, failure, now));
      return failure;
    }
  }

  private async lookAndBuild(source: DocSourceObject, now: Date): Promise<void> {
    const { namespace, name } = source.metadata;
    const { client } = this.context;
    const revision = await stage('fetch', () => currentRevision(client, source, { allowHttp: this.options.allowHttpGit }));
    // A served build whose ConfigMaps went missing, or were replaced by others, is rebuilt even if the source did not move.
    const served = servedChunks(this.options.chunks.list(namespace), source);
    const stored = served.length === source.status?.site?.chunks && siteDigest(served.map(chunkBytes)) === source.status.site.digest;
    if (!needsBuild(source, revision) && stored) {
      const recovered = recoveredStatus(source, now);
      if (recovered) await this.writeStatus(source, recovered);
      if (otherBuildsLeft(this.options.chunks.list(namespace), source)) await this.removeOldBuilds(source, source.status!.site!.id);
      return;
    }
    const options = siteBuildOptions(source);
    const builder = {
      client,
      limits: this.options.limits,
      allowHttpGit: this.options.allowHttpGit,
      ...(this.options.build ? { build: this.options.build } : {}),
    };
    const { revision: built, site } = await fetchBuildAndStore(builder, source, options);
    await this.writeStatus(source, builtStatus(source, built, site, now));
    this.log.info({ docsource: `${namespace}/${name}`, revision: built, pages: site.pageCount, bytes: site.bytes }, 'docs built');
    await this.removeOldBuilds(source, site.id);
  }

  /** Cleaning up is not the build: if it fails, the next look finds the leftovers in the cache and tries again. */
  private async removeOldBuilds(source: DocSourceObject, id: string): Promise<void> {
    try {
      await removeOtherBuilds(this.context.client, source, id);
    } catch (error) {
      this.log.warn(
        { err: error, docsource: `${source.metadata.namespace}/${source.metadata.name}` },
        'older builds could not be removed yet',
      );
    }
  }

  private async writeStatus(source: DocSourceObject, status: object): Promise<void> {
    await this.context.status.apply(RESOURCES.docSources, source.metadata.namespace, source.metadata.name, status);
  }
}
