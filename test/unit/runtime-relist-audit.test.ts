import { describe, expect, it } from '@jest/globals';
import { auditAgainstList, snapshotOf } from '../../src/runtime/object-cache.ts';

const cm = (name: string, resourceVersion: string, v = resourceVersion) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion },
  data: { v },
});
const names = (cache: ReadonlyMap<string, { metadata?: { name?: string; resourceVersion?: string } }>) =>
  [...cache.values()].map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();

describe('a relist taken while the watch kept running', () => {
  it('when the list shows what the watch missed, then exactly that is applied, and what the watch saw after the list is kept', () => {
    const cache = snapshotOf([
      cm('behind', '10'), // the watch missed an update (the list has 40)
      cm('ahead', '60'), // the watch delivered an update after the list (list has 20)
      cm('gone', '15'), // the watch missed a delete (the list was taken at 50)
      cm('newer', '55'), // created after the list: the list cannot have it
      cm('same', '30'),
    ]);
    const listed = [cm('behind', '40'), cm('ahead', '20'), cm('missed', '35'), cm('deleted-after', '33'), cm('same', '30')];
    // The watch deleted "deleted-after" at 52, after the list was taken.
    const events = auditAgainstList(cache, listed, '50', new Map([['ns/deleted-after', 52n]]));
    expect(events?.map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`)).toEqual([
      'update behind@40',
      'add missed@35',
      'delete gone@15',
    ]);
    expect(names(cache)).toEqual(['ahead@60', 'behind@40', 'missed@35', 'newer@55', 'same@30']);
  });

  it('when a resourceVersion is not an integer, then nothing is changed and the caller must stop the watch and list', () => {
    const cache = snapshotOf([cm('a', '10')]);
    expect(auditAgainstList(cache, [cm('a', 'opaque-7')], '50', new Map())).toBeUndefined();
    expect(auditAgainstList(cache, [cm('a', '20')], undefined, new Map())).toBeUndefined();
    expect(names(cache)).toEqual(['a@10']);
  });
});
