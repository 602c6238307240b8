import { createHash } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { formatRef, parseRef } from '../catalog/refs.ts';
import { builtStatus, failedStatus, needsBuild, nextCheckAt, nextCheckIn, type DocSourceObject } from '../controllers/doc-source/decide.ts';
import { buildSite } from '../docs/build.ts';
import { siteBase, type DocSite, type DocsStore } from '../docs/site.ts';
import { decodeSite, encodeSite } from '../docs/store.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { currentRevision, fetchDocFiles, FetchError } from './doc-source-fetch.ts';
import { GitError } from '../templates/git-cli.ts';

const SOURCE_UID = 'greenroom.dev/docsource-uid';
const SITE_ID = 'greenroom.dev/site';
const CHUNK = 'greenroom.dev/chunk';

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
  private readonly sources: Informer<KubernetesObject>;
  private readonly chunks: Informer<KubernetesObject>;
  private readonly queue: WorkQueue;
  private readonly served = new Map<string, Served>();
  private readonly plannedChecks = new Map<string, number>();

  constructor(options: DocsOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'docs' });
    this.client = new RawKubeClient(options.kubeConfig);
    const scope = options.namespace ? `namespaces/${options.namespace}/` : '';
    this.sources = new Informer({ kubeConfig: options.kubeConfig, path: `/apis/${API_VERSION}/${scope}docsources`, name: 'docsource', logger: this.log, registry: options.registry, ...options.informerTimings });
    this.chunks = new Informer({ kubeConfig: options.kubeConfig, path: `/api/v1/${scope}configmaps`, labelSelector: SOURCE_UID, name: 'docsite-configmap', logger: this.log, registry: options.registry, ...options.informerTimings });
    this.queue = new WorkQueue({ name: 'docsource', logger: this.log, registry: options.registry });
    const changed = (object: KubernetesObject) => {
      const k = key(object.metadata!.namespace!, object.metadata!.name!);
      this.queue.add(k);
      this.assemble(k);
    };
    this.sources.on('add', changed);
    this.sources.on('update', changed);
    this.sources.on('delete', (object) => this.forget(key(object.metadata!.namespace!, object.metadata!.name!)));
    const chunkChanged = (object: KubernetesObject) => {
      const owner = object.metadata?.ownerReferences?.find((o) => o.kind === 'DocSource');
      if (owner) this.assemble(key(object.metadata!.namespace!, owner.name));
    };
    this.chunks.on('add', chunkChanged);
    this.chunks.on('update', chunkChanged);
  }

  site(namespace: string, name: string): DocSite | undefined {
    return this.served.get(key(namespace, name))?.site;
  }

  sourcesFor(entityRef: string): { namespace: string; name: string; siteName: string }[] {
    const out: { namespace: string; name: string; siteName: string }[] = [];
    for (const [k, served] of this.served) {
      if (served.entityRef !== entityRef) continue;
      const [namespace, name] = k.split('/') as [string, string];
      out.push({ namespace, name, siteName: served.site.siteName });
    }
    return out.sort((a, b) => a.siteName.localeCompare(b.siteName));
  }

  hasSynced(): boolean {
    return this.sources.hasSynced() && this.chunks.hasSynced();
  }

  async start(): Promise<void> {
    await Promise.all([this.sources.start(), this.chunks.start()]);
    // One build at a time: builds are CPU and network heavy, and never urgent.
    this.queue.run((k) => this.work(k), 1);
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

  /** Loads the served build from its ConfigMaps once they are all in the cache. */
  private assemble(k: string): void {
    const source = this.sourceOf(k);
    const wanted = source?.status?.site;
    if (!source || !wanted || this.served.get(k)?.id === wanted.id) return;
    const parts = this.storedChunks(source);
    if (parts.length !== wanted.chunks) return;
    try {
      const site = decodeSite(parts.map((p) => Buffer.from((p as { binaryData?: Record<string, string> }).binaryData?.['site.json.gz'] ?? '', 'base64')));
      const entityRef = this.entityRefOf(source);
      this.served.set(k, { id: wanted.id, site, entityRef });
      this.options.onSite?.({ namespace: source.metadata.namespace, name: source.metadata.name, entityRef, siteName: site.siteName }, site);
    } catch (error) {
      this.log.error({ err: error, docsource: k }, 'stored site could not be read');
    }
  }

  /** The cached ConfigMaps of the build the status says is served, in chunk order. */
  private storedChunks(source: DocSourceObject): KubernetesObject[] {
    const id = source.status?.site?.id;
    return this.chunks
      .list(source.metadata.namespace)
      .filter((c) => id && c.metadata?.labels?.[SOURCE_UID] === source.metadata.uid && c.metadata?.labels?.[SITE_ID] === id)
      .sort((a, b) => Number(a.metadata?.annotations?.[CHUNK]) - Number(b.metadata?.annotations?.[CHUNK]));
  }

  private forget(k: string): void {
    this.plannedChecks.delete(k);
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
    const failed = !(await this.check(source, now));
    const at = nextCheckAt(source, failed, now.getTime());
    this.plannedChecks.set(k, at);
    return { requeueAfter: at - now.getTime() };
  }

  /** Looks at the source and builds when it moved; returns false when that failed. */
  private async check(source: DocSourceObject, now: Date): Promise<boolean> {
    const { namespace, name } = source.metadata;
    const fail = async (reason: 'FetchFailed' | 'BuildFailed' | 'StoreFailed', error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ docsource: key(namespace, name), reason, message }, 'docs build failed');
      await this.writeStatus(source, failedStatus(source, reason, message, now));
      return false;
    };
    let files;
    let revision: string;
    try {
      revision = await currentRevision(this.client, source);
      // A served build whose ConfigMaps went missing is rebuilt even if the source did not move.
      if (!needsBuild(source, revision) && this.storedChunks(source).length === source.status?.site?.chunks) return true;
      ({ files, revision } = await fetchDocFiles(this.client, source));
    } catch (error) {
      if (error instanceof FetchError || error instanceof GitError) return fail('FetchFailed', error);
      throw error;
    }
    let site: DocSite;
    try {
      site = buildSite(files, { base: siteBase(namespace, name), entityRef: this.entityRefOf(source) });
    } catch (error) {
      return fail('BuildFailed', error);
    }
    const chunks = encodeSite(site);
    const id = createHash('sha256').update(Buffer.concat(chunks)).digest('hex').slice(0, 10);
    try {
      await this.storeChunks(source, id, chunks);
    } catch (error) {
      if (error instanceof KubeApiError && error.code < 500 && error.code !== 429) return fail('StoreFailed', error);
      throw error;
    }
    const bytes = chunks.reduce((n: number, c: Buffer) => n + c.length, 0);
    await this.writeStatus(source, builtStatus(source, revision, { id, chunks: chunks.length, bytes, siteName: site.siteName, pageCount: site.pages.length, warnings: site.warnings }, now));
    this.log.info({ docsource: key(namespace, name), revision, pages: site.pages.length, bytes }, 'docs built');
    await this.removeOtherBuilds(source, id);
    return true;
  }

  private async storeChunks(source: DocSourceObject, id: string, chunks: Buffer[]): Promise<void> {
    const { namespace, name, uid } = source.metadata;
    for (const [index, chunk] of chunks.entries()) {
      const body = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${name.slice(0, 200).replace(/[-.]+$/, '')}-site-${id}-${index}`,
          namespace,
          labels: { [SOURCE_UID]: uid, [SITE_ID]: id, 'app.kubernetes.io/managed-by': 'greenroom' },
          annotations: { [CHUNK]: String(index), 'greenroom.dev/chunks': String(chunks.length), 'greenroom.dev/docsource': name },
          ownerReferences: [{ apiVersion: API_VERSION, kind: 'DocSource', name, uid, controller: true, blockOwnerDeletion: true }],
        },
        binaryData: { 'site.json.gz': chunk.toString('base64') },
      };
      try {
        await this.client.request({ method: 'POST', path: `/api/v1/namespaces/${namespace}/configmaps`, query: { fieldManager: 'greenroom-operator' }, body });
      } catch (error) {
        // Same id, same bytes: stored by an earlier attempt.
        if (!(error instanceof KubeApiError && error.code === 409)) throw error;
      }
    }
  }

  /** Older builds go once the new one is served (status points at it), so readers never see a gap. */
  private async removeOtherBuilds(source: DocSourceObject, id: string): Promise<void> {
    const { namespace, uid } = source.metadata;
    const list = await this.client.request<{ items: { metadata: { name: string } }[] }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps`, query: { labelSelector: `${SOURCE_UID}=${uid},${SITE_ID}!=${id}` } });
    for (const item of list.items) {
      await this.client.request({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}/configmaps/${encodeURIComponent(item.metadata.name)}` }).catch((error: unknown) => {
        if (!(error instanceof KubeApiError && error.code === 404)) throw error;
      });
    }
  }

  private async writeStatus(source: DocSourceObject, status: object): Promise<void> {
    await applyStatus(this.client, { kind: 'DocSource', plural: 'docsources' }, source.metadata.namespace, source.metadata.name, status);
  }
}
