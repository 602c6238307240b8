import { describe, expect, it } from '@jest/globals';
import { bindsTo, factsFor, floatingTag, type ContainerSpec, type PdbObject, type WorkloadObject } from '../../src/scorecards/facts.ts';
import type { LabelSelector } from '../../src/scorecards/types.ts';
import { component } from '../fixtures/entities.ts';

const orders = component('orders', {}, 'shop');

const goodContainer = (image: string): ContainerSpec => ({
  name: 'app',
  image,
  resources: { limits: { cpu: '500m', memory: '256Mi' } },
  livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
});

interface WorkloadOptions {
  kind?: 'Deployment' | 'StatefulSet';
  namespace?: string;
  labels?: Record<string, string>;
  podLabels?: Record<string, string>;
  replicas?: number;
  readyReplicas?: number;
  containers?: ContainerSpec[];
}

/** A Deployment (or StatefulSet) as the apiserver would list it, bound to orders unless told. */
function workload(name: string, options: WorkloadOptions = {}): WorkloadObject {
  const podLabels = options.podLabels ?? { app: name };
  return {
    kind: options.kind ?? 'Deployment',
    metadata: { name, namespace: options.namespace ?? 'shop', labels: options.labels ?? { 'greenroom.dev/component': 'orders' } },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: options.containers ?? [goodContainer('registry.example.com/orders:1.4.2')] },
      },
    },
    status: { readyReplicas: options.readyReplicas ?? options.replicas ?? 1 },
  };
}

function pdb(name: string, selector: LabelSelector | undefined, namespace = 'shop'): PdbObject {
  return { metadata: { name, namespace }, spec: selector ? { selector } : {} };
}

describe('runtime facts from Deployments, StatefulSets and PodDisruptionBudgets', () => {
  it('when nothing in the cluster names the entity, then it has no workload and every all-of fact is false', () => {
    const facts = factsFor(orders, [workload('other', { labels: { 'greenroom.dev/component': 'payments' } })], []);
    expect(facts).toEqual({
      workloads: [],
      hasWorkload: false,
      replicas: 0,
      readyReplicas: 0,
      images: [],
      latestTag: false,
      limitsSet: false,
      probesSet: false,
      pdbCovered: false,
    });
  });

  it("when workloads carry Greenroom's or Backstage's label, then both bind and their replicas add up", () => {
    const api = workload('orders-api', { replicas: 3, readyReplicas: 2 });
    const db = workload('orders-db', { kind: 'StatefulSet', replicas: 2, labels: { 'backstage.io/kubernetes-id': 'orders' } });
    const facts = factsFor(orders, [db, api], [pdb('all', {})]);
    expect(facts.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['Deployment/orders-api', 'StatefulSet/orders-db']);
    expect(facts).toMatchObject({
      hasWorkload: true,
      replicas: 5,
      readyReplicas: 4,
      limitsSet: true,
      probesSet: true,
      pdbCovered: true,
      latestTag: false,
    });
    expect(bindsTo(db)).toBe('orders');
  });

  it('when a labelled workload is in another namespace, then it does not bind', () => {
    expect(factsFor(orders, [workload('orders-api', { namespace: 'staging' })], []).hasWorkload).toBe(false);
  });

  it('when a Deployment leaves replicas out, then it counts as the one replica the apiserver defaults to', () => {
    expect(factsFor(orders, [workload('orders-api')], []).replicas).toBe(1);
  });

  it.each([
    ['nginx', true],
    ['nginx:latest', true],
    ['registry.example.com:5000/team/orders', true],
    ['registry.example.com:5000/team/orders:2.0', false],
    ['nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', false],
    ['nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', false],
  ])('when an image is %s, then latestTag is %s', (image, floating) => {
    expect(floatingTag(image)).toBe(floating);
    expect(factsFor(orders, [workload('orders-api', { containers: [goodContainer(image)] })], []).latestTag).toBe(floating);
  });

  it('when one of two containers lacks a memory limit or a readiness probe, then limitsSet or probesSet is false', () => {
    const noMemory = { ...goodContainer('envoy:1.30'), resources: { limits: { cpu: '100m' } } };
    const noReadiness = { ...goodContainer('envoy:1.30'), readinessProbe: undefined };
    const limits = factsFor(orders, [workload('orders-api', { containers: [goodContainer('orders:1'), noMemory] })], []);
    expect(limits).toMatchObject({ limitsSet: false, probesSet: true, images: ['envoy:1.30', 'orders:1'] });
    const probes = factsFor(orders, [workload('orders-api', { containers: [goodContainer('orders:1'), noReadiness] })], []);
    expect(probes).toMatchObject({ limitsSet: true, probesSet: false });
  });

  it('when only one of two bound workloads is covered by a PDB, then pdbCovered is false for the entity but true for that workload', () => {
    const budgets = [pdb('api', { matchLabels: { app: 'orders-api' } })];
    const facts = factsFor(orders, [workload('orders-api'), workload('orders-worker')], budgets);
    expect(facts.workloads.map((w) => [w.name, w.pdbCovered])).toEqual([
      ['orders-api', true],
      ['orders-worker', false],
    ]);
    expect(facts.pdbCovered).toBe(false);
  });

  it('when a PDB selects pods by matchExpressions, then it covers the workloads whose pod template matches', () => {
    const budgets = [
      pdb('tier', {
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['backend'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ];
    const backend = workload('orders-api', { podLabels: { app: 'orders-api', tier: 'backend' } });
    const canary = workload('orders-api-canary', { podLabels: { app: 'orders-api', tier: 'backend', canary: 'true' } });
    expect(factsFor(orders, [backend], budgets).pdbCovered).toBe(true);
    expect(factsFor(orders, [canary], budgets).pdbCovered).toBe(false);
  });

  it('when a PDB has no selector, lives in another namespace or selects other pods, then it covers nothing', () => {
    const budgets = [pdb('none', undefined), pdb('elsewhere', {}, 'staging'), pdb('other', { matchLabels: { app: 'payments' } })];
    expect(factsFor(orders, [workload('orders-api')], budgets).pdbCovered).toBe(false);
  });

  it("when a workload names no entity, then bindsTo says so; when it has both labels, then Greenroom's wins", () => {
    expect(bindsTo(workload('x', { labels: { app: 'x' } }))).toBeUndefined();
    expect(bindsTo(workload('x', { labels: { 'greenroom.dev/component': 'orders', 'backstage.io/kubernetes-id': 'legacy' } }))).toBe(
      'orders',
    );
  });
});
