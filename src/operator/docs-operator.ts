import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { formatRef, parseRef } from '../catalog/refs.ts';
import { builtStatus, failedStatus, needsBuild, nextCheckAt, nextCheckIn, recoveredStatus, type DocSourceObject, type LookFailure } from '../controllers/doc-source/decide.ts';
import { describeFailure, type BuildFailure } from '../controllers/doc-source/failures.ts';
import { DEFAULT_DOCS_LIMITS, type DocsLimits } from '../docs/limits.ts';
import { siteBase, type DocSite, type DocSourceSummary, type DocsStore } from '../docs/site.ts';
import { decodeSite, siteDigest } from '../docs/store.ts';
import { RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { currentRevision } from '../controllers/doc-source/fetch.ts';
import { CHUNK_SELECTOR, chunkBytes, otherBuildsLeft, removeOtherBuilds, servedChunks } from '../controllers/doc-source/site-configmaps.ts';
import { fetchBuildAndStore, stage, StageError, type SiteBuilder } from '../controllers/doc-source/build.ts';

export interface DocsOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  namespace?: string | undefined;
  isLeader: () => boolean;
  /** Told when a DocSource's served site changes (undefined: it has none any more), e.g. to index it. */
  onSite?: (source: { namespace: string; name: string; entityRef: string; siteName: string }, site: DocSite | undefined) => void;
  now?: () => Date;
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
  /** Whether DocSources may name http:// repositories (--allow-http-git); https always. */
  allowHttpGit?: boolean | undefined;
  /** Bounds on each build (default DEFAULT_DOCS_LIMITS). */
  limits?: DocsLimits;
  /** Builds at once (default 2), so one slow git server or big site does not hold up the others. */
  workers?: number;
  /** How sites are built (default: a child process each); tests may replace it. */
  build?: SiteBuilder;
}

interface Served {
  id: string;
  site: DocSite;
  entityRef: string;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Docs sources: the leader fetches and builds each DocSource on its own queue (a slow git
 * server or a big site never holds up the catalog) and stores the built site gzip'd in
 * ConfigMaps it owns; every replica assembles the served site from those ConfigMaps, so
 * all of them serve the same docs, and a failed build leaves the last good one in place.
 */
export class DocsOperator implements DocsStore {
  private readonly options: DocsOperatorOptions;
  private readonly log: Logger;
  private readonly client: RawKubeClient;
  private readonly limits: DocsLimits;
  private readonly sources: Informer<KubernetesObject>;
  private readonly chunks: Informer<KubernetesObject>;
  private readonly queue: WorkQueue;
  private readonly served = new Map<string, Served>();
  /** Site ids being decoded, so a burst of chunk events decodes a build once. */
  private readonly assembling = new Map<string, string>();
  /** Chunks (by digest and resourceVersions) that failed to decode, so they are not decoded again until one changes. */
  private readonly unreadable = new Map<string, string>();
  private readonly plannedChecks = new Map<string, number>();
  private readonly failuresInARow = new Map<string, number>();
  /** DocSource keys by the entity they document, for the entity's page. */
  private readonly byEntity = new Map<string, Set<string>>();

