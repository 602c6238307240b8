import { beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningOperator } from '../../src/operator/run.ts';
import { kubectl, yaml } from '../support/kubectl.ts';
import { apply, eventually, operators } from '../support/operator.ts';
import { scrapeMetric } from '../support/operator-process.ts';
import { LOOPBACK_PROXY_AUTH } from '../support/proxy-auth.ts';

// The RBAC matrix against the real apiserver: two teams, each with a RoleBinding in its own
// namespace to one ClusterRole that may get/list greenroom.dev resources; a third person
// bound cluster-wide; a fourth with no bindings. The operator (real HTTP, --auth proxy,
// headers from loopback) asks SubjectAccessReviews as itself. It watches every namespace, so
// it runs as a replica that never leads (a Lease held by someone else): it writes nothing
// into the other test files' namespaces.
const A = 'access-team-a';
const B = 'access-team-b';
const PLATFORM = 'access-platform';
// Readable by every signed-in person, through a binding to system:authenticated.
const PUBLIC = 'access-public';
const READER = 'access-test-greenroom-reader';
const CACHE_SECONDS = 2;

const as = (user: string, groups = '') => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups });
const alice = as('alice', A);
const bob = as('bob', B);
const root = as('root');
const dave = as('dave');

const start = operators(PLATFORM);
let operator: RunningOperator;

const roleBinding = (
  namespace: string,
  name: string,
  subject: { kind: 'Group' | 'User'; name: string },
  role = { kind: 'ClusterRole', name: READER },
) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role },
});
const scored = (level: string) => ({
  scorecards: [
    { scorecard: `${PLATFORM}/readiness`, level, score: level === 'gold' ? 100 : 50, failing: [], evaluatedAt: '2026-03-01T00:00:00Z' },
  ],
});
const template = (namespace: string, name: string) => ({
  apiVersion: 'greenroom.dev/v1alpha1',
  kind: 'Template',
  metadata: { name, namespace },
  spec: {
    type: 'service',
    owner: 'team',
    title: `Shared ${name}`,
    parameters: { type: 'object', properties: {} },
    skeleton: { inline: { 'README.md': 'hello' } },
    steps: [{ name: 'render', action: 'render' }],
  },
});

beforeAll(async () => {
  for (const ns of [A, B, PLATFORM, PUBLIC]) await kubectl(['create', 'namespace', ns]);
  // Someone else leads for an hour: this replica serves reads and writes nothing.
  await kubectl(
    ['apply', '-f', '-'],
    yaml({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'greenroom-access-test', namespace: PLATFORM },
      spec: { holderIdentity: 'another-replica', leaseDurationSeconds: 3600, renewTime: new Date().toISOString().replace('Z', '000Z') },
    }),
  );
  await kubectl(
    ['apply', '-f', '-'],
    yaml(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: READER },
        rules: [
          {
            apiGroups: ['greenroom.dev'],
            resources: [
              'components',
              'apis',
              'resources',
              'systems',
              'domains',
              'groups',
              'users',
              'templates',
              'templateruns',
              'docsources',
              'catalogsources',
              'scorecards',
              'initiatives',
            ],
            verbs: ['get', 'list'],
          },
        ],
      },
      roleBinding(A, 'team-a-reads', { kind: 'Group', name: `proxy:${A}` }),
      roleBinding(B, 'team-b-reads', { kind: 'Group', name: `proxy:${B}` }),
      // Both teams read the platform's scorecards.
      roleBinding(PLATFORM, 'teams-read-scorecards', { kind: 'Group', name: `proxy:${A}` }),
      roleBinding(PLATFORM, 'team-b-reads-scorecards', { kind: 'Group', name: `proxy:${B}` }),
      roleBinding(PUBLIC, 'everyone-reads', { kind: 'Group', name: 'system:authenticated' }),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'access-test-root-reads' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'proxy:root' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: READER },
      },
    ),
  );
  await apply(
    A,
    { kind: 'Group', name: 'team-a', spec: { type: 'team' } },
    {
      kind: 'Component',
      name: 'payments',
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-a',
        description: 'Moves shared money',
        dependsOn: [`component:${B}/ledger`],
      },
    },
  );
  await apply(
    B,
    { kind: 'Group', name: 'team-b', spec: { type: 'team' } },
    {
      kind: 'Component',
      name: 'ledger',
      spec: {
        type: 'database-service',
        lifecycle: 'production',
        owner: 'team-b',
        description: 'Keeps shared money',
        tags: ['team-b-only'],
      },
    },
    {
      kind: 'API',
      name: 'ledger-api',
      spec: { type: 'graphql', lifecycle: 'production', owner: 'team-b', definition: 'type Query {\n  ledgerbookBalance: Int\n}\n' },
    },
  );
  await apply(PUBLIC, { kind: 'Group', name: 'guild', spec: { type: 'team' } });
  await apply(PLATFORM, {
    kind: 'Scorecard',
    name: 'readiness',
    spec: {
      title: 'Readiness',
      levels: [{ name: 'bronze' }, { name: 'gold' }],
      rules: [{ name: 'owned', level: 'bronze', expression: 'true' }],
    },
  });
  await kubectl(['apply', '-f', '-'], yaml(template(A, 'a-service'), template(B, 'b-service')));
  const source = (namespace: string, name: string) => ({
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'CatalogSource',
    metadata: { name, namespace },
    spec: { suspend: true, kubernetes: {} },
  });
  await kubectl(['apply', '-f', '-'], yaml(source(A, 'a-workloads'), source(B, 'b-workloads')));
  // What the leader would have written: each component's result under the platform's scorecard.
  await kubectl([
    'patch',
    'component',
    'payments',
    '-n',
    A,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: scored('gold') }),
  ]);
  await kubectl([
    'patch',
    'component',
    'ledger',
    '-n',
    B,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: scored('bronze') }),
  ]);

  operator = await start({
    watchNamespace: undefined,
    leaderElect: true,
    leaseName: 'greenroom-access-test',
    auth: LOOPBACK_PROXY_AUTH,
    accessCacheSeconds: CACHE_SECONDS,
    clusterScorecardNamespaces: [PLATFORM],
  });
  await eventually('both teams and the templates in the graph', async () => {
    const refs = await listed(root);
    const guild = (await get(`/api/v1/entities/group/${PUBLIC}/guild`, root)).status === 200;
    return guild &&
      refs.includes(`component:${A}/payments`) &&
      refs.includes(`component:${B}/ledger`) &&
      (await get('/templates', root)).text.includes('b-service') &&
      (await get(`/sources/${B}/b-workloads`, root)).status === 200
      ? true
      : undefined;
  });
});

