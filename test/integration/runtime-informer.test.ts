import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { waitFor } from '../../src/local-cluster/health.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Informer, type InformerOptions } from '../../src/runtime/informer.ts';
import { startFaultyProxy, type FaultyProxy } from '../support/tcp-proxy.ts';

const namespace = 'runtime-informer';
const kubeConfig = loadKubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);
const path = `/api/v1/namespaces/${namespace}/configmaps`;
const running: Informer<KubernetesObject>[] = [];
const proxies: FaultyProxy[] = [];

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((informer) => informer.stop()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace });
});

/** Each test labels its ConfigMaps and watches only those, so tests do not see each other's. */
function configMaps(test: string) {
  const labels = { test };
  return {
    labelSelector: `test=${test}`,
    create: (name: string, v: string) => core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels }, data: { v } } }),
    update: (name: string, v: string) =>
      core.replaceNamespacedConfigMap({ name, namespace, body: { metadata: { name, labels }, data: { v } } }),
    remove: (name: string) => core.deleteNamespacedConfigMap({ name, namespace }),
  };
}

interface Started {
  informer: Informer<V1ConfigMap>;
  /** Events in arrival order, as "add a=1", "update a 1->2", "delete a". */
  events: string[];
  registry: Registry;
  logs: string[];
}

async function startInformer({
  config,
  ...options
}: Partial<InformerOptions<V1ConfigMap>> & { config?: KubeConfig; labelSelector: string }): Promise<Started> {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) });
  const registry = new Registry();
  const informer = new Informer<V1ConfigMap>({
    kubeConfig: config ?? kubeConfig,
    path,
    logger: createLogger('info', sink),
    registry,
    backoff: { initialMs: 100, maxMs: 400 },
    ...options,
  });
  const events: string[] = [];
  informer.on('add', (o) => void events.push(`add ${o.metadata?.name}=${o.data?.v}`));
  informer.on('update', (o, previous) => void events.push(`update ${o.metadata?.name} ${previous.data?.v}->${o.data?.v}`));
  informer.on('delete', (o) => void events.push(`delete ${o.metadata?.name}`));
  running.push(informer as Informer<KubernetesObject>);
  await informer.start();
  return { informer, events, registry, logs };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  await waitFor(async () => check(), { what, timeoutMs, intervalMs: 25 });
}

