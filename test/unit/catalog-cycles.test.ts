import { describe, expect, it } from '@jest/globals';
import { findCycles } from '../../src/catalog/cycles.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { component, group } from '../fixtures/entities.ts';
import type { Entity } from '../../src/catalog/entity.ts';
// The benchmarks' seeded generator: a failure names a seed that replays it.
import { random } from '../../bench/synthetic-search.ts';

/** Every loop found from scratch over the entities the graph holds now. */
function fromScratch(graph: CatalogGraph): Map<string, unknown> {
  const fresh = new CatalogGraph();
  for (const e of graph.all()) fresh.upsert(e);
  return new Map([...graph.all()].map((e) => [e.ref, fresh.cyclesOf(e.ref)]));
}

describe('loops kept up to date change by change', () => {
  it('when entities gain, lose and change references at random, then every loop equals a fresh search, and every entity whose loops changed is affected', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const pick = (n: number): number => Math.floor(next() * n);
      const names = Array.from({ length: 9 }, (_, i) => `c${i}`);
      const groups = Array.from({ length: 5 }, (_, i) => `g${i}`);
      const randomComponent = (name: string): Entity =>
        component(name, {
          dependsOn: names.filter(() => next() < 0.18).map((n) => `component:${n}`),
          dependencyOf: names.filter(() => next() < 0.06).map((n) => `component:${n}`),
        });
      const randomGroup = (name: string): Entity =>
        group(name, { ...(next() < 0.7 ? { parent: groups[pick(groups.length)] } : {}), children: groups.filter(() => next() < 0.15) });
      const graph = new CatalogGraph();
      for (const n of names.slice(0, 5)) graph.upsert(randomComponent(n));
      for (const g of groups.slice(0, 3)) graph.upsert(randomGroup(g));
      for (const e of graph.all()) graph.cyclesOf(e.ref); // from here on, loops are kept current
      for (let step = 0; step < 40; step++) {
        const before = new Map([...graph.all()].map((e) => [e.ref, JSON.stringify(graph.cyclesOf(e.ref))]));
        const isGroup = next() < 0.4;
        const name = isGroup ? groups[pick(groups.length)]! : names[pick(names.length)]!;
        const ref = `${isGroup ? 'group' : 'component'}:default/${name}`;
        const affected = next() < 0.2 ? graph.remove(ref) : graph.upsert(isGroup ? randomGroup(name) : randomComponent(name));
        const expected = fromScratch(graph);
        for (const e of graph.all()) {
          const now = graph.cyclesOf(e.ref);
          expect({ seed, step, ref: e.ref, cycles: now }).toEqual({ seed, step, ref: e.ref, cycles: expected.get(e.ref) });
          if (before.has(e.ref) && before.get(e.ref) !== JSON.stringify(now))
            expect({ seed, step, affected: affected.has(e.ref), ref: e.ref }).toEqual({ seed, step, affected: true, ref: e.ref });
        }
      }
    }
  });

  it('when one edge closes a long chain into a loop and another opens it, then the loop appears whole and splits into what is left', () => {
    const graph = new CatalogGraph();
    const chain = (n: number, extra: string[] = []) => component(`c${n}`, { dependsOn: [`component:c${n + 1}`, ...extra] });
    for (let i = 0; i < 5; i++) graph.upsert(chain(i, i === 2 ? ['component:c1'] : []));
    graph.upsert(component('c5'));
    expect(graph.cyclesOf('component:default/c1')).toEqual([
      { family: 'dependsOn', members: ['component:default/c1', 'component:default/c2'] },
    ]);
    graph.upsert(component('c5', { dependsOn: ['component:c0'] }));
    const all = Array.from({ length: 6 }, (_, i) => `component:default/c${i}`);
    expect(graph.cyclesOf('component:default/c4')).toEqual([{ family: 'dependsOn', members: all }]);
    graph.upsert(component('c5'));
    expect(graph.cyclesOf('component:default/c4')).toEqual([]);
    expect(graph.cyclesOf('component:default/c2')).toEqual([
      { family: 'dependsOn', members: ['component:default/c1', 'component:default/c2'] },
    ]);
  });
});

describe('finding loops from scratch', () => {
  it('when an entity is on a loop and references itself, then both are reported, in one order', () => {
    const cycles = findCycles([
      { source: 'component:x/a', relation: 'dependsOn', target: 'component:x/a' },
      { source: 'component:x/a', relation: 'dependsOn', target: 'component:x/b' },
      { source: 'component:x/b', relation: 'dependsOn', target: 'component:x/a' },
    ]);
    expect(cycles.get('component:x/a')).toEqual([
      { family: 'dependsOn', members: ['component:x/a'] },
      { family: 'dependsOn', members: ['component:x/a', 'component:x/b'] },
    ]);
  });
});
