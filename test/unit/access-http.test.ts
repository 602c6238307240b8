import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { AccessReviews, type AccessQuestion, type Subject } from '../../src/access/reviews.ts';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import type { DocSite, DocsStore } from '../../src/docs/site.ts';
import { createApp } from '../../src/http/app.ts';
import { DEFAULT_PROXY_HEADERS } from '../../src/http/auth/proxy.ts';
import type { AuthSettings } from '../../src/http/auth/settings.ts';
import { parseTrustedPeers } from '../../src/http/auth/trusted-peers.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { InitiativeObject, ScorecardObject } from '../../src/scorecards/store.ts';
import { SearchIndex } from '../../src/search/index.ts';
import type { CatalogSourceObject, TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { component, group } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';
import { CookieJar, csrfTokenIn } from '../support/cookie-jar.ts';
import type { SelfService } from '../../src/self-service/cluster-writes.ts';

// Two teams in two namespaces, a scorecard over both in a third; what each person may list
// is decided by a stand-in for the apiserver's RBAC (the integration test asks the real one).
const serve = serving();
const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

const scoredAs = (e: Entity, level: string): Entity => ({
  ...e,
  status: {
    scorecards: [
      { scorecard: 'platform/readiness', level, score: level === 'gold' ? 100 : 40, failing: [], evaluatedAt: '2026-03-01T00:00:00Z' },
    ],
  },
});

/** An entity as a git CatalogSource of its namespace writes it: labelled with the source, annotated with its file. */
const fromSource = (e: Entity, source: string): Entity => ({
  ...e,
  labels: { ...e.labels, 'greenroom.dev/catalog-source': source },
  annotations: { ...e.annotations, 'greenroom.dev/source-location': `${source}/catalog-info.yaml`, 'greenroom.dev/source-line': '1' },
});

const catalogSource = (name: string, namespace: string, commit: string): CatalogSourceObject => ({
  metadata: { name, namespace, uid: `cs-${name}`, generation: 1 },
  spec: { interval: '5m', git: { url: `https://git.example.com/${namespace}/${name}.git`, ref: 'main' } },
  status: {
    observedGeneration: 1,
    revision: commit,
    lastSyncTime: '2026-03-01T00:00:00Z',
    counts: { entities: 1, created: 1, updated: 0, deleted: 0, unchanged: 0, conflicts: 0 },
    problems: [{ location: `${name}-private/broken.yaml`, line: 3, reason: 'spec.owner is missing' }],
    problemCount: 1,
    conditions: [
      { type: 'Synced', status: 'True', reason: 'SyncedWithProblems', message: '1 entity', lastTransitionTime: '2026-03-01T00:00:00Z' },
    ],
  },
});

function world() {
  const graph = new CatalogGraph();
  for (const e of [
    group('team-a', {}, 'team-a'),
    fromSource(
      scoredAs(
        component('payments', { owner: 'team-a', dependsOn: ['component:team-b/ledger'], description: 'Takes shared money' }, 'team-a'),
        'gold',
      ),
      'a-repo',
    ),
    group('team-b', {}, 'team-b'),
    fromSource(
      scoredAs(
        component(
          'ledger',
          { owner: 'team-b', type: 'database-service', description: 'Keeps shared money', tags: ['secret-tag'] },
          'team-b',
        ),
        'bronze',
      ),
      'b-repo',
    ),
  ])
    graph.upsert(e);
  const template = (name: string, namespace: string): TemplateObject =>
    ({
      metadata: { name, namespace, uid: `t-${name}` },
      spec: {
        type: 'service',
        owner: namespace,
        title: `Shared ${name}`,
        parameters: { type: 'object', properties: {} },
        skeleton: { inline: { 'a.md': 'a' } },
        steps: [{ name: 'render', action: 'render' }],
      },
    }) as TemplateObject;
  const run = (name: string, namespace: string, t: string): TemplateRunObject =>
    ({
      metadata: { name, namespace, uid: `r-${name}`, creationTimestamp: '2026-03-01T00:00:00Z' },
      spec: { templateRef: { name: t }, values: {} },
    }) as TemplateRunObject;
  const templates = [template('a-service', 'team-a'), template('b-service', 'team-b')];
  const runs = [run('a-run', 'team-a', 'a-service'), run('b-run', 'team-b', 'b-service')];
  const scorecard: ScorecardObject = {
    metadata: { name: 'readiness', namespace: 'platform', uid: 'sc' },
    spec: {
      title: 'Readiness',
      levels: [{ name: 'bronze' }, { name: 'gold' }],
      rules: [{ name: 'owned', level: 'bronze', expression: 'true' }],
    },
    status: {
      entities: 2,
      levels: [
        { name: '', count: 0 },
        { name: 'bronze', count: 1 },
        { name: 'gold', count: 1 },
      ],
      rules: [{ name: 'owned', passing: 2, failing: 0, passRate: 1 }],
    },
  };
  const initiative: InitiativeObject = {
    metadata: { name: 'all-gold', namespace: 'platform', uid: 'i', creationTimestamp: '2026-02-01T00:00:00Z' },
    spec: { title: 'All gold', scorecard: 'readiness', targetLevel: 'gold', deadline: '2026-12-01T00:00:00Z' },
    status: {
      phase: 'OnTrack',
      progress: { atTarget: 1, total: 2, ratio: 0.5 },
      byOwner: [
        { owner: 'group:team-a/team-a', atTarget: 1, total: 1 },
        { owner: 'group:team-b/team-b', atTarget: 0, total: 1 },
      ],
      history: [{ date: '2026-02-02', ratio: 0.5 }],
    },
  };
  const site = (name: string): DocSite => ({
    siteName: `${name} site`,
    nav: [],
    pages: [{ path: 'index.md', slug: '', title: `${name} home`, html: `<p>${name}</p>`, headings: [], text: name }],
    assets: {},
    warnings: [],
  });
  const sites: Record<string, DocSite> = { 'team-a/handbook': site('handbook'), 'team-b/runbook': site('runbook') };
  const docs: DocsStore = {
    site: (ns, name) => sites[`${ns}/${name}`],
    sourcesFor: () => [],
    sourceNamespaces: () => ['team-a', 'team-b'],
  };
  const search = new SearchIndex();
  for (const e of graph.all()) search.upsertEntity(e);
  for (const t of templates) search.upsertTemplate(t);
  return {
    graph,
    templates: { templates: () => templates, runs: () => runs },
    scorecards: { scorecards: () => [scorecard], initiatives: () => [initiative] },
    docs,
    search,
    catalogSources: {
      sources: () => [catalogSource('a-repo', 'team-a', 'a'.repeat(40)), catalogSource('b-repo', 'team-b', 'b'.repeat(40))],
    },
  };
}

/** RBAC as the RoleBindings would have it: each team lists everything in its namespace and the platform's scorecards; root lists everything. */
function rbac() {
  const sent: AccessQuestion[] = [];
  const send = async (subject: Subject, q: AccessQuestion): Promise<boolean> => {
    sent.push(q);
    if (subject.username === 'root') return true;
    if (q.namespace === 'platform')
      return (q.resource === 'scorecards' || q.resource === 'initiatives') && subject.groups.some((g) => g.startsWith('team-'));
    return q.namespace !== '' && subject.groups.includes(q.namespace);
  };
  return { sent, send };
}

const proxy: AuthSettings = {
  mode: 'proxy',
  cookies: { secret: 'x'.repeat(32), secure: false, sessionMaxAgeSeconds: 3600 },
  proxy: { trustedPeers: parseTrustedPeers('loopback') as never, ...DEFAULT_PROXY_HEADERS, usernamePrefix: '', groupsPrefix: '' },
};

const as = (user: string, groups: string) => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups });
const alice = as('alice', 'team-a');
const bob = as('bob', 'team-b');
const nobody = as('nobody', 'strangers');

