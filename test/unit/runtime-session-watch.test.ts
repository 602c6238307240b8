import { describe, expect, it } from '@jest/globals';
import { KubeConfig, ListWatch, type KubernetesListObject, type V1ConfigMap } from '@kubernetes/client-node';
import { silenceRestartReport } from '../../src/runtime/informer.ts';
import { BOOKMARK_INTERVAL_MS, SessionWatch, WATCH_INACTIVITY_TIMEOUT_MS, type SessionHooks } from '../../src/runtime/session-watch.ts';
import { settle } from '../support/manual-clock.ts';

type Line = (type: string, object: unknown, raw?: unknown) => void;

/** A SessionWatch whose request is not sent: it records the query and lets the test deliver lines. */
class FedWatch extends SessionWatch {
  readonly queries: Record<string, unknown>[] = [];
  deliver: Line = () => {
    throw new Error('no watch opened yet');
  };

  protected override async open(_path: string, query: Record<string, unknown>, callback: Line): Promise<AbortController> {
    this.queries.push(query);
    this.deliver = (type, object) => callback(type, object, { type, object });
    return new AbortController();
  }
}

const configMap = (name: string, resourceVersion: string): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion },
});

/** A real ListWatch over a FedWatch, listing one ConfigMap at resourceVersion 10. */
async function startListWatch(current = true) {
  const activity: string[] = [];
  const hooks: SessionHooks = { isCurrent: () => current, onActivity: (type) => void activity.push(type) };
  const watch = new FedWatch(new KubeConfig(), hooks);
  const list = async (): Promise<KubernetesListObject<V1ConfigMap>> => ({
    apiVersion: 'v1',
    kind: 'ConfigMapList',
    metadata: { resourceVersion: '10' },
    items: [configMap('a', '9')],
  });
  const listWatch = new ListWatch<V1ConfigMap>('/api/v1/namespaces/ns/configmaps', watch, list, false);
  const changes: string[] = [];
  listWatch.on('add', (o) => void changes.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`));
  listWatch.on('update', (o) => void changes.push(`update ${o.metadata?.name}@${o.metadata?.resourceVersion}`));
  listWatch.on('delete', (o) => void changes.push(`delete ${o.metadata?.name}`));
  await listWatch.start();
  return { watch, listWatch, activity, changes };
}

describe('SessionWatch', () => {
  it('when it opens a watch, then it asks for bookmarks from the listed resourceVersion', async () => {
    const { watch } = await startListWatch();
    expect(watch.queries).toEqual([{ resourceVersion: '10', allowWatchBookmarks: true }]);
  });

  it('when a bookmark arrives, then it counts as activity, changes no object and moves the resume point', async () => {
    const { watch, listWatch, activity, changes } = await startListWatch();
    watch.deliver('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '57' } });
    await settle();
    expect(activity).toEqual(['BOOKMARK']);
    expect(changes).toEqual(['add a@9']);
    expect(listWatch.list('ns').map((o) => o.metadata?.name)).toEqual(['a']);
    expect(listWatch.latestResourceVersion()).toBe('57');
  });

  it('when events arrive, then each counts as activity with its type and reaches the cache', async () => {
    const { watch, activity, changes } = await startListWatch();
    watch.deliver('ADDED', configMap('b', '11'));
    watch.deliver('MODIFIED', configMap('a', '12'));
    watch.deliver('DELETED', configMap('b', '13'));
    await settle();
    expect(activity).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(changes).toEqual(['add a@9', 'add b@11', 'update a@12', 'delete b']);
  });

  it('when its session is no longer current, then lines are dropped: no activity, no change, no new resume point', async () => {
    const { watch, listWatch, activity, changes } = await startListWatch(false);
    watch.deliver('BOOKMARK', { metadata: { resourceVersion: '57' } });
    watch.deliver('ADDED', configMap('b', '58'));
    await settle();
    expect(activity).toEqual([]);
    expect(changes).toEqual(['add a@9']);
    expect(listWatch.latestResourceVersion()).toBe('10');
  });

  it('when the bookmark interval is compared with the timeouts, then a late or dropped bookmark cuts no live watch', () => {
    expect(WATCH_INACTIVITY_TIMEOUT_MS).toBeGreaterThanOrEqual(2 * BOOKMARK_INTERVAL_MS + 10_000);
  });
});

describe('silenceRestartReport', () => {
  it('when the apiserver has sent bookmarks before, then a silent watch was dead and it warns', () => {
    expect(silenceRestartReport(true)).toEqual({
      level: 'warn',
      message: expect.stringMatching(/^watch silent for too long; restarting: .*dead/),
    });
  });

  it('when no bookmark ever came, then silence may be a quiet resource and it only informs', () => {
    expect(silenceRestartReport(false)).toEqual({
      level: 'info',
      message: expect.stringMatching(/^watch silent for too long; restarting: .*no bookmarks/),
    });
  });
});
