import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { SOURCE_LABEL } from '../../src/api/v1alpha1/catalog-source.ts';
import type { GitServer } from '../../src/local-cluster/git-server.ts';
import { pushFiles } from '../support/git-repos.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { GIT_USER, gitSecret, gitServers } from '../support/template-runs.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// git CatalogSources on the real control plane with a real git server: Backstage catalog
// files in two repositories (one of them reached through a Location) become entities; a
// push is followed within one check interval, or at once when its webhook is signed; an
// entity a person already holds is named as a conflict and left alone.
const namespace = 'catalog-source-git';
const HOOK_SECRET = 'push-hook-s3cret';
const start = operators(namespace);
const newGitServer = gitServers();
const newDir = tempDirs('catalog-source-git-');
let git: GitServer;
let operatorUrl: string;
let platformRepo: string;
let paymentsRepo: string;

const component = (name: string, owner: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n${extra}`;
const group = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;

interface Status {
  revision?: string;
  syncRequest?: string;
  counts?: Record<string, number>;
  problems?: { location: string; line?: number; reason: string }[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}
const statusOf = async (name: string): Promise<Status> =>
  (JSON.parse(await kubectl(['get', 'catalogsource', name, '-n', namespace, '-o', 'json'])) as { status?: Status }).status ?? {};
const held = async (source: string, plural = 'components'): Promise<string[]> =>
  (await kubectl(['get', plural, '-n', namespace, '-l', `${SOURCE_LABEL}=${source}`, '-o', 'jsonpath={.items[*].metadata.name}']))
    .split(' ')
    .filter(Boolean)
    .sort();
const syncedAt = (name: string, revision: string, timeoutMs = 30_000) =>
  eventually(
    `${name} to sync ${revision}`,
    async () => {
      const s = await statusOf(name);
      return s.revision === revision && s.conditions?.find((c) => c.type === 'Synced')?.status === 'True' ? s : undefined;
    },
    timeoutMs,
  );
const headOf = async (remote: string): Promise<string> => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const out = await promisify(execFile)('git', [
    'ls-remote',
    remote.replace('http://', `http://${GIT_USER.username}:${GIT_USER.password}@`),
    'main',
  ]);
  return out.stdout.slice(0, 40);
};

/** The platform repository: the org's groups, and a Location that points at team files. */
const platformFiles = (extra: Record<string, string> = {}) => ({
  'catalog-info.yaml': `${group('team-payments')}---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: teams\nspec:\n  targets: [./teams/*.yaml]\n`,
  'teams/storefront.yaml': group('team-storefront'),
  ...extra,
});

beforeAll(async () => {
  git = await newGitServer();
  platformRepo = await git.createRepository('platform');
  paymentsRepo = await git.createRepository('payments');
  await pushFiles(newDir(), platformRepo, GIT_USER, { files: platformFiles(), message: 'org' });
  await pushFiles(newDir(), paymentsRepo, GIT_USER, {
    files: {
      'services/checkout/catalog-info.yaml': component('checkout', 'team-payments'),
      'services/ledger/catalog-info.yaml': component('ledger', 'team-payments'),
      'services/legacy/catalog-info.yaml': component('legacy-billing', 'team-payments'),
    },
    message: 'services',
  });
  await kubectl(['create', 'namespace', namespace]);
  await gitSecret(namespace, git.url);
  await kubectl(['create', 'secret', 'generic', 'push-hook', '-n', namespace, `--from-literal=secret=${HOOK_SECRET}`]);
  // Applied by hand before any source: the payments source also defines it.
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: legacy-billing}\nspec: {type: service, lifecycle: deprecated, owner: team-finance}\n',
  );
  operatorUrl = (await start()).url;
  const source = (name: string, url: string, extra = '') =>
    `apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: ${name}}\nspec:\n  interval: 10s\n  git:\n    url: ${url}\n    secretRef: {name: greenroom-git}\n${extra}`;
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      source('platform', platformRepo, '    paths: [catalog-info.yaml]\n'),
      // A long interval: only the signed push makes this one look again within the test.
      source('payments', paymentsRepo, '    webhookSecretRef: {name: push-hook}\n').replace('interval: 10s', 'interval: 1h'),
    ].join('---\n'),
  );
}, 120_000);