async function get(path: string, headers: Record<string, string>) {
  const res = await fetch(operator.url + path, { headers });
  return { status: res.status, text: await res.text() };
}
async function json(path: string, headers: Record<string, string>) {
  const res = await get(path, headers);
  return { status: res.status, body: JSON.parse(res.text) as Record<string, any> };
}
const ours = (refs: string[]) => refs.filter((r) => r.includes(`:${A}/`) || r.includes(`:${B}/`)).sort();
/**
 * What `headers`' person lists in the two teams' namespaces, a query per namespace: the
 * replica watches every namespace, and a cluster-wide reader's unfiltered first page is
 * full of other tests' entities (it once held only components), so it may not reach these.
 */
const listed = async (headers: Record<string, string>) => {
  const pages = await Promise.all([A, B].map((ns) => json(`/api/v1/entities?namespace=${ns}&limit=500`, headers)));
  return ours(pages.flatMap((page) => (page.body.items as { ref: string }[]).map((i) => i.ref)));
};

describe('reads filtered by Kubernetes RBAC (real apiserver, real operator)', () => {
  it('when each team lists entities, then each sees only its namespace; the cluster-wide reader sees both; no bindings, nothing', async () => {
    expect(await listed(alice)).toEqual([`component:${A}/payments`, `group:${A}/team-a`]);
    expect(await listed(bob)).toEqual([`api:${B}/ledger-api`, `component:${B}/ledger`, `group:${B}/team-b`]);
    expect(await listed(root)).toEqual([
      `api:${B}/ledger-api`,
      `component:${A}/payments`,
      `component:${B}/ledger`,
      `group:${A}/team-a`,
      `group:${B}/team-b`,
    ]);
    expect(await listed(dave)).toEqual([]);
  });

  it('when a namespace is readable by every authenticated user, then every signed-in person sees it, as kubectl would let them', async () => {
    for (const who of [alice, dave])
      expect((await json(`/api/v1/entities?namespace=${PUBLIC}`, who)).body.items.map((i: { ref: string }) => i.ref)).toEqual([
        `group:${PUBLIC}/guild`,
      ]);
  });

  it("when a person asks for the other team's entity, then it is 404 with the body of a missing one, in the API and on the dashboard", async () => {
    const hidden = await get(`/api/v1/entities/component/${B}/ledger`, alice);
    const missing = await get(`/api/v1/entities/component/${B}/ledgerx`, alice);
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text.replace('ledgerx', 'ledger'));
    const page = await get(`/catalog/component/${B}/ledger`, alice);
    const absent = await get(`/catalog/component/${B}/ledgerx`, alice);
    expect(page.status).toBe(404);
    expect(page.text).toBe(absent.text.replaceAll('ledgerx', 'ledger'));
    expect((await get(`/catalog/component/${B}/ledger`, bob)).status).toBe(200);
  });

  it("when a person opens the graph and the entity page, then the other team's neighbour is counted, never named", async () => {
    const graph = await json(`/api/v1/graph?root=component:${A}/payments&depth=2`, alice);
    expect(graph.body.hidden).toBe(1);
    expect(JSON.stringify(graph.body)).not.toContain('ledger');
    expect((await json(`/api/v1/graph?root=component:${A}/payments&depth=2`, root)).body.hidden).toBe(0);
    const page = await get(`/catalog/component/${A}/payments`, alice);
    expect(page.text).toContain('and 1 related entity you may not see');
    expect(page.text).not.toContain(`href="/catalog/component/${B}/ledger"`);
  });

  it("when a person searches, then only their team's hits and counts come back", async () => {
    const alices = await json('/api/v1/search?q=shared money', alice);
    expect(alices.body.results.map((r: { name: string }) => r.name)).toEqual(['payments']);
    expect(alices.body.counts).toEqual({ Component: 1 });
    const page = await get('/search?q=shared', bob);
    expect(page.text).toContain('ledger');
    expect(page.text).not.toContain('payments');
    expect(page.text).not.toContain('a-service');
  });

  it("when a person searches for the other team's API operations or opens its API tab, then there is nothing, as for a missing one", async () => {
    const bobs = await eventually('the ledger API to be described and indexed', async () => {
      const answer = await json('/api/v1/search?q=ledgerbookBalance&kind=operation', bob);
      return answer.body.total > 0 ? answer : undefined;
    });
    expect(bobs.body.results.map((r: { title: string }) => r.title)).toEqual(['Query.ledgerbookBalance']);
    const alices = await json('/api/v1/search?q=ledgerbookBalance&kind=operation', alice);
    expect(alices.body).toMatchObject({ total: 0, counts: {} });
    expect((await get(`/catalog/api/${B}/ledger-api/definition`, bob)).status).toBe(200);
    expect((await get(`/catalog/api/${B}/ledger-api/definition`, alice)).status).toBe(404);
  });

  it('when each person opens the dashboard, then the catalog, home, templates and scorecard counts cover only what they may see', async () => {
    const catalog = await get('/catalog', alice);
    expect(catalog.text).toContain('payments');
    expect(catalog.text).not.toContain('ledger');
    expect(catalog.text).not.toContain('team-b-only');
    expect((await get('/', alice)).text).not.toContain('ledger');
    const templates = await get('/templates', bob);
    expect(templates.text).toContain('b-service');
    expect(templates.text).not.toContain('a-service');
    expect((await get(`/templates/${A}/a-service`, bob)).status).toBe(404);
    const scorecard = await get(`/scorecards/${PLATFORM}/readiness`, alice);
    expect(scorecard.status).toBe(200);
    expect(scorecard.text).toMatch(/bronze: 0, gold: 1/i);
    // Seeing every namespace, the cluster-wide reader gets the Scorecard's own status (no leader wrote one here) and both entities.
    const whole = (await get(`/scorecards/${PLATFORM}/readiness`, root)).text;
    expect(whole).toContain(`/catalog/component/${B}/ledger`);
    expect(whole).toContain(`/catalog/component/${A}/payments`);
    expect((await get(`/scorecards/${PLATFORM}/readiness`, dave)).status).toBe(404);
  });

  it("when each person opens the Sources page, then only their team's CatalogSources are listed; the other team's answers 404", async () => {
    const sources = await get('/sources', alice);
    expect(sources.text).toContain(`/sources/${A}/a-workloads`);
    expect(sources.text).not.toContain('b-workloads');
    expect((await get(`/sources/${A}/a-workloads`, bob)).status).toBe(404);
    expect((await get(`/sources/${B}/b-workloads`, bob)).status).toBe(200);
    expect((await get('/sources', dave)).text).not.toMatch(/[ab]-workloads/);
  });

  it('when a RoleBinding is created for a person who saw nothing, then their team shows up within the cache TTL', async () => {
    expect(await listed(dave)).toEqual([]);
    await kubectl(['apply', '-f', '-'], yaml(roleBinding(A, 'dave-reads', { kind: 'User', name: 'proxy:dave' })));
    // The bound is eventually's timeout: one cache TTL, plus a margin for the apiserver.
    await eventually('dave sees team A', async () => ((await listed(dave)).length === 2 ? true : undefined), (CACHE_SECONDS + 3) * 1000);
    expect(await listed(dave)).toEqual([`component:${A}/payments`, `group:${A}/team-a`]);
  });

  it('when people read, then the access cache answers most questions and the metrics count it', async () => {
    for (let i = 0; i < 5; i++) await listed(alice);
    const metrics = await (await fetch(operator.metricsUrl)).text();
    const hits = metrics.match(/greenroom_access_review_lookups_total\{result="hit"\} (\d+)/)?.[1];
    const misses = metrics.match(/greenroom_access_review_lookups_total\{result="miss"\} (\d+)/)?.[1];
    expect(Number(hits)).toBeGreaterThan(Number(misses));
    expect(await scrapeMetric(operator.metricsUrl, 'greenroom_access_review_lookups_total')).toBeGreaterThan(0);
  });

  it('when nobody is signed in, then the proxy mode refuses rather than showing everything', async () => {
    expect((await get('/api/v1/entities', {})).status).toBe(401);
  });
});
