import { describe, expect, it } from '@jest/globals';
import { compactCatalogObject, StringPool } from '../../src/catalog/compact.ts';
import { toEntity } from '../../src/catalog/entity.ts';

const object = (name: string) => ({
  apiVersion: 'greenroom.dev/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    generation: 3,
    resourceVersion: '42',
    labels: { team: 'a' },
    annotations: { note: 'x' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'team-a',
    dependsOn: ['resource:db', 'resource:cache'],
    description: 'Checkout',
    tags: [],
  },
  status: {
    observedGeneration: 3,
    relations: [{ type: 'dependsOn', target: 'resource:shop/db' }],
    conditions: [
      {
        type: 'Ready',
        status: 'True' as const,
        reason: 'ReferencesResolved',
        message: 'References resolved.',
        lastTransitionTime: '2026-12-04T10:00:00Z',
        observedGeneration: 3,
      },
    ],
  },
});

describe('catalog objects as the operator keeps them', () => {
  it('when objects are compacted with a shared pool, then each still reads exactly as it came, and so does the entity made from it', () => {
    const pool = new StringPool();
    for (const name of ['checkout', 'cart', 'search']) {
      const original = object(name);
      const kept = compactCatalogObject(structuredClone(original), pool);
      expect(kept).toEqual(original);
      expect(toEntity(kept)).toEqual(toEntity(original));
    }
  });

  it('when a value is very long or not a string, then it is kept as it is', () => {
    const long = 'x'.repeat(5000);
    const kept = compactCatalogObject({ ...object('a'), spec: { owner: long, replicas: 3, flag: true, nothing: null } }, new StringPool());
    expect(kept.spec).toEqual({ owner: long, replicas: 3, flag: true, nothing: null });
  });
});
