import { describe, expect, it } from '@jest/globals';
import { deliveryFor, deliveryResourcesPresent, deliveryStatus } from '../../src/controllers/runtime-view/delivery.ts';
import { pruneDelivery } from '../../src/controllers/runtime-view/objects.ts';
import { COMPONENT_LABEL } from '../../src/scorecards/facts.ts';

const app = (name: string, health: string, sync: string, extra: { namespace?: string; destination?: string; message?: string } = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: extra.namespace ?? 'argocd' },
  spec: { destination: { namespace: extra.destination ?? 'shop' } },
  status: { health: { status: health, ...(extra.message ? { message: extra.message } : {}) }, sync: { status: sync } },
});

const flux = (
  kind: 'Kustomization' | 'HelmRelease',
  name: string,
  ready: 'True' | 'False' | 'Unknown',
  extra: { entity?: string; suspend?: boolean; namespace?: string } = {},
) => ({
  apiVersion: kind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io/v1' : 'helm.toolkit.fluxcd.io/v2',
  kind,
  metadata: { name, namespace: extra.namespace ?? 'shop', labels: extra.entity ? { [COMPONENT_LABEL]: extra.entity } : {} },
  spec: { suspend: extra.suspend ?? false },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: ready,
        reason: ready === 'True' ? 'ReconciliationSucceeded' : 'InstallFailed',
        message: ready === 'True' ? 'Applied revision: main@sha1:abc' : 'install retries exhausted',
      },
    ],
  },
});

describe('delivery health from Argo CD and Flux', () => {
  it('when an Argo CD Application reports health and sync, then both show, failing only when Degraded or Missing', () => {
    expect(deliveryStatus(app('orders', 'Healthy', 'Synced'))).toMatchObject({
      kind: 'Application',
      name: 'orders',
      health: 'Healthy',
      sync: 'Synced',
      healthClass: 'ok',
    });
    expect(deliveryStatus(app('orders', 'Healthy', 'OutOfSync'))).toMatchObject({ healthClass: 'wait' });
    expect(
      deliveryStatus(app('orders', 'Degraded', 'Synced', { message: 'Deployment "orders-api" exceeded its progress deadline' })),
    ).toMatchObject({
      health: 'Degraded',
      healthClass: 'bad',
      message: 'Deployment "orders-api" exceeded its progress deadline',
    });
    expect(deliveryStatus({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'new' } })).toMatchObject({
      health: 'Unknown',
      sync: 'Unknown',
    });
  });

  it('when a Flux Kustomization or HelmRelease has a Ready condition, then it reads Ready, Not ready with the message, or Suspended', () => {
    expect(deliveryStatus(flux('Kustomization', 'orders', 'True'))).toMatchObject({
      health: 'Ready',
      sync: 'ReconciliationSucceeded',
      healthClass: 'ok',
    });
    expect(deliveryStatus(flux('HelmRelease', 'orders', 'False'))).toMatchObject({
      health: 'Not ready',
      message: 'install retries exhausted',
      healthClass: 'bad',
    });
    expect(deliveryStatus(flux('HelmRelease', 'orders', 'False', { suspend: true }))).toMatchObject({
      health: 'Suspended',
      healthClass: 'wait',
    });
    expect(deliveryStatus(flux('Kustomization', 'orders', 'Unknown'))).toMatchObject({ health: 'Reconciling', healthClass: 'wait' });
  });

  it('when an object is of another kind, then it is not read as delivery', () => {
    expect(deliveryStatus({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toBeUndefined();
    expect(deliveryStatus({ apiVersion: 'example.com/v1', kind: 'Application', metadata: { name: 'x' } })).toBeUndefined();
  });

  it('when the entity names Applications and Flux objects carry its label, then those deploying into its namespace are its delivery, failing first', () => {
    const entity = { namespace: 'shop', name: 'orders', annotations: { 'argocd/app-name': 'orders, orders-db' } };
    const objects = [
      app('orders', 'Healthy', 'Synced'),
      app('orders-db', 'Degraded', 'Synced'),
      app('payments', 'Degraded', 'Synced'),
      // Named by the annotation, but it deploys into another team's namespace.
      app('orders', 'Healthy', 'Synced', { namespace: 'argocd-other', destination: 'payments' }),
      flux('Kustomization', 'orders', 'True', { entity: 'orders' }),
      flux('HelmRelease', 'checkout', 'True', { entity: 'checkout' }),
      flux('HelmRelease', 'orders', 'True', { entity: 'orders', namespace: 'elsewhere' }),
    ];
    expect(deliveryFor(entity, objects).map((d) => `${d.kind}/${d.namespace}/${d.name} ${d.health}`)).toEqual([
      'Application/argocd/orders-db Degraded',
      'Application/argocd/orders Healthy',
      'Kustomization/shop/orders Ready',
    ]);
  });

  it('when delivery objects are cached pruned, then they read the same, without the resource lists Argo CD keeps in status', () => {
    const entity = { namespace: 'shop', name: 'orders', annotations: { 'argocd/app-name': 'orders, orders-db' } };
    const heavy = {
      ...app('orders-db', 'Degraded', 'OutOfSync', { message: 'x'.repeat(5_000) }),
      status: {
        ...app('orders-db', 'Degraded', 'OutOfSync').status,
        health: { status: 'Degraded', message: 'x'.repeat(5_000) },
        resources: Array.from({ length: 500 }, (_, i) => ({
          kind: 'ConfigMap',
          name: `cm-${i}`,
          status: 'Synced',
          health: { status: 'Healthy' },
        })),
        conditions: [{ type: 'SyncError', message: 'y'.repeat(5_000) }],
      },
    };
    const objects = [
      app('orders', 'Healthy', 'Synced'),
      heavy,
      flux('Kustomization', 'orders', 'False', { entity: 'orders' }),
      flux('HelmRelease', 'orders', 'True', { entity: 'orders', suspend: true }),
    ];
    expect(deliveryFor(entity, objects.map(pruneDelivery))).toEqual(deliveryFor(entity, objects));
    expect(JSON.stringify(pruneDelivery(heavy)).length).toBeLessThan(JSON.stringify(heavy).length / 10);
  });

  it('when the cluster serves some delivery APIs, then discovery reports exactly those', async () => {
    const requests: string[] = [];
    const client = {
      request: async <T>(req: { path: string }): Promise<T> => {
        requests.push(req.path);
        return {
          kind: 'APIGroupList',
          groups: [
            { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] },
            { name: 'argoproj.io', versions: [{ groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' }] },
            {
              name: 'kustomize.toolkit.fluxcd.io',
              versions: [{ groupVersion: 'kustomize.toolkit.fluxcd.io/v1beta2', version: 'v1beta2' }],
            },
          ],
        } as T;
      },
    };
    expect((await deliveryResourcesPresent(client)).map((r) => r.kind)).toEqual(['Application']);
    expect(requests).toEqual(['/apis']);
    const none = { request: async <T>(): Promise<T> => ({ kind: 'APIGroupList', groups: [] }) as T };
    expect(await deliveryResourcesPresent(none)).toEqual([]);
  });
});
