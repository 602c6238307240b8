import { describe, expect, it } from '@jest/globals';
import { SOURCE_LABEL } from '../../src/api/v1alpha1/catalog-source.ts';
import {
  desiredObject,
  ORIGIN_LINE_ANNOTATION,
  ORIGIN_LOCATION_ANNOTATION,
  planSync,
  SOURCE_DIGEST_ANNOTATION,
  type CatalogEntry,
} from '../../src/catalog-sources/plan.ts';
import type { SourcedEntity, SourceSnapshot } from '../../src/catalog-sources/provider.ts';

const source = { namespace: 'payments', name: 'backstage' };

const component = (name: string, owner = 'team-a', extra: Partial<SourcedEntity['object']['metadata']> = {}): SourcedEntity => ({
  object: {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations: {}, ...extra },
    spec: { type: 'service', lifecycle: 'production', owner },
  },
  origin: { location: `services/${name}/catalog-info.yaml`, line: 1 },
});

const snapshot = (...entities: SourcedEntity[]): SourceSnapshot => ({ revision: 'abc', entities, problems: [] });

/** What the informer cache would hold after the source wrote these entities. */
const written = (...entities: SourcedEntity[]): CatalogEntry[] =>
  entities.map((entity) => {
    const object = desiredObject(source, entity);
    return { kind: object.kind, name: object.metadata.name, labels: object.metadata.labels, annotations: object.metadata.annotations };
  });

describe('the sync plan of a catalog source', () => {
  it('when the catalog holds nothing yet, then every entity is created in the source namespace, labelled with the source and its origin', () => {
    const plan = planSync(source, snapshot(component('orders'), component('billing')), []);
    expect(plan.apply.map((a) => [a.change, a.object.metadata.name])).toEqual([
      ['create', 'orders'],
      ['create', 'billing'],
    ]);
    const orders = plan.apply[0]!.object;
    expect(orders.metadata.namespace).toBe('payments');
    expect(orders.metadata.labels?.[SOURCE_LABEL]).toBe('backstage');
    expect(orders.metadata.annotations).toMatchObject({
      [ORIGIN_LOCATION_ANNOTATION]: 'services/orders/catalog-info.yaml',
      [ORIGIN_LINE_ANNOTATION]: '1',
    });
    expect(plan.held).toBe(2);
    expect(plan.remove).toEqual([]);
  });

  it('when nothing changed since the last sync, then nothing is applied or removed', () => {
    const entities = [component('orders'), component('billing')];
    const plan = planSync(source, snapshot(...entities), written(...entities));
    expect(plan).toMatchObject({ apply: [], remove: [], unchanged: 2, held: 2, conflicts: [] });
  });

  it("when an entity's spec changed at the source, then only it is updated", () => {
    const plan = planSync(
      source,
      snapshot(component('orders', 'team-b'), component('billing')),
      written(component('orders'), component('billing')),
    );
    expect(plan.apply.map((a) => [a.change, a.object.metadata.name])).toEqual([['update', 'orders']]);
    expect(plan.unchanged).toBe(1);
  });

  it('when an entity moved to another line of its file, then it is updated (its origin changed)', () => {
    const moved = { ...component('orders'), origin: { location: 'services/orders/catalog-info.yaml', line: 12 } };
    expect(planSync(source, snapshot(moved), written(component('orders'))).apply.map((a) => a.change)).toEqual(['update']);
  });

  it('when the source no longer holds an entity it wrote, then that entity is removed, and entities of others never are', () => {
    const byHand: CatalogEntry = { kind: 'Component', name: 'legacy' };
    const other: CatalogEntry = { kind: 'Component', name: 'theirs', labels: { [SOURCE_LABEL]: 'ldap' } };
    const plan = planSync(source, snapshot(component('orders')), [...written(component('orders'), component('gone')), byHand, other]);
    expect(plan.remove).toEqual([{ kind: 'Component', name: 'gone' }]);
  });

  it('when a file now fails to convert, then the entities it held are kept, not removed', () => {
    const problems = [{ location: 'services/gone/catalog-info.yaml', line: 2, reason: 'not valid YAML' }];
    const plan = planSync(source, { ...snapshot(component('orders')), problems }, written(component('orders'), component('gone')));
    expect(plan.remove).toEqual([]);
    expect(plan.held).toBe(2);
  });

  it('when an entity is already held by a person or by another source, then it is left alone and named as a conflict', () => {
    const current: CatalogEntry[] = [
      { kind: 'Component', name: 'orders', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      { kind: 'Component', name: 'billing', labels: { [SOURCE_LABEL]: 'gitops' } },
    ];
    const plan = planSync(source, snapshot(component('orders'), component('billing'), component('ledger')), current);
    expect(plan.conflicts).toEqual([
      { kind: 'Component', name: 'orders', holder: 'someone else', location: 'services/orders/catalog-info.yaml' },
      { kind: 'Component', name: 'billing', holder: 'CatalogSource gitops', location: 'services/billing/catalog-info.yaml' },
    ]);
    expect(plan.apply.map((a) => a.object.metadata.name)).toEqual(['ledger']);
    expect(plan.remove).toEqual([]);
    expect(plan.held).toBe(1);
  });

  it('when a file names another namespace, then the entity is still written only to the source namespace and the placement is reported', () => {
    const plan = planSync(source, snapshot(component('orders', 'team-a', { namespace: 'kube-system' })), []);
    expect(plan.apply[0]!.object.metadata.namespace).toBe('payments');
    expect(plan.problems).toEqual([
      expect.objectContaining({
        location: 'services/orders/catalog-info.yaml',
        reason: expect.stringMatching(/names namespace kube-system/),
      }),
    ]);
  });

  it('when two files define the same entity, then the first is used and the second reported', () => {
    const second = { ...component('orders', 'team-b'), origin: { location: 'other/catalog-info.yaml', line: 4 } };
    const plan = planSync(source, snapshot(component('orders'), second), []);
    expect(plan.apply.map((a) => a.object.spec.owner)).toEqual(['team-a']);
    expect(plan.problems).toEqual([
      { location: 'other/catalog-info.yaml', line: 4, reason: expect.stringMatching(/defined more than once/) },
    ]);
  });

  it('when the same object is described twice, then its digest is the same whatever the key order', () => {
    const a = desiredObject(source, component('orders'));
    const reordered = component('orders');
    reordered.object.spec = { owner: 'team-a', lifecycle: 'production', type: 'service' };
    expect(desiredObject(source, reordered).metadata.annotations[SOURCE_DIGEST_ANNOTATION]).toBe(
      a.metadata.annotations[SOURCE_DIGEST_ANNOTATION],
    );
  });
});
