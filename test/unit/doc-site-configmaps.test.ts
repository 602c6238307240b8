import { describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DocSourceObject } from '../../src/controllers/doc-source/decide.ts';
import { chunkName, otherBuildsLeft, servedChunks, SITE_ID, SOURCE_UID } from '../../src/controllers/doc-source/site-configmaps.ts';

const source: DocSourceObject = {
  metadata: { name: 'orders-docs', namespace: 'team-a', uid: 'uid-orders' },
  spec: { entityRef: 'orders', source: { configMapRef: { name: 'orders-docs' } } },
  status: { site: { id: 'new', chunks: 2, bytes: 10, generation: 1 } },
};
const chunk = (
  uid: string,
  site: string,
  index: number,
  name = chunkName(uid === 'uid-orders' ? 'orders-docs' : 'other-docs', site, index),
): KubernetesObject => ({
  metadata: {
    name,
    namespace: 'team-a',
    labels: { [SOURCE_UID]: uid, [SITE_ID]: site },
    annotations: { 'greenroom.dev/chunk': String(index) },
    ownerReferences: [{ apiVersion: 'greenroom.dev/v1alpha1', kind: 'DocSource', name: 'orders-docs', uid, controller: true }],
  },
});

describe('the ConfigMaps that hold built sites', () => {
  it('when the cache holds several builds and other sources, then the served build is its own chunks in order', () => {
    const all = [chunk('uid-orders', 'new', 1), chunk('uid-orders', 'old', 0), chunk('uid-other', 'new', 0), chunk('uid-orders', 'new', 0)];
    expect(servedChunks(all, source).map((c) => c.metadata?.name)).toEqual(['orders-docs-site-new-0', 'orders-docs-site-new-1']);
  });

  it("when a ConfigMap copies a chunk's labels under another name, or takes a chunk's name without the DocSource owning it, then it is not taken as a chunk", () => {
    const lookalike = chunk('uid-orders', 'new', 1, 'tenant-made');
    expect(servedChunks([chunk('uid-orders', 'new', 0), lookalike], source)).toHaveLength(1);
    const squatter = { metadata: { ...chunk('uid-orders', 'new', 1).metadata, ownerReferences: [] } };
    expect(servedChunks([chunk('uid-orders', 'new', 0), squatter], source)).toHaveLength(1);
  });

  it("when a build other than the served one is still cached, then it is left over; another source's builds are not", () => {
    expect(otherBuildsLeft([chunk('uid-orders', 'new', 0), chunk('uid-orders', 'old', 0)], source)).toBe(true);
    expect(otherBuildsLeft([chunk('uid-orders', 'new', 0), chunk('uid-other', 'old', 0)], source)).toBe(false);
  });
});