async function start(
  options: {
    auth?: boolean;
    send?: AccessReviews['allowed'] extends unknown ? (s: Subject, q: AccessQuestion) => Promise<boolean> : never;
  } = {},
) {
  const api = rbac();
  const access = new AccessReviews({ send: options.send ?? api.send, logger: silent });
  const writes: string[] = [];
  const selfService: SelfService = {
    startRun: async (_as, run) => (writes.push(`start ${JSON.stringify(run)}`), { namespace: 'x', name: 'y' }),
    cancelRun: async (_as, ns, name) => void writes.push(`cancel ${ns}/${name}`),
    rebuildDocs: async (_as, ns, name) => void writes.push(`rebuild ${ns}/${name}`),
    syncCatalogSource: async (as, ns, name) => void writes.push(`sync ${ns}/${name} as ${as.username}`),
  };
  const base = await serve(
    createApp({ isReady: () => true, ...world(), access, selfService, ...(options.auth === false ? {} : { auth: proxy }) }),
  );
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    return { status: res.status, text: await res.text() };
  };
  const json = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers);
    return { status: res.status, body: JSON.parse(res.text) };
  };
  /** Posts a form as `who`, with the CSRF token of a page they may see. */
  const post = async (path: string, who: Record<string, string>, form: Record<string, string> = {}) => {
    const jar = new CookieJar();
    const token = csrfTokenIn(await (await jar.fetch(`${base}/templates/team-a/a-service`, { headers: who })).text());
    const res = await jar.fetch(base + path, {
      method: 'POST',
      headers: { ...who, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: token! }).toString(),
    });
    return { status: res.status, text: await res.text() };
  };
  return { get, json, post, writes, sent: api.sent };
}

