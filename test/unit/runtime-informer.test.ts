import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { KubeConfig, ListWatch, type KubernetesListObject, type V1ConfigMap } from '@kubernetes/client-node';
import { createLogger } from '../../src/observability/logger.ts';
import { Informer, type InformerOptions } from '../../src/runtime/informer.ts';
import { SessionWatch, type SessionHooks } from '../../src/runtime/session-watch.ts';
import { manualClock, settle } from '../support/manual-clock.ts';

type Line = (type: string, object: unknown) => void;

/** A SessionWatch whose request is not sent: the test delivers its lines. */
class FedWatch extends SessionWatch {
  deliver: Line = () => {
    throw new Error('no watch opened yet');
  };

  protected override async open(_path: string, _query: unknown, callback: (type: string, object: unknown, raw: unknown) => void) {
    this.deliver = (type, object) => callback(type, object, { type, object });
    return new AbortController();
  }
}

/** An Informer whose sessions watch through a FedWatch instead of a server. */
class FedInformer extends Informer<V1ConfigMap> {
  watch: FedWatch | undefined;

  protected override sessionWatch(hooks: SessionHooks): SessionWatch {
    return (this.watch = new FedWatch(new KubeConfig(), hooks));
  }
}

/** A ConfigMap as the apiserver sends it: a big payload and managedFields besides the one key a reader wants. */
const configMap = (name: string, resourceVersion: string, v: string): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion, uid: `uid-${name}`, managedFields: [{ manager: 'kubectl' }] },
  data: { v, payload: 'x'.repeat(10_000) },
});

/** Keeps what the informer needs and `data.v`, and marks the copy so a test can tell it was made. */
const keepV = (object: V1ConfigMap): V1ConfigMap => {
  const { name, namespace, resourceVersion, uid } = object.metadata ?? {};
  return { metadata: { name, namespace, resourceVersion, uid, labels: { transformed: 'yes' } }, data: { v: object.data?.v ?? '' } };
};

const running: Informer<V1ConfigMap>[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(running.splice(0).map((informer) => informer.stop()));
});

async function startInformer(options: Partial<InformerOptions<V1ConfigMap>> = {}) {
  const lists: KubernetesListObject<V1ConfigMap>[] = [
    { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '10' }, items: [configMap('a', '9', '1')] },
  ];
  const transformed: string[] = [];
  const transform = (object: V1ConfigMap): V1ConfigMap => (transformed.push(object.metadata?.name ?? ''), keepV(object));
  // The ListWatch of each session, to read the map client-node keeps of its own.
  const on = jest.spyOn(ListWatch.prototype, 'on');
  const informer = new FedInformer({
    kubeConfig: new KubeConfig(),
    path: '/api/v1/namespaces/ns/configmaps',
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    clock: manualClock(0),
    list: async () => lists[0]!,
    transform,
    ...options,
  });
  running.push(informer);
  const events: string[] = [];
  informer.on('add', (o) => void events.push(`add ${o.metadata?.name}=${o.data?.v} ${o.metadata?.labels?.transformed}`));
  informer.on(
    'update',
    (o, p) => void events.push(`update ${o.metadata?.name} ${p.data?.v}->${o.data?.v} ${o.metadata?.labels?.transformed}`),
  );
  informer.on('delete', (o) => void events.push(`delete ${o.metadata?.name} ${o.metadata?.labels?.transformed}`));
  await informer.start();
  await settle();
  const listWatch = on.mock.contexts.at(-1) as ListWatch<V1ConfigMap>;
  return { informer, watch: informer.watch!, listWatch, events, transformed };
}

describe('Informer with a transform', () => {
  it('when the first list arrives, then the cache, the events and ListWatch hold the transformed objects, each transformed once', async () => {
    const { informer, listWatch, events, transformed } = await startInformer();
    expect(informer.list()).toEqual([keepV(configMap('a', '9', '1'))]);
    expect(listWatch.list('ns')).toEqual([keepV(configMap('a', '9', '1'))]);
    expect(events).toEqual(['add a=1 yes']);
    expect(transformed).toEqual(['a']);
  });

  it('when watch events arrive, then each object is cached transformed, and deletes carry the transformed object too', async () => {
    const { informer, watch, listWatch, events, transformed } = await startInformer();
    watch.deliver('ADDED', configMap('b', '11', '2'));
    watch.deliver('MODIFIED', configMap('a', '12', '3'));
    await settle();
    expect(informer.get('ns', 'a')).toEqual(keepV(configMap('a', '12', '3')));
    expect(informer.get('ns', 'b')).toEqual(keepV(configMap('b', '11', '2')));
    expect(listWatch.list('ns').map((o) => o.data)).toEqual([{ v: '3' }, { v: '2' }]);
    watch.deliver('DELETED', configMap('b', '13', '2'));
    await settle();
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['a']);
    expect(events).toEqual(['add a=1 yes', 'add b=2 yes', 'update a 1->3 yes', 'delete b yes']);
    expect(transformed).toEqual(['a', 'b', 'a', 'b']);
  });

  it('when a bookmark or an error line arrives, then it is not transformed: ListWatch reads its resourceVersion and code', async () => {
    const { watch, listWatch, transformed } = await startInformer();
    watch.deliver('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '57' } });
    await settle();
    expect(listWatch.latestResourceVersion()).toBe('57');
    watch.deliver('ERROR', { kind: 'Status', code: 410, metadata: {} });
    await settle();
    expect(listWatch.latestResourceVersion()).toBe('');
    expect(transformed).toEqual(['a']);
  });

  it('when the periodic relist comes, then the watch goes on, only what it missed is reported, and unchanged objects are not transformed again', async () => {
    const clock = manualClock(0);
    let listed: V1ConfigMap[] = [configMap('a', '9', '1')];
    const { watch, events, transformed } = await startInformer({
      clock,
      relistIntervalMs: 1000,
      list: async () => ({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '20' }, items: listed }),
    });
    watch.deliver('ADDED', configMap('b', '11', '2'));
    await settle();
    // The list has what the watch delivered, and one object the watch missed.
    listed = [configMap('a', '9', '1'), configMap('b', '11', '2'), configMap('c', '15', '3')];
    await clock.advance(1000);
    await settle();
    expect(events).toEqual(['add a=1 yes', 'add b=2 yes', 'add c=3 yes']);
    expect(transformed).toEqual(['a', 'b', 'c']);
    // The same watch still delivers: no new session was opened.
    watch.deliver('MODIFIED', configMap('a', '21', '4'));
    await settle();
    expect(events.at(-1)).toBe('update a 1->4 yes');
  });

  it('when no transform is given, then objects are cached whole but for their managedFields', async () => {
    const { informer, watch } = await startInformer({ transform: undefined });
    watch.deliver('ADDED', configMap('b', '11', '2'));
    await settle();
    const { managedFields: _a, ...listed } = configMap('a', '9', '1').metadata!;
    const { managedFields: _b, ...watched } = configMap('b', '11', '2').metadata!;
    expect(informer.list()).toEqual([
      { ...configMap('a', '9', '1'), metadata: listed },
      { ...configMap('b', '11', '2'), metadata: watched },
    ]);
  });
});