  constructor(options: DocsOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'docs' });
    this.client = new RawKubeClient(options.kubeConfig);
    this.limits = options.limits ?? DEFAULT_DOCS_LIMITS;
    const scope = options.namespace ? `namespaces/${options.namespace}/` : '';
    this.sources = new Informer({ kubeConfig: options.kubeConfig, path: `/apis/${API_VERSION}/${scope}docsources`, name: 'docsource', logger: this.log, registry: options.registry, ...options.informerTimings });
    this.chunks = new Informer({ kubeConfig: options.kubeConfig, path: `/api/v1/${scope}configmaps`, labelSelector: CHUNK_SELECTOR, name: 'docsite-configmap', logger: this.log, registry: options.registry, ...options.informerTimings });
    this.queue = new WorkQueue({ name: 'docsource', logger: this.log, registry: options.registry });
    const changed = (object: KubernetesObject, previous?: KubernetesObject) => {
      const k = key(object.metadata!.namespace!, object.metadata!.name!);
      if (previous) this.unindex(k, previous as unknown as DocSourceObject);
      this.index(k, object as unknown as DocSourceObject);
      this.queue.add(k);
      this.assemble(k);
    };
    this.sources.on('add', (object) => changed(object));
    this.sources.on('update', changed);
    this.sources.on('delete', (object) => this.forget(key(object.metadata!.namespace!, object.metadata!.name!), object as unknown as DocSourceObject));
    const chunkChanged = (object: KubernetesObject) => {
      const owner = object.metadata?.ownerReferences?.find((o) => o.kind === 'DocSource' && o.controller);
      if (owner) this.assemble(key(object.metadata!.namespace!, owner.name));
    };
    this.chunks.on('add', chunkChanged);
    this.chunks.on('update', chunkChanged);
  }

  site(namespace: string, name: string): DocSite | undefined {
    return this.served.get(key(namespace, name))?.site;
  }

  sourcesFor(entityRef: string): DocSourceSummary[] {
    const out: DocSourceSummary[] = [];
    for (const k of this.byEntity.get(entityRef) ?? []) {
      const source = this.sourceOf(k);
      if (!source) continue;
      const served = this.served.get(k);
      const { namespace, name, generation } = source.metadata;
      out.push({ namespace, name, siteName: served?.site.siteName ?? '', served: Boolean(served), generation: generation ?? 1, source: source.spec.source, status: source.status });
    }
    return out.sort((a, b) => (a.siteName || a.name).localeCompare(b.siteName || b.name) || a.name.localeCompare(b.name));
  }

  sourceNamespaces(): Set<string> {
    return new Set(this.sources.list().map((s) => s.metadata!.namespace!));
  }

  hasSynced(): boolean {
    return this.sources.hasSynced() && this.chunks.hasSynced();
  }

  async start(): Promise<void> {
    await Promise.all([this.sources.start(), this.chunks.start()]);
    // A few builds at a time: each is a child process of bounded memory, and one waiting on a
    // slow git server must not hold up the others.
    this.queue.run((k) => this.work(k), this.options.workers ?? 2);
    this.enqueueAll();
  }

  enqueueAll(): void {
    for (const s of this.sources.list()) this.queue.add(key(s.metadata!.namespace!, s.metadata!.name!));
  }

  async stop(): Promise<void> {
    await Promise.all([this.sources.stop(), this.chunks.stop(), this.queue.shutdown()]);
  }

  private sourceOf(k: string): DocSourceObject | undefined {
    const [namespace, name] = k.split('/') as [string, string];
    return this.sources.get(namespace, name) as unknown as DocSourceObject | undefined;
  }

  private entityRefOf(source: DocSourceObject): string {
    const parsed = parseRef(source.spec.entityRef, { defaultKind: 'Component', namespace: source.metadata.namespace });
    return 'error' in parsed ? source.spec.entityRef : formatRef(parsed);
  }

  private index(k: string, source: DocSourceObject): void {
    const ref = this.entityRefOf(source);
    this.byEntity.set(ref, (this.byEntity.get(ref) ?? new Set()).add(k));
  }

  private unindex(k: string, source: DocSourceObject): void {
    const ref = this.entityRefOf(source);
    const keys = this.byEntity.get(ref);
    keys?.delete(k);
    if (keys?.size === 0) this.byEntity.delete(ref);
  }

  /**
   * Loads the served build from its ConfigMaps once they are all in the cache. Decoding is
   * asynchronous (threadpool gunzip, a page at a time), so it never throws into the informer.
   */
  private assemble(k: string): void {
    const source = this.sourceOf(k);
    const wanted = source?.status?.site;
    if (!source || !wanted || this.served.get(k)?.id === wanted.id || this.assembling.get(k) === wanted.id) return;
    const parts = servedChunks(this.chunks.list(source.metadata.namespace), source);
    // A build recorded without its digest cannot be told from a forged one: it is rebuilt, not served.
    if (parts.length !== wanted.chunks || !wanted.digest) return;
    const attempt = `${wanted.digest}:${parts.map((p) => p.metadata?.resourceVersion).join(',')}`;
    if (this.unreadable.get(k) === attempt) return;
    this.assembling.set(k, wanted.id);
    void decodeSite(parts.map(chunkBytes), { digest: wanted.digest, maxSiteBytes: this.limits.maxSiteBytes })
      .then((site) => {
        // Only if that build is still the one to serve: a newer one may have arrived meanwhile.
        const now = this.sourceOf(k);
        if (now?.metadata.uid !== source.metadata.uid || now.status?.site?.id !== wanted.id) return;
        const entityRef = this.entityRefOf(now);
        this.served.set(k, { id: wanted.id, site, entityRef });
        this.unreadable.delete(k);
        this.options.onSite?.({ namespace: now.metadata.namespace, name: now.metadata.name, entityRef, siteName: site.siteName }, site);
      })
      .catch((error: unknown) => {
        this.unreadable.set(k, attempt);
        this.log.error({ err: error, docsource: k }, 'stored site could not be read');
      })
      .finally(() => {
        if (this.assembling.get(k) === wanted.id) this.assembling.delete(k);
        // A newer build may have been announced while this one decoded.
        this.assemble(k);
      });
  }

  private forget(k: string, source: DocSourceObject): void {
    this.unindex(k, source);
    this.plannedChecks.delete(k);
    this.failuresInARow.delete(k);
    this.unreadable.delete(k);
    if (!this.served.delete(k)) return;
    const [namespace, name] = k.split('/') as [string, string];
    this.options.onSite?.({ namespace, name, entityRef: '', siteName: '' }, undefined);
  }

  private async work(k: string): Promise<WorkResult> {
    if (!this.options.isLeader()) return 'done';
    const source = this.sourceOf(k);
    if (!source) return 'done';
    const now = this.options.now?.() ?? new Date();
    const wait = nextCheckIn(source, this.plannedChecks.get(k), now.getTime());
    if (wait > 0) return { requeueAfter: wait };
    const failure = await this.check(source, now);
    let look: LookFailure | undefined;
    if (failure?.transient) {
      const inARow = (this.failuresInARow.get(k) ?? 0) + 1;
      this.failuresInARow.set(k, inARow);
      look = { transient: true, inARow };
    } else {
      this.failuresInARow.delete(k);
      // Failures the author must fix are counted in the status (failedStatus), so the next leader backs off as well.
      if (failure) look = { transient: false, inARow: (source.status?.consecutiveFailures ?? 0) + 1 };
    }
    const at = nextCheckAt(source, look, now.getTime());
    this.plannedChecks.set(k, at);
    return { requeueAfter: at - now.getTime() };
  }

  /**
   * Looks at the source and builds when it moved or its spec changed. Every failure ends as
   * a condition on the DocSource (the last good build stays served) and is returned; only a
   * status write the apiserver refuses is thrown, for the queue to retry with backoff.
   */
  private async check(source: DocSourceObject, now: Date): Promise<BuildFailure | undefined> {
    const { namespace, name } = source.metadata;
    try {
      await this.lookAndBuild(source, now);
      return undefined;
    } catch (error) {
      if (!(error instanceof StageError)) throw error;
      const failure = describeFailure(error.stage, error.error);
      this.log.warn({ docsource: key(namespace, name), reason: failure.reason, transient: failure.transient, message: failure.message }, 'docs build failed');
      await this.writeStatus(source, failedStatus(source, failure, now));
      return failure;
    }
  }

  private async lookAndBuild(source: DocSourceObject, now: Date): Promise<void> {
    const { namespace, name } = source.metadata;
    const revision = await stage('fetch', () => currentRevision(this.client, source, { allowHttp: this.options.allowHttpGit ?? false }));
    // A served build whose ConfigMaps went missing, or were replaced by others, is rebuilt even if the source did not move.
    const served = servedChunks(this.chunks.list(namespace), source);
    const stored = served.length === source.status?.site?.chunks && siteDigest(served.map(chunkBytes)) === source.status.site.digest;
    if (!needsBuild(source, revision) && stored) {
      const recovered = recoveredStatus(source, now);
      if (recovered) await this.writeStatus(source, recovered);
      if (otherBuildsLeft(this.chunks.list(namespace), source)) await this.removeOldBuilds(source, source.status!.site!.id);
      return;
    }
    const options = { base: siteBase(namespace, name), entityRef: this.entityRefOf(source) };
    const { revision: built, site } = await fetchBuildAndStore({ client: this.client, limits: this.limits, allowHttpGit: this.options.allowHttpGit ?? false, ...(this.options.build ? { build: this.options.build } : {}) }, source, options);
    await this.writeStatus(source, builtStatus(source, built, site, now));
    this.log.info({ docsource: key(namespace, name), revision: built, pages: site.pageCount, bytes: site.bytes }, 'docs built');
    await this.removeOldBuilds(source, site.id);
  }

  /** Cleaning up is not the build: if it fails, the next look finds the leftovers in the cache and tries again. */
  private async removeOldBuilds(source: DocSourceObject, id: string): Promise<void> {
    try {
      await removeOtherBuilds(this.client, source, id);
    } catch (error) {
      this.log.warn({ err: error, docsource: key(source.metadata.namespace, source.metadata.name) }, 'older builds could not be removed yet');
    }
  }

  private async writeStatus(source: DocSourceObject, status: object): Promise<void> {
    await applyStatus(this.client, { kind: 'DocSource', plural: 'docsources' }, source.metadata.namespace, source.metadata.name, status);
  }
}