const refs = (body: { items: { ref: string }[] }) => body.items.map((i) => i.ref);

describe('reads filtered by what the signed-in person may list', () => {
  it('when nobody is signed in (--auth none), then everything is listed as before sign-in existed and no review is sent', async () => {
    const { json, sent } = await start({ auth: false });
    expect((await json('/api/v1/entities')).body.total).toBe(4);
    expect((await json('/api/v1/graph?root=component:team-a/payments')).body).toMatchObject({ hidden: 0 });
    expect(sent).toEqual([]);
  });

  it('when two people of two teams list entities, then each sees only their namespace', async () => {
    const { json } = await start();
    expect(refs((await json('/api/v1/entities', alice)).body)).toEqual(['component:team-a/payments', 'group:team-a/team-a']);
    expect(refs((await json('/api/v1/entities', bob)).body)).toEqual(['component:team-b/ledger', 'group:team-b/team-b']);
    expect((await json('/api/v1/entities', as('root', ''))).body.total).toBe(4);
  });

  it("when a person asks for the other team's entity, then it answers 404 with the very body of a missing one", async () => {
    const { get } = await start();
    const hidden = await get('/api/v1/entities/component/team-b/ledger', alice);
    const missing = await get('/api/v1/entities/component/team-b/ledgex', alice);
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text.replace('ledgex', 'ledger'));
    for (const path of [
      '/catalog/component/team-b/ledger',
      '/catalog/group/team-b/team-b/ownership',
      '/templates/team-b/b-service',
      '/runs/team-b/b-run',
      '/docs/team-b/runbook',
      '/sources/team-b/b-repo',
    ]) {
      const page = await get(path, alice);
      const name = path.split('/').pop()!;
      const absent = await get(`${path}x`, alice);
      expect([path, page.status]).toEqual([path, 404]);
      expect(page.text).toBe(absent.text.replaceAll(`${name}x`, name));
    }
    expect((await get('/api/v1/entities/group/team-b/team-b/ownership', alice)).status).toBe(404);
  });

  it("when a person opens the graph around an entity related to another team's, then the hidden neighbour is a count, never a name", async () => {
    const { json, get } = await start();
    const graph = await json('/api/v1/graph?root=component:team-a/payments&depth=2', alice);
    expect(graph.body.nodes.map((n: { ref: string }) => n.ref).sort()).toEqual(['component:team-a/payments', 'group:team-a/team-a']);
    expect(graph.body.hidden).toBe(1);
    expect(JSON.stringify(graph.body)).not.toContain('ledger');
    const detail = await json('/api/v1/entities/component/team-a/payments', alice);
    expect(detail.body.relations.map((r: { target: string }) => r.target)).toEqual(['group:team-a/team-a']);
    expect(detail.body.hiddenRelations).toBe(1);
    expect(detail.body.dangling).toEqual([]);
    const page = await get('/catalog/component/team-a/payments', alice);
    expect(page.text).toContain('and 1 related entity you may not see');
    expect(page.text).toContain('1 more you may not see');
    expect(page.text).not.toContain('href="/catalog/component/team-b/ledger"');
  });

  it("when a person searches, then the other team's hits are neither listed nor counted in the facets", async () => {
    const { json, get } = await start();
    const shared = await json('/api/v1/search?q=shared', alice);
    expect(shared.body.results.map((r: { namespace: string }) => r.namespace)).toEqual(expect.arrayContaining(['team-a']));
    expect(shared.body.results.every((r: { namespace: string }) => r.namespace === 'team-a')).toBe(true);
    expect(shared.body.counts).toEqual({ Component: 1, Template: 1 });
    expect((await json('/api/v1/search?q=ledger', alice)).body).toMatchObject({ total: 0, counts: {} });
    const page = await get('/search?q=shared', alice);
    expect(page.text).not.toContain('ledger');
    expect(page.text).not.toContain('b-service');
  });

  it('when a person opens the catalog, home, templates and scorecards, then every count is over what they may see', async () => {
    const { get } = await start();
    const catalog = await get('/catalog', alice);
    expect(catalog.text).toContain('payments');
    expect(catalog.text).not.toContain('ledger');
    expect(catalog.text).not.toContain('secret-tag');
    expect(catalog.text).not.toContain('database-service');
    const home = await get('/', alice);
    expect(home.text).not.toContain('ledger');
    const templates = await get('/templates', alice);
    expect(templates.text).toContain('a-service');
    expect(templates.text).not.toContain('b-service');
    const scorecard = await get('/scorecards/platform/readiness', alice);
    expect(scorecard.text).toContain('payments');
    expect(scorecard.text).not.toContain('ledger');
    expect(scorecard.text).toMatch(/bronze: 0, gold: 1/i);
    const initiative = await get('/initiatives/platform/all-gold', alice);
    expect(initiative.text).not.toContain('team-b');
    expect(initiative.text).not.toContain('ledger');
  });

  it("when a person opens the Sources page and an entity from a source, then only their team's sources are listed, counted and linked", async () => {
    const { get } = await start();
    const sources = await get('/sources', alice);
    expect(sources.text).toContain('1 catalog source');
    expect(sources.text).toContain('href="/sources/team-a/a-repo"');
    expect(sources.text).not.toContain('b-repo');
    const source = await get('/sources/team-a/a-repo', alice);
    expect(source.text).toContain('a-repo-private/broken.yaml:3');
    expect(source.text).toContain('href="/catalog/component/team-a/payments"');
    const payments = await get('/catalog/component/team-a/payments', alice);
    expect(payments.text).toContain('<a href="/sources/team-a/a-repo"><strong>a-repo</strong></a>');
    expect(payments.text).toContain('at commit <code class="commit">aaaaaaa</code>');
    // bob sees ledger's origin, but not the other team's source behind payments (he cannot see payments at all).
    const ledger = await get('/catalog/component/team-b/ledger', bob);
    expect(ledger.text).toContain('href="/sources/team-b/b-repo"');
    for (const path of ['/sources', '/sources/team-a/a-repo']) expect((await get(path, nobody)).text).not.toContain('a-repo-private');
  });

  it("when a person asks to sync their team's source now, then the request is written as them", async () => {
    const { post, writes } = await start();
    const synced = await post('/catalogsources/team-a/a-repo/sync', alice, { returnTo: '/sources/team-a/a-repo' });
    expect(synced.status).toBe(303);
    expect(writes).toEqual(['sync team-a/a-repo as alice']);
  });

  it("when a person posts the other team's Template form or its run's buttons, then they answer as missing ones and nothing is written", async () => {
    const { post, writes } = await start();
    const hidden = await post('/templates/team-b/b-service', as('carol', 'team-a'), { _intent: 'check' });
    const missing = await post('/templates/team-b/b-servicex', as('carol', 'team-a'), { _intent: 'check' });
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text.replaceAll('b-servicex', 'b-service'));
    expect(hidden.text).not.toContain('Shared b-service');
    for (const action of ['retry', 'cancel']) expect((await post(`/runs/team-b/b-run/${action}`, alice)).status).toBe(404);
    expect(writes).toEqual([]);
  });

  it('when a person has no bindings at all, then they see nothing, and pages say so as if the catalog were empty', async () => {
    const { json, get } = await start();
    expect((await json('/api/v1/entities', nobody)).body).toEqual({ items: [], total: 0 });
    expect((await json('/api/v1/search?q=shared', nobody)).body.total).toBe(0);
    for (const path of ['/', '/catalog', '/templates', '/scorecards']) {
      const page = await get(path, nobody);
      for (const name of ['payments', 'ledger', 'a-service', 'readiness']) expect([path, page.text.includes(name)]).toEqual([path, false]);
    }
  });

  it('when the apiserver cannot answer a review, then the signed-in person sees nothing (fail closed)', async () => {
    const { json } = await start({ send: async () => Promise.reject(new Error('connect ECONNREFUSED')) });
    expect((await json('/api/v1/entities', alice)).body.total).toBe(0);
    expect((await json('/api/v1/entities/component/team-a/payments', alice)).status).toBe(404);
  });

  it('when a person makes requests, then their access is reviewed once per resource and namespace, not per entity, and answered from the cache after', async () => {
    const { json, sent } = await start();
    await json('/api/v1/entities', alice);
    const first = sent.length;
    // One question per (resource, namespace) that holds something (14 here), and a cluster-wide
    // one only for resources held in more than one namespace, asked before those.
    const asked = sent.map((q) => `${q.resource}@${q.namespace}`);
    expect(new Set(asked).size).toBe(first);
    const namespaced = asked.filter((a) => !a.endsWith('@'));
    expect(namespaced).toHaveLength(14);
    const spread = [...new Set(namespaced.map((a) => a.split('@')[0]!))].filter(
      (r) => namespaced.filter((a) => a.startsWith(`${r}@`)).length > 1,
    );
    expect(
      asked
        .filter((a) => a.endsWith('@'))
        .map((a) => a.slice(0, -1))
        .sort(),
    ).toEqual(spread.sort());
    await json('/api/v1/entities', alice);
    await json('/api/v1/search?q=shared', alice);
    expect(sent.length).toBe(first);
  });
});
