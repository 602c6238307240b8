import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import { watch, type Watch } from '../../runtime/controller.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Source } from '../../runtime/source.ts';
import type { DocSourceObject } from './decide.ts';
import { CHUNK_SELECTOR } from './site-configmaps.ts';
import type { DocSites } from './sites.ts';

/** DocSources, and the ConfigMaps their builds are stored in (only those Greenroom labels as chunks). */
export interface DocSources {
  sources: Source<DocSourceObject>;
  chunks: Source<KubernetesObject>;
}

export const watchDocSources = (context: ControllerContext): DocSources => ({
  sources: context.watch<DocSourceObject>(RESOURCES.docSources, { name: 'docsource' }),
  chunks: context.watch<KubernetesObject>(RESOURCES.configMaps, { name: 'docsite-configmap', labelSelector: CHUNK_SELECTOR }),
});

/**
 * Every event first updates the served sites (the read model every replica keeps); a
 * DocSource's own change, or its deletion (to forget its planned checks), is queued for the
 * leader's look. A chunk's change queues nothing: the build it belongs to was the leader's.
 */
export function docSourceWatches({ sources, chunks }: DocSources, sites: DocSites): Watch[] {
  return [
    watch(sources, ({ type, object, previous }) => {
      if (type === 'delete') sites.sourceRemoved(object);
      else sites.sourceChanged(object, previous);
      return [keyOf(object)];
    }),
    watch(chunks, ({ type, object }) => {
      if (type !== 'delete') sites.chunkChanged(object);
      return [];
    }),
  ];
}
