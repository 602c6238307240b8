import type { KubernetesObject } from '@kubernetes/client-node';
import { formatRef, parseRef } from '../../catalog/refs.ts';
import type { DocsLimits } from '../../docs/limits.ts';
import type { DocSite, DocSourceSummary, DocsStore } from '../../docs/site.ts';
import { decodeSite } from '../../docs/store.ts';
import type { Logger } from '../../observability/logger.ts';
import { splitKey } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import type { DocSourceObject } from './decide.ts';
import { chunkBytes, servedChunks } from './site-configmaps.ts';

/** A DocSource's served site changed (undefined: it has none any more), e.g. to index it. */
export type SiteListener = (
  source: { namespace: string; name: string; entityRef: string; siteName: string },
  site: DocSite | undefined,
) => void;

interface Served {
  id: string;
  site: DocSite;
  entityRef: string;
}

/** The entity a DocSource documents, as a canonical ref (or as written, when it does not parse). */
export function documentedEntity(source: DocSourceObject): string {
  const parsed = parseRef(source.spec.entityRef, { defaultKind: 'Component', namespace: source.metadata.namespace });
  return 'error' in parsed ? source.spec.entityRef : formatRef(parsed);
}

/**
 * The docs read model every replica keeps, leader or not: each DocSource's last good build,
 * assembled from the ConfigMaps the leader stored it in (so all replicas serve the same docs),
 * and which DocSources document which entity. Fed by the DocSource controller's triggers; the
 * dashboard reads it as a DocsStore.
 */
export class DocSites implements DocsStore {
  private readonly served = new Map<string, Served>();
  /** Site ids being decoded, so a burst of chunk events decodes a build once. */
  private readonly assembling = new Map<string, string>();
  /** Chunks (by digest and resourceVersions) that failed to decode, so they are not decoded again until one changes. */
  private readonly unreadable = new Map<string, string>();
  /** DocSource keys by the entity they document, for the entity's page. */
  private readonly byEntity = new Map<string, Set<string>>();

  private readonly sources: Source<DocSourceObject>;
  private readonly chunks: Source<KubernetesObject>;
  private readonly options: { limits: DocsLimits; logger: Logger; onSite?: SiteListener | undefined };

  constructor(
    sources: Source<DocSourceObject>,
    chunks: Source<KubernetesObject>,
    options: { limits: DocsLimits; logger: Logger; onSite?: SiteListener | undefined },
  ) {
    this.sources = sources;
    this.chunks = chunks;
    this.options = options;
  }

  site(namespace: string, name: string): DocSite | undefined {
    return this.served.get(`${namespace}/${name}`)?.site;
  }

  sourcesFor(entityRef: string): DocSourceSummary[] {
    const out: DocSourceSummary[] = [];
    for (const k of this.byEntity.get(entityRef) ?? []) {
      const { namespace, name } = splitKey(k);
      const source = this.sources.get(namespace, name);
      if (!source) continue;
      const served = this.served.get(k);
      const { generation } = source.metadata;
      out.push({
        namespace,
        name,
        siteName: served?.site.siteName ?? '',
        served: Boolean(served),
        generation: generation ?? 1,
        source: source.spec.source,
        status: source.status,
      });
    }
    return out.sort((a, b) => (a.siteName || a.name).localeCompare(b.siteName || b.name) || a.name.localeCompare(b.name));
  }

  sourceNamespaces(): Set<string> {
    return new Set(this.sources.list().map((s) => s.metadata.namespace));
  }

  /** A DocSource was added or changed: index it, and serve its recorded build once its chunks are in. */
  sourceChanged(source: DocSourceObject, previous?: DocSourceObject): void {
    const k = keyOf(source);
    if (previous) this.unindex(k, previous);
    const ref = documentedEntity(source);
    this.byEntity.set(ref, (this.byEntity.get(ref) ?? new Set()).add(k));
    this.assemble(k);
  }

  /** A chunk ConfigMap changed: its DocSource's build may now be complete. */
  chunkChanged(chunk: KubernetesObject): void {
    const owner = chunk.metadata?.ownerReferences?.find((o) => o.kind === 'DocSource' && o.controller);
    if (owner) this.assemble(`${chunk.metadata!.namespace}/${owner.name}`);
  }

  /** A DocSource was deleted: its site is no longer served. */
  sourceRemoved(source: DocSourceObject): void {
    const k = keyOf(source);
    this.unindex(k, source);
    this.unreadable.delete(k);
    if (!this.served.delete(k)) return;
    this.options.onSite?.({ namespace: source.metadata.namespace, name: source.metadata.name, entityRef: '', siteName: '' }, undefined);
  }

  private unindex(k: string, source: DocSourceObject): void {
    const ref = documentedEntity(source);
    const keys = this.byEntity.get(ref);
    keys?.delete(k);
    if (keys?.size === 0) this.byEntity.delete(ref);
  }

  /**
   * Loads the served build from its ConfigMaps once they are all in the cache. Decoding is
   * asynchronous (threadpool gunzip, a page at a time), so it never throws into the informer.
   */
  private assemble(k: string): void {
    const { namespace, name } = splitKey(k);
    const source = this.sources.get(namespace, name);
    const wanted = source?.status?.site;
    if (!source || !wanted || this.served.get(k)?.id === wanted.id || this.assembling.get(k) === wanted.id) return;
    const parts = servedChunks(this.chunks.list(namespace), source);
    // A build recorded without its digest cannot be told from a forged one: it is rebuilt, not served.
    if (parts.length !== wanted.chunks || !wanted.digest) return;
    const attempt = `${wanted.digest}:${parts.map((p) => p.metadata?.resourceVersion).join(',')}`;
    if (this.unreadable.get(k) === attempt) return;
    this.assembling.set(k, wanted.id);
    void decodeSite(parts.map(chunkBytes), { digest: wanted.digest, maxSiteBytes: this.options.limits.maxSiteBytes })
      .then((site) => {
        // Only if that build is still the one to serve: a newer one may have arrived meanwhile.
        const now = this.sources.get(namespace, name);
        if (now?.metadata.uid !== source.metadata.uid || now.status?.site?.id !== wanted.id) return;
        const entityRef = documentedEntity(now);
        this.served.set(k, { id: wanted.id, site, entityRef });
        this.unreadable.delete(k);
        this.options.onSite?.({ namespace, name, entityRef, siteName: site.siteName }, site);
      })
      .catch((error: unknown) => {
        this.unreadable.set(k, attempt);
        this.options.logger.error({ err: error, docsource: k }, 'stored site could not be read');
      })
      .finally(() => {
        if (this.assembling.get(k) === wanted.id) this.assembling.delete(k);
        // A newer build may have been announced while this one decoded.
        this.assemble(k);
      });
  }
}
