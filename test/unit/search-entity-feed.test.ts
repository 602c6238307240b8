import { describe, expect, it } from '@jest/globals';
import { SearchIndex } from '../../src/search/index.ts';
import { DeferredEntityFeed } from '../../src/search/entity-feed.ts';
import { component } from '../fixtures/entities.ts';

describe('entity changes on their way into search', () => {
  it('when many entities change at once, then the index gets them a slice per turn, the last change of each winning, removals included', () => {
    const index = new SearchIndex();
    const turns: (() => void)[] = [];
    const feed = new DeferredEntityFeed(index, { slice: 2, schedule: (run) => void turns.push(run) });
    for (const name of ['alpha', 'bravo', 'charlie']) feed.entityChanged(component(name));
    feed.entityChanged(component('alpha', { description: 'Renamed to zulu' }));
    feed.entityRemoved('component:default/bravo');
    expect(index.search('alpha').results).toHaveLength(0);
    expect(turns).toHaveLength(1);
    turns.shift()!();
    expect(feed.backlog).toBe(1);
    turns.shift()!();
    expect(feed.backlog).toBe(0);
    expect(turns).toHaveLength(0);
    expect(index.search('zulu').results.map((r) => r.ref)).toEqual(['component:default/alpha']);
    expect(index.search('bravo').results).toHaveLength(0);
    expect(index.search('charlie').results.map((r) => r.ref)).toEqual(['component:default/charlie']);
  });
});