async function restarts(registry: Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('greenroom_informer_restarts_total')?.get();
  return metric?.values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

async function bookmarks(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('greenroom_informer_watch_bookmarks_total')?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

/** Log lines at warn (40) or above. */
function warnings(logs: string[]): string[] {
  return logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 40);
}

describe('Informer against the real apiserver', () => {
  it('when ConfigMaps are created, updated and deleted, then it reports add, update and delete and its cache follows', async () => {
    const cm = configMaps('basic');
    await cm.create('existing', '1');
    const { informer, events } = await startInformer({ labelSelector: cm.labelSelector });
    expect(informer.hasSynced()).toBe(true);
    expect(events).toEqual(['add existing=1']);
    expect(informer.get(namespace, 'existing')?.kind).toBe('ConfigMap');

    await cm.create('fresh', '1');
    await cm.update('fresh', '2');
    await cm.remove('existing');
    await until('all events', () => events.length === 4);
    expect(events).toEqual(['add existing=1', 'add fresh=1', 'update fresh 1->2', 'delete existing']);
    expect(informer.list(namespace).map((o) => `${o.metadata?.name}=${o.data?.v}`)).toEqual(['fresh=2']);
    expect(informer.get(namespace, 'existing')).toBeUndefined();
  });

  it('when it lists in pages smaller than the collection, then every object arrives once and the watch goes on from the list', async () => {
    const cm = configMaps('paged');
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await cm.create(name, '1');
    const { informer, events } = await startInformer({ labelSelector: cm.labelSelector, listPageSize: 2 });
    expect([...events].sort()).toEqual(['add p1=1', 'add p2=1', 'add p3=1', 'add p4=1', 'add p5=1']);
    await cm.update('p3', '2');
    await until('the update after a paged list', () => events.includes('update p3 1->2'));
    expect(events).toHaveLength(6);
    expect(informer.list(namespace)).toHaveLength(5);
  });

  it('when the watch is restarted and nothing changed meanwhile, then no event is repeated', async () => {
    const cm = configMaps('restart');
    await cm.create('steady', '1');
    const { informer, events, registry } = await startInformer({ labelSelector: cm.labelSelector });
    informer.restartWatch();
    await cm.create('after-restart', '1');
    await until('the add after the restart', () => events.includes('add after-restart=1'));
    expect(events).toEqual(['add steady=1', 'add after-restart=1']);
    expect(await restarts(registry, 'manual')).toBe(1);
  });

  it('when the connection is cut and changes happen meanwhile, then after reconnecting each change is reported once', async () => {
    const cm = configMaps('outage');
    await cm.create('updated', '1');
    await cm.create('deleted', '1');
    const proxy = await startFaultyProxy(kubeConfig);
    proxies.push(proxy);
    const { events, registry } = await startInformer({ labelSelector: cm.labelSelector, config: proxy.kubeConfig });

    proxy.cut();
    await cm.update('updated', '2');
    await cm.remove('deleted');
    await cm.create('created', '1');
    await waitFor(async () => (await restarts(registry, 'error')) >= 1, {
      what: 'a restart after the cut',
      timeoutMs: 5000,
      intervalMs: 25,
    });
    proxy.restore();

    await until('the missed changes', () => events.length === 5);
    expect(events.slice(0, 2).sort()).toEqual(['add deleted=1', 'add updated=1']);
    expect(events.slice(2).sort()).toEqual(['add created=1', 'delete deleted', 'update updated 1->2']);
  });

  it('when the watch connection stalls silently, then the watchdog restarts it and a change made meanwhile arrives', async () => {
    const cm = configMaps('stall');
    const proxy = await startFaultyProxy(kubeConfig);
    proxies.push(proxy);
    const { events, registry, logs } = await startInformer({
      labelSelector: cm.labelSelector,
      config: proxy.kubeConfig,
      silenceTimeoutMs: 1000,
    });
    await cm.create('probe', '1');
    await until('the watch to be live', () => events.includes('add probe=1'));
    proxy.stall();
    await cm.create('during-stall', '1');
    // Well inside client-node's own 30 s inactivity timeout: only the watchdog can have done this.
    await until('the add made during the stall', () => events.includes('add during-stall=1'), 8000);
    expect(await restarts(registry, 'silence')).toBeGreaterThanOrEqual(1);
    expect(logs.join('')).toMatch(/watch silent for too long; restarting/);
  });

  // About 1.5 minutes: kube-apiserver sends a watch its first bookmark about a minute after it
  // opens, once the resourceVersion its watch cache has seen passed the watch's. For these idle
  // ConfigMaps that takes etcd's watch progress notifications (every 5 s, see etcdArgs), which
  // carry etcd's revision, moved every 10 s by kube-apiserver's own lease. Without them no
  // bookmark came for minutes, unless some other test happened to write a ConfigMap.
  it('when the watched ConfigMaps stay idle past the silence timeout, then bookmarks keep the watch alive and quiet', async () => {
    const cm = configMaps('idle');
    await cm.create('resting', '1');
    // Longer than one bookmark interval, shorter than the wait below: only a bookmark can keep the watchdog quiet.
    const silenceTimeoutMs = 90_000;
    const watchedSince = Date.now();
    const { events, registry, logs } = await startInformer({ labelSelector: cm.labelSelector, silenceTimeoutMs });
    await waitFor(async () => (await bookmarks(registry)) >= 1, { what: 'a bookmark', timeoutMs: silenceTimeoutMs, intervalMs: 250 });
    await new Promise((resolve) => setTimeout(resolve, watchedSince + silenceTimeoutMs + 3000 - Date.now()));
    expect(await restarts(registry, 'silence')).toBe(0);
    expect(warnings(logs)).toEqual([]);
    expect(events).toEqual(['add resting=1']);
  }, 120_000);

  it('when the relist interval passes, then it relists and reports only what changed', async () => {
    const cm = configMaps('relist');
    await cm.create('listed', '1');
    const { events, registry } = await startInformer({ labelSelector: cm.labelSelector, relistIntervalMs: 300 });
    await waitFor(async () => (await restarts(registry, 'relist')) >= 2, { what: 'two relists', timeoutMs: 5000, intervalMs: 25 });
    expect(events).toEqual(['add listed=1']);
  });

  it('when a handler throws or its promise rejects, then the failure is logged and counted and later events still arrive', async () => {
    const cm = configMaps('handlers');
    const { informer, events, registry, logs } = await startInformer({ labelSelector: cm.labelSelector });
    informer.on('add', () => {
      throw new Error('handler exploded');
    });
    informer.on('add', async () => Promise.reject(new Error('handler rejected')));
    await cm.create('first', '1');
    await cm.create('second', '1');
    await until('both adds', () => events.length === 2);
    await waitFor(async () => logs.join('').includes('handler rejected'), {
      what: 'the rejection logged',
      timeoutMs: 2000,
      intervalMs: 25,
    });
    expect(logs.join('')).toMatch(/handler exploded/);
    const failures = await registry.getSingleMetric('greenroom_informer_handler_errors_total')?.get();
    expect(failures?.values[0]?.value).toBe(4);
  });

  it('when it watches a Greenroom custom resource, then it reports the objects with their kind', async () => {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const group = 'greenroom.dev';
    const version = 'v1alpha1';
    const informer = new Informer<KubernetesObject>({
      kubeConfig,
      path: `/apis/${group}/${version}/namespaces/${namespace}/systems`,
      logger: createLogger('silent'),
    });
    running.push(informer);
    const added: string[] = [];
    informer.on('add', (o) => void added.push(`${o.kind}/${o.metadata?.name}`));
    await informer.start();
    await custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'systems',
      body: { apiVersion: `${group}/${version}`, kind: 'System', metadata: { name: 'payments' }, spec: { owner: 'team-payments' } },
    });
    await until('the System add', () => added.length === 1);
    expect(added).toEqual(['System/payments']);
    expect(informer.get(namespace, 'payments')?.metadata?.name).toBe('payments');
  });
});