describe('git CatalogSources', () => {
  it('when applied, then the files of both repositories become entities, a Location is followed, and the entity a person holds is a named conflict', async () => {
    const platform = await syncedAt('platform', await headOf(platformRepo));
    expect(await held('platform', 'groups')).toEqual(['team-payments', 'team-storefront']);
    expect(platform.counts).toMatchObject({ entities: 2, created: 2 });
    const payments = await syncedAt('payments', await headOf(paymentsRepo));
    expect(await held('payments')).toEqual(['checkout', 'ledger']);
    expect(payments.conditions?.find((c) => c.type === 'Conflicting')).toMatchObject({
      status: 'True',
      message: expect.stringMatching(/^Component legacy-billing \(services\/legacy\/catalog-info.yaml\) is held by someone else/),
    });
    expect(await kubectl(['get', 'component', 'legacy-billing', '-n', namespace, '-o', 'jsonpath={.spec.owner}'])).toBe('team-finance');
    const checkout = JSON.parse(await kubectl(['get', 'component', 'checkout', '-n', namespace, '-o', 'json'])) as {
      metadata: { annotations: Record<string, string> };
    };
    // The entity's page says where it comes from.
    const page = await eventually('the page to show the origin', async () => {
      const text = await (await fetch(`${operatorUrl}/catalog/component/${namespace}/checkout`)).text();
      return text.includes('at commit') ? text : undefined;
    });
    expect(page).toContain(
      `From CatalogSource <a href="/sources/${namespace}/payments"><strong>payments</strong></a> · <code>services/checkout/catalog-info.yaml:1</code> · at commit <code class="commit">${payments.revision!.slice(0, 7)}</code>`,
    );
    // The Sources page: both sources synced, the conflict named on the source's own page.
    const sources = await eventually('the Sources page to show both synced', async () => {
      const text = await (await fetch(`${operatorUrl}/sources`)).text();
      return text.match(/<span class="badge ok"[^>]*>Synced<\/span>/g)?.length === 2 ? text : undefined;
    });
    expect(sources).toContain('2 catalog sources');
    const paymentsPage = await (await fetch(`${operatorUrl}/sources/${namespace}/payments`)).text();
    expect(paymentsPage).toContain('Component legacy-billing (services/legacy/catalog-info.yaml) is held by someone else');
    expect(paymentsPage).toContain(`href="/catalog/component/${namespace}/checkout"`);
    expect(checkout.metadata.annotations).toMatchObject({
      'greenroom.dev/source-location': 'services/checkout/catalog-info.yaml',
      'greenroom.dev/source-line': '1',
    });
  });

  it('when a file is added and another edited, then the catalog follows within one check interval, without a webhook', async () => {
    await pushFiles(newDir(), platformRepo, GIT_USER, {
      files: {
        ...platformFiles({ 'teams/search.yaml': group('team-search') }),
        'teams/storefront.yaml': `${group('team-storefront')}`.replace(
          'children: []',
          'children: []\n  profile:\n    displayName: Storefront',
        ),
      },
      message: 'teams',
      force: true,
    });
    const status = await syncedAt('platform', await headOf(platformRepo), 30_000);
    expect(await held('platform', 'groups')).toEqual(['team-payments', 'team-search', 'team-storefront']);
    expect(await kubectl(['get', 'group', 'team-storefront', '-n', namespace, '-o', 'jsonpath={.spec.profile.displayName}'])).toBe(
      'Storefront',
    );
    expect(status.counts).toMatchObject({ created: 1, updated: 1, deleted: 0, unchanged: 1 });
  });

  it('when a push deleting a file is signed with the webhook secret, then the source syncs at once and the entity goes; a bad signature or an unknown source is refused alike', async () => {
    await pushFiles(newDir(), paymentsRepo, GIT_USER, {
      files: {
        'services/checkout/catalog-info.yaml': component('checkout', 'team-payments'),
        'services/legacy/catalog-info.yaml': component('legacy-billing', 'team-payments'),
      },
      message: 'ledger moves out',
      force: true,
    });
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const post = (signature: string) =>
      fetch(`${operatorUrl}/hooks/catalogsources/${namespace}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      });
    expect((await post('sha256=0000')).status).toBe(401);
    expect((await fetch(`${operatorUrl}/hooks/catalogsources/${namespace}/nowhere`, { method: 'POST', body })).status).toBe(401);
    const signed = await post(`sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`);
    expect(signed.status).toBe(202);
    // The interval is an hour: only the push can have made it look.
    const status = await syncedAt('payments', await headOf(paymentsRepo), 20_000);
    expect(await held('payments')).toEqual(['checkout']);
    expect(status.counts).toMatchObject({ deleted: 1 });
    expect(status.syncRequest).toBeDefined();
  });

  it("when a Location names another repository's files by URL, then their entities are synced with that origin, and a Location to a host that is not allowed is a problem in the status with nothing fetched from it", async () => {
    const elsewhere = await newGitServer();
    const sharedRepo = await git.createRepository('shared-teams');
    const orgRepo = await git.createRepository('org');
    const sharedDir = newDir();
    await pushFiles(sharedDir, sharedRepo, GIT_USER, {
      files: { 'teams/infra.yaml': group('team-infra'), 'teams/data.yaml': group('team-data') },
    });
    const stolen = `${elsewhere.url}/secrets.git/blob/main/catalog-info.yaml`;
    await pushFiles(newDir(), orgRepo, GIT_USER, {
      files: {
        'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: shared\nspec:\n  targets:\n    - ${sharedRepo}/blob/main/teams/*.yaml\n    - ${stolen}\n`,
      },
    });
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      `apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: org}\nspec:\n  interval: 10s\n  git:\n    url: ${orgRepo}\n    secretRef: {name: greenroom-git}\n`,
    );
    const commit = await headOf(orgRepo);
    const status = await eventually('org to sync with the followed repository', async () => {
      const s = await statusOf('org');
      const synced = s.conditions?.find((c) => c.type === 'Synced')?.status === 'True';
      return synced && s.revision?.startsWith(`${commit}+`) ? s : undefined;
    });
    expect(await held('org', 'groups')).toEqual(['team-data', 'team-infra']);
    expect(status.problems).toEqual([
      {
        location: 'catalog-info.yaml',
        line: 1,
        reason: expect.stringMatching(
          new RegExp(`^Location target ${stolen} was not followed: its host \\S+ is neither the CatalogSource's`),
        ),
      },
    ]);
    expect(elsewhere.requests).toEqual([]);
    expect(
      await kubectl([
        'get',
        'group',
        'team-infra',
        '-n',
        namespace,
        '-o',
        'jsonpath={.metadata.annotations.greenroom\\.dev/source-location}',
      ]),
    ).toBe(`${sharedRepo}@main:teams/infra.yaml`);
    // Only the followed repository moves: the next check still reads it, and the revision names it.
    await pushFiles(sharedDir, sharedRepo, GIT_USER, { files: { 'teams/ml.yaml': group('team-ml') }, message: 'ml' });
    await eventually(
      "the followed repository's new file to be synced",
      async () => ((await held('org', 'groups')).includes('team-ml') ? true : undefined),
      30_000,
    );
    expect((await statusOf('org')).revision).not.toBe(status.revision);
  });

  it('when a catalog file is broken, then it is listed as a problem and its entities are kept', async () => {
    await pushFiles(newDir(), paymentsRepo, GIT_USER, {
      files: {
        'services/checkout/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: checkout\n',
        'services/legacy/catalog-info.yaml': component('legacy-billing', 'team-payments'),
      },
      message: 'oops',
      force: true,
    });
    const body = '{}';
    await fetch(`${operatorUrl}/hooks/catalogsources/${namespace}/payments`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}` },
      body,
    });
    const status = await syncedAt('payments', await headOf(paymentsRepo), 20_000);
    expect(status.problems).toEqual([
      expect.objectContaining({ location: 'services/checkout/catalog-info.yaml', reason: expect.stringMatching(/YAML/) }),
    ]);
    expect(await held('payments')).toEqual(['checkout']);
    expect(status.conditions?.find((c) => c.type === 'Synced')).toMatchObject({ reason: 'SyncedWithProblems' });
    const page = await (await fetch(`${operatorUrl}/sources/${namespace}/payments`)).text();
    expect(page).toMatch(/<code>services\/checkout\/catalog-info.yaml(:\d+)?<\/code> — [^<]*YAML/);
  });
});
