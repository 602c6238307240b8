import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { component, group, resource, user } from '../fixtures/entities.ts';

function graphOf(...entities: ReturnType<typeof component>[]): CatalogGraph {
  const graph = new CatalogGraph();
  for (const e of entities) graph.upsert(e);
  return graph;
}

describe('the catalog graph', () => {
  it('when a Component names an owner and a dependency, then both ends carry the relation', () => {
    const graph = graphOf(group('team-a'), resource('db'), component('checkout', { dependsOn: ['resource:db'] }));
    expect(graph.relationsOf('component:default/checkout')).toEqual([
      { type: 'dependsOn', target: 'resource:default/db' },
      { type: 'ownedBy', target: 'group:default/team-a' },
    ]);
    expect(graph.relationsOf('resource:default/db')).toEqual([
      { type: 'dependencyOf', target: 'component:default/checkout' },
      { type: 'ownedBy', target: 'group:default/team-a' },
    ]);
    expect(graph.relationsOf('group:default/team-a')).toEqual([
      { type: 'ownerOf', target: 'component:default/checkout' },
      { type: 'ownerOf', target: 'resource:default/db' },
    ]);
  });

  it('when both sides state the same relation, then it is listed once', () => {
    const graph = graphOf(group('parent', { children: ['child'] }), group('child', { parent: 'parent' }));
    expect(graph.relationsOf('group:default/child')).toEqual([{ type: 'childOf', target: 'group:default/parent' }]);
    expect(graph.relationsOf('group:default/parent')).toEqual([{ type: 'parentOf', target: 'group:default/child' }]);
  });

  it('when a target is missing, then the reference is dangling and names the field', () => {
    const graph = graphOf(component('checkout', { owner: 'team-x', dependsOn: ['resource:db'] }));
    expect(graph.danglingOf('component:default/checkout')).toEqual([
      { path: 'spec.owner', target: 'group:default/team-x' },
      { path: 'spec.dependsOn[0]', target: 'resource:default/db' },
    ]);
    expect(graph.relationsOf('component:default/checkout')).toEqual([]);
  });

  it('when a missing target is created later, then the referrer is among the affected and resolves', () => {
    const graph = graphOf(component('checkout', { owner: 'team-x' }));
    const affected = graph.upsert(group('team-x'));
    expect([...affected].sort()).toEqual(['component:default/checkout', 'group:default/team-x']);
    expect(graph.danglingOf('component:default/checkout')).toEqual([]);
  });

  it('when a target is deleted, then its referrers are affected and their reference dangles again', () => {
    const graph = graphOf(group('team-a'), component('checkout'));
    expect([...graph.remove('group:default/team-a')]).toEqual(['component:default/checkout']);
    expect(graph.danglingOf('component:default/checkout')).toEqual([{ path: 'spec.owner', target: 'group:default/team-a' }]);
  });

  it('when only the description changes, then only the entity itself is affected', () => {
    const graph = graphOf(group('team-a'), component('checkout'));
    expect([...graph.upsert(component('checkout', { description: 'new words' }))]).toEqual(['component:default/checkout']);
  });

  it('when a dependency moves, then the old and the new target are both affected', () => {
    const graph = graphOf(group('team-a'), resource('old'), resource('new'), component('c', { dependsOn: ['resource:old'] }));
    const affected = graph.upsert(component('c', { dependsOn: ['resource:new'] }));
    expect([...affected].sort()).toEqual(['component:default/c', 'resource:default/new', 'resource:default/old']);
  });

  it('when entities depend on each other in a loop, then every member reports the loop', () => {
    const graph = graphOf(
      group('team-a'),
      component('a', { dependsOn: ['component:b'] }),
      component('b', { dependsOn: ['component:c'] }),
      component('c', { dependsOn: ['component:a'] }),
      component('d', { dependsOn: ['component:a'] }),
    );
    const loop = ['component:default/a', 'component:default/b', 'component:default/c'];
    expect(graph.cyclesOf('component:default/b')).toEqual([{ family: 'dependsOn', members: loop }]);
    expect(graph.cyclesOf('component:default/d')).toEqual([]);
  });

  it('when a loop is broken, then its former members are affected', () => {
    const graph = graphOf(group('team-a'), component('a', { dependsOn: ['component:b'] }), component('b', { dependsOn: ['component:a'] }));
    expect(graph.cyclesOf('component:default/a')).toHaveLength(1);
    const affected = graph.upsert(component('b', { dependsOn: [] }));
    expect(affected.has('component:default/a')).toBe(true);
    expect(graph.cyclesOf('component:default/a')).toEqual([]);
  });

  it('when groups name each other as parents, then the parent loop is found', () => {
    const graph = graphOf(group('x', { parent: 'y' }), group('y', { parent: 'x' }));
    expect(graph.cyclesOf('group:default/x')).toEqual([{ family: 'parent', members: ['group:default/x', 'group:default/y'] }]);
  });

  it('when entities come, go and change references, then the counts by kind and of dangling references follow each change', () => {
    const graph = graphOf(group('team-a'), component('a', { dependsOn: ['resource:db'] }));
    expect([graph.danglingCount(), Object.fromEntries(graph.countsByKind())]).toEqual([1, { Group: 1, Component: 1 }]);
    graph.upsert(resource('db'));
    expect([graph.danglingCount(), Object.fromEntries(graph.countsByKind())]).toEqual([0, { Group: 1, Component: 1, Resource: 1 }]);
    graph.upsert(component('a', { dependsOn: ['resource:db', 'resource:cache'] }));
    expect(graph.danglingCount()).toBe(1);
    graph.remove('group:default/team-a');
    expect([graph.danglingCount(), Object.fromEntries(graph.countsByKind())]).toEqual([3, { Component: 1, Resource: 1 }]);
  });

  it('when a user is a member of a group, then the group has the member', () => {
    const graph = graphOf(group('team-a'), user('jane', { memberOf: ['team-a'] }));
    expect(graph.relationsOf('group:default/team-a')).toEqual([{ type: 'hasMember', target: 'user:default/jane' }]);
  });

  it('when references cross namespaces, then they resolve to the named namespace', () => {
    const graph = graphOf(group('sre', {}, 'ops'), component('checkout', { owner: 'ops/sre' }, 'shop'));
    expect(graph.relationsOf('group:ops/sre')).toEqual([{ type: 'ownerOf', target: 'component:shop/checkout' }]);
  });

  it('when relations were read before a change, then reading them again shows the change (no stale cache)', () => {
    const graph = graphOf(group('team-a'), component('one'));
    expect(graph.relationsOf('group:default/team-a')).toHaveLength(1);
    graph.upsert(component('two'));
    expect(graph.relationsOf('group:default/team-a')).toHaveLength(2);
    graph.remove('component:default/one');
    expect(graph.relationsOf('group:default/team-a')).toEqual([{ type: 'ownerOf', target: 'component:default/two' }]);
    graph.upsert(component('two', { owner: 'team-b' }));
    expect(graph.relationsOf('group:default/team-a')).toEqual([]);
  });

  it('when entities were listed before a change, then listing again shows the changed, added and removed ones in ref order', () => {
    const graph = graphOf(component('b'), component('a'));
    expect(graph.sortedEntities().map((e) => e.ref)).toEqual(['component:default/a', 'component:default/b']);
    graph.upsert(component('a', { lifecycle: 'deprecated' }));
    expect(graph.sortedEntities()[0]?.spec.lifecycle).toBe('deprecated');
    graph.upsert(component('c'));
    graph.remove('component:default/b');
    expect(graph.sortedEntities().map((e) => e.ref)).toEqual(['component:default/a', 'component:default/c']);
  });
});
