import { describe, expect, it } from '@jest/globals';
import { applyWatchEvent, diffSnapshots, snapshotOf } from '../../src/runtime/object-cache.ts';

function configMap(name: string, resourceVersion: string | undefined, namespace: string | undefined = 'team-a') {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion } };
}

describe('diffSnapshots', () => {
  it('when objects appear, change resourceVersion or disappear, then it reports add, update and delete', () => {
    const before = snapshotOf([configMap('kept', '1'), configMap('changed', '2'), configMap('gone', '3')]);
    const after = snapshotOf([configMap('kept', '1'), configMap('changed', '7'), configMap('new', '8')]);
    expect(diffSnapshots(before, after)).toEqual([
      { type: 'update', object: configMap('changed', '7'), previous: configMap('changed', '2') },
      { type: 'add', object: configMap('new', '8') },
      { type: 'delete', object: configMap('gone', '3') },
    ]);
  });

  it('when nothing changed, then it reports nothing', () => {
    const items = [configMap('a', '1'), configMap('b', '2', undefined)];
    expect(diffSnapshots(snapshotOf(items), snapshotOf(items.map((item) => structuredClone(item))))).toEqual([]);
  });

  it('when the same name lives in two namespaces, then they are told apart', () => {
    const before = snapshotOf([configMap('app', '1', 'team-a')]);
    const after = snapshotOf([configMap('app', '1', 'team-a'), configMap('app', '2', 'team-b')]);
    expect(diffSnapshots(before, after)).toEqual([{ type: 'add', object: configMap('app', '2', 'team-b') }]);
  });

  it('when an object has no resourceVersion, then it always counts as updated', () => {
    const before = snapshotOf([configMap('a', undefined)]);
    const after = snapshotOf([configMap('a', undefined)]);
    expect(diffSnapshots(before, after).map((event) => event.type)).toEqual(['update']);
  });

  it('when both snapshots are empty, then it reports nothing', () => {
    expect(diffSnapshots(new Map(), new Map())).toEqual([]);
  });
});

describe('applyWatchEvent', () => {
  it('when the watch replays an object the cache holds at that version, then nothing changes', () => {
    const cache = snapshotOf([configMap('a', '1')]);
    expect(applyWatchEvent(cache, 'upsert', configMap('a', '1'))).toBeUndefined();
  });

  it('when a new version arrives, then it is an update carrying the previous object', () => {
    const cache = snapshotOf([configMap('a', '1')]);
    expect(applyWatchEvent(cache, 'upsert', configMap('a', '2'))).toEqual({
      type: 'update',
      object: configMap('a', '2'),
      previous: configMap('a', '1'),
    });
    expect(cache.get('team-a/a')).toEqual(configMap('a', '2'));
  });

  it('when an unknown object arrives or a known one is deleted, then add and delete are reported once', () => {
    const cache = snapshotOf<ReturnType<typeof configMap>>([]);
    expect(applyWatchEvent(cache, 'upsert', configMap('a', '1'))?.type).toBe('add');
    expect(applyWatchEvent(cache, 'delete', configMap('a', '2'))).toEqual({ type: 'delete', object: configMap('a', '2') });
    expect(applyWatchEvent(cache, 'delete', configMap('a', '2'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
