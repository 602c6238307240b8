import { describe, expect, it } from '@jest/globals';
import type { CatalogSourceObject } from '../../src/api/objects.ts';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { originOf } from '../../src/http/ui/pages.ts';
import { LISTED_ENTITIES, sourcedOrigin, sourcePage, sourcesPage, sourceState } from '../../src/http/ui/source-pages.ts';
import { component } from '../fixtures/entities.ts';

const synced = (message = '3 entities') => ({
  type: 'Synced',
  status: 'True' as const,
  reason: 'Synced',
  message,
  lastTransitionTime: '2026-12-01T00:00:00Z',
});

function source(
  name: string,
  spec: Partial<CatalogSourceObject['spec']> = {},
  status?: CatalogSourceObject['status'],
): CatalogSourceObject {
  return {
    metadata: { name, namespace: 'team-a', uid: `cs-${name}`, generation: 1 },
    spec: { git: { url: 'https://git.example.com/team-a/catalog.git' }, ...spec },
    ...(status ? { status } : {}),
  };
}

const store = (...sources: CatalogSourceObject[]) => ({ sources: () => sources });

const held = (name: string, by: string): Entity => {
  const e = component(name, {}, 'team-a');
  return {
    ...e,
    labels: { ...e.labels, 'greenroom.dev/catalog-source': by },
    annotations: { ...e.annotations, 'greenroom.dev/source-location': `services/${name}/catalog-info.yaml` },
  };
};

describe('the state a CatalogSource is shown in', () => {
  it('when it was never checked, then Pending; when its spec moved past the last check, Syncing; when suspended, Suspended whatever its status', () => {
    expect(sourceState(source('new')).state).toBe('Pending');
    const checked = source('moved', {}, { observedGeneration: 1, conditions: [synced()] });
    expect(sourceState(checked).state).toBe('Synced');
    expect(sourceState({ ...checked, metadata: { ...checked.metadata, generation: 2 } }).state).toBe('Syncing');
    expect(sourceState({ ...checked, spec: { ...checked.spec, suspend: true } })).toEqual({ state: 'Suspended', className: 'wait' });
  });

  it('when the latest check failed, then Failing, listed before the others, with the reason and the message', () => {
    const failing = source(
      'unreachable',
      {},
      {
        observedGeneration: 1,
        lastSyncTime: '2026-12-01T00:00:00Z',
        conditions: [
          {
            ...synced(),
            status: 'False',
            reason: 'SourceUnreachable',
            message: 'git fetch https://bot:hunter2@git.example.com/x.git failed',
          },
        ],
      },
    );
    const page = sourcesPage(store(source('a-fine', {}, { observedGeneration: 1, conditions: [synced()] }), failing));
    expect(page.sources.map((s) => [s.name, s.state])).toEqual([
      ['unreachable', 'Failing'],
      ['a-fine', 'Synced'],
    ]);
    expect(page.failing).toBe(1);
    // A credential written into a URL never reaches the page.
    expect(page.sources[0]!.message).toEqual({ reason: 'SourceUnreachable', text: 'git fetch https://***@git.example.com/x.git failed' });
  });
});

describe('where a source reads from', () => {
  it('when git, kubernetes or ldap, then one line names the repository and globs, the namespaces and selector, or the directory', () => {
    const page = sourcesPage(
      store(
        source('git', { git: { url: 'https://bot:token@git.example.com/cat.git', ref: 'prod', paths: ['teams/*.yaml'] } }),
        source('kube', { git: undefined, kubernetes: { namespaces: ['shop', 'pay'], selector: { matchLabels: { tier: 'web' } } } }),
        source('ldap', {
          git: undefined,
          ldap: { url: 'ldaps://ldap.example.com', users: { baseDn: 'ou=people,dc=ex' }, groups: { baseDn: 'ou=groups,dc=ex' } },
        }),
      ),
    );
    expect(Object.fromEntries(page.sources.map((s) => [s.name, [s.provider, s.origin]]))).toEqual({
      git: ['git', 'https://***@git.example.com/cat.git @ prod · teams/*.yaml'],
      kube: ['kubernetes', 'workloads in shop, pay matching tier=web'],
      ldap: ['ldap', 'ldaps://ldap.example.com · users ou=people,dc=ex · groups ou=groups,dc=ex'],
    });
  });
});

describe("one source's page", () => {
  it('when it lists the first problems of many, then it says how many more the status counted', () => {
    const s = source(
      'big',
      {},
      {
        observedGeneration: 1,
        problems: [{ location: 'a.yaml', line: 2, reason: 'spec.owner is missing' }],
        problemCount: 51,
        conditions: [synced()],
      },
    );
    const page = sourcePage(store(s), new CatalogGraph(), 'team-a', 'big')!;
    expect(page.problems).toEqual([{ location: 'a.yaml', line: 2, reason: 'spec.owner is missing' }]);
    expect(page.moreProblems).toBe(50);
  });

  it('when it holds more entities than a page lists, then the first are linked and all are counted; other sources are not mixed in', () => {
    const graph = new CatalogGraph();
    for (let i = 0; i < LISTED_ENTITIES + 5; i++) graph.upsert(held(`svc-${String(i).padStart(3, '0')}`, 'big'));
    graph.upsert(held('other', 'elsewhere'));
    const page = sourcePage(store(source('big')), graph, 'team-a', 'big')!;
    expect(page.held.total).toBe(LISTED_ENTITIES + 5);
    expect(page.held.cards).toHaveLength(LISTED_ENTITIES);
    expect(page.held.cards[0]!.href).toBe('/catalog/component/team-a/svc-000');
    expect(page.held.cards.some((c) => c.name === 'other')).toBe(false);
  });

  it('when the source is not in the store (missing, or hidden from the person), then there is no page', () => {
    expect(sourcePage(store(source('a')), new CatalogGraph(), 'team-b', 'a')).toBeUndefined();
  });
});

describe("an entity's origin line", () => {
  it('when its git source is in view, then it links the source and names the commit it last synced; when not, the name alone', () => {
    const origin = originOf(held('checkout', 'catalog'))!;
    const s = source('catalog', {}, { observedGeneration: 1, revision: 'c0ffee'.padEnd(40, '0'), conditions: [synced()] });
    expect(sourcedOrigin(origin, store(s), 'team-a')).toMatchObject({ sourceHref: '/sources/team-a/catalog', commit: 'c0ffee0' });
    expect(sourcedOrigin(origin, store(), 'team-a')).toMatchObject({ source: 'catalog', sourceHref: undefined, commit: undefined });
  });

  it('when the source reads a directory, then no commit is named (its revision is a digest, not something to look up)', () => {
    const origin = originOf(held('alice', 'people'))!;
    const ldap = source(
      'people',
      { git: undefined, ldap: { url: 'ldap://ldap', users: { baseDn: 'o=x' }, groups: { baseDn: 'o=x' } } },
      { revision: 'sha256:abc' },
    );
    expect(sourcedOrigin(origin, store(ldap), 'team-a')?.commit).toBeUndefined();
  });
});
