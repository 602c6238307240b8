import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitProvider, type GitProviderAccess } from '../../src/catalog-sources/git/git-provider.ts';
import { DEFAULT_READ_LIMITS } from '../../src/convert/confined-files.ts';
import { GitError } from '../../src/git/git-cli.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { pushFiles, type PushedContent } from '../support/git-repos.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// A git CatalogSource's provider against the real git server over HTTP; nothing is mocked.
const newDir = tempDirs('git-catalog-');
const owner = { username: 'catalog-reader', password: 'catalog-t0ken-s3cret' };
let server: GitServer;
let access: GitProviderAccess;

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: platform\n`;
const signal = () => AbortSignal.timeout(60_000);

/** A new repository holding these files; returns its URL, the directory it was pushed from and the commit. */
async function repository(name: string, content: PushedContent): Promise<{ url: string; dir: string; commit: string }> {
  const url = await server.createRepository(name);
  const dir = newDir();
  await pushFiles(dir, url, owner, content);
  return { url, dir, commit: await headOf(dir) };
}
const headOf = async (dir: string) => (await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();

beforeAll(async () => {
  server = await startGitServer({ credentials: owner });
  access = {
    credentials: { ...owner, allowedHosts: [hostOf(server.url)], source: 'Secret team-a/catalog-git' },
    allowHttp: true,
    limits: DEFAULT_READ_LIMITS,
    timeoutMs: 30_000,
  };
});
afterAll(async () => server.stop());

describe('the git catalog provider', () => {
  it('when catalog files lie in several directories and one holds a Location with a relative glob, then every entity comes with its file, line and the commit', async () => {
    const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: teams}\nspec: {targets: [./teams/*.yaml]}\n';
    const { url, commit } = await repository('shop', {
      files: {
        'catalog-info.yaml': `${location}---\n# the shop itself\n${component('shop')}`,
        'services/orders/catalog-info.yaml': component('Orders_Service'),
        'services/payments/catalog-info.yaml': `${component('payments')}---\n${component('payments-worker')}`,
        'teams/platform.yaml':
          'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
        'teams/notes.md': '# not a catalog file\n',
        'README.md': '# shop\n',
      },
    });
    const snapshot = await gitProvider({ url }, access).read(signal());
    expect(snapshot.revision).toBe(commit);
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.entities.map(({ object, origin }) => [`${object.kind}/${object.metadata.name}`, origin])).toEqual([
      ['Component/shop', { location: 'catalog-info.yaml', line: 7 }],
      ['Component/orders-service', { location: 'services/orders/catalog-info.yaml', line: 1 }],
      ['Component/payments', { location: 'services/payments/catalog-info.yaml', line: 1 }],
      ['Component/payments-worker', { location: 'services/payments/catalog-info.yaml', line: 10 }],
      ['Group/platform', { location: 'teams/platform.yaml', line: 1 }],
    ]);
    expect(snapshot.entities[0]?.object.metadata.namespace).toBeUndefined();
  });

  it('when a catalog file is a symlink leading outside the repository, then it is a problem and nothing of it is read', async () => {
    const outside = join(newDir(), 'catalog-info.yaml');
    await writeFile(outside, component('stolen-from-the-operator'));
    const { url } = await repository('linked', {
      files: { 'services/orders/catalog-info.yaml': component('orders') },
      link: ['catalog-info.yaml', outside],
    });
    const snapshot = await gitProvider({ url }, access).read(signal());
    expect(snapshot.entities.map((e) => e.object.metadata.name)).toEqual(['orders']);
    expect(snapshot.problems).toEqual([
      { location: 'catalog-info.yaml', reason: 'cannot be read: it is a symlink that leads outside the repository' },
    ]);
  });

  it('when a pattern is absolute or has .., then it is a problem and the other patterns are still read', async () => {
    const { url } = await repository('patterns', { files: { 'catalog-info.yaml': component('kept') } });
    const snapshot = await gitProvider({ url, paths: ['/etc/*', '../**/catalog-info.yaml', 'catalog-info.yaml'] }, access).read(signal());
    expect(snapshot.entities.map((e) => e.object.metadata.name)).toEqual(['kept']);
    expect(snapshot.problems).toEqual([
      { location: '/etc/*', reason: expect.stringContaining('is absolute') },
      { location: '../**/catalog-info.yaml', reason: expect.stringContaining('has .. in it') },
    ]);
  });

  it('when the credentials are wrong, then checking and reading reject without the password in the message', async () => {
    const { url } = await repository('private', { files: { 'catalog-info.yaml': component('secret-service') } });
    const wrong = { ...access, credentials: { ...access.credentials!, password: 'wrong-pa55word' } };
    const provider = gitProvider({ url }, wrong);
    for (const attempt of [
      provider.read(signal()).catch((e: unknown) => e),
      provider.currentRevision!(signal()).catch((e: unknown) => e),
    ]) {
      expect(await attempt).toBeInstanceOf(GitError);
      expect(String(await attempt)).not.toMatch(/wrong-pa55word|catalog-t0ken-s3cret/);
    }
  });

  it('when nothing is pushed the revision stays, and after a push it is the new commit, which a read then returns', async () => {
    const { url, dir, commit } = await repository('moving', { files: { 'catalog-info.yaml': component('first') } });
    const provider = gitProvider({ url }, access);
    expect(await provider.currentRevision!(signal())).toBe(commit);
    expect(await provider.currentRevision!(signal())).toBe(commit);
    await pushFiles(dir, url, owner, { files: { 'more/catalog-info.yaml': component('second') }, message: 'more' });
    const pushed = await headOf(dir);
    expect(pushed).not.toBe(commit);
    expect(await provider.currentRevision!(signal())).toBe(pushed);
    const snapshot = await provider.read(signal());
    expect(snapshot.revision).toBe(pushed);
    expect(snapshot.entities.map((e) => e.object.metadata.name)).toEqual(['first', 'second']);
  });

  it('when the ref does not exist, then checking rejects naming it', async () => {
    const { url } = await repository('no-release', { files: { 'catalog-info.yaml': component('x') } });
    await expect(gitProvider({ url, ref: 'release' }, access).currentRevision!(signal())).rejects.toThrow(
      `ref release was not found in ${url}`,
    );
  });

  it('when the repository holds more catalog files than a read may take, then the read rejects saying why, and the checkout is removed', async () => {
    const scratchDir = newDir();
    const { url } = await repository('large', { files: { 'a/catalog-info.yaml': component('a'), 'b/catalog-info.yaml': component('b') } });
    const provider = gitProvider({ url }, { ...access, limits: { ...DEFAULT_READ_LIMITS, maxFiles: 1 }, scratchDir });
    await expect(provider.read(signal())).rejects.toThrow(
      /stopped: more than 1 files to read; the catalog is not synced from a partial read/,
    );
    expect(await readdir(scratchDir)).toEqual([]);
    await gitProvider({ url }, { ...access, scratchDir }).read(signal());
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('when the commit holds more files and directories than a read may list, then nothing is checked out and the read says why', async () => {
    const scratchDir = newDir();
    const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`s${i}/catalog-info.yaml`, component(`s${i}`)]));
    const { url } = await repository('many', { files });
    const provider = gitProvider({ url }, { ...access, limits: { ...DEFAULT_READ_LIMITS, maxEntries: 10 }, scratchDir });
    await expect(provider.read(signal())).rejects.toThrow(/main holds \d+ files and directories, more than the 10 a checkout may have/);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  describe("Locations' URL targets", () => {
    const location = (...targets: string[]) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: elsewhere}\nspec:\n  targets:\n${targets.map((t) => `    - ${t}\n`).join('')}`;
    const group = (name: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ${name}}\nspec: {type: team, children: []}\n`;
    let mirror: GitServer;
    let forbidden: GitServer;
    let teams: string;
    let vendor: string;
    beforeAll(async () => {
      mirror = await startGitServer({ credentials: owner });
      forbidden = await startGitServer();
      vendor = await mirror.createRepository('vendor');
      await pushFiles(newDir(), vendor, owner, { files: { 'catalog-info.yaml': component('vendored') } });
      teams = (await repository('teams', { files: { 'teams/a.yaml': group('team-a'), 'teams/b.yaml': group('team-b') } })).url;
    });
    afterAll(async () => Promise.all([mirror.stop(), forbidden.stop()]));
    const bound = () => ({ ...access, credentials: { ...access.credentials!, allowedHosts: [hostOf(server.url), hostOf(mirror.url)] } });

    it('when a Location names files of other repositories on allowed hosts, then they are read with their origin, Locations there are followed without cycling, and a host not allowed is a problem nothing is fetched from', async () => {
      const orgUrl = await server.createRepository('org');
      const shared = await repository('shared', {
        files: {
          'catalog-info.yaml': location(`${orgUrl}/blob/main/catalog-info.yaml`, './services/*.yaml', vendor),
          'services/billing.yaml': component('billing'),
        },
      });
      const orgDir = newDir();
      const stolen = `${forbidden.url}/secrets.git/blob/main/catalog-info.yaml`;
      const withUser = `${teams.replace('http://', 'http://someone:pw@')}/blob/main/teams/a.yaml`;
      await pushFiles(orgDir, orgUrl, owner, {
        files: {
          'catalog-info.yaml': `${component('portal')}---\n${location(`${teams}/blob/main/teams/*.yaml`, `${shared.url}/blob/main/catalog-info.yaml`, stolen, withUser)}`,
        },
      });
      const snapshot = await gitProvider({ url: orgUrl }, bound()).read(signal());
      expect(snapshot.entities.map(({ object, origin }) => [`${object.kind}/${object.metadata.name}`, origin])).toEqual([
        ['Component/portal', { location: 'catalog-info.yaml', line: 1 }],
        ['Group/team-a', { location: `${teams}@main:teams/a.yaml`, line: 1 }],
        ['Group/team-b', { location: `${teams}@main:teams/b.yaml`, line: 1 }],
        ['Component/billing', { location: `${shared.url}@main:services/billing.yaml`, line: 1 }],
        ['Component/vendored', { location: `${vendor}@HEAD:catalog-info.yaml`, line: 1 }],
      ]);
      expect(snapshot.problems).toEqual([
        {
          location: 'catalog-info.yaml',
          line: 10,
          reason: expect.stringMatching(
            new RegExp(`^Location target ${stolen} was not followed: its host ${hostOf(forbidden.url)} is neither`),
          ),
        },
        { location: 'catalog-info.yaml', line: 10, reason: expect.stringContaining('was not followed: it has a user or password in it') },
      ]);
      expect(JSON.stringify(snapshot.problems)).not.toContain('someone:pw');
      expect(forbidden.requests).toEqual([]);
      expect(snapshot.revision).toMatch(new RegExp(`^${await headOf(orgDir)}\\+[0-9a-f]{16}$`));
    });

    it('when the targets need more repositories than a read may check out, then the ones beyond are problems and the others are read', async () => {
      const { url } = await repository('greedy', { files: { 'catalog-info.yaml': location(`${teams}/blob/main/teams/a.yaml`, vendor) } });
      const snapshot = await gitProvider({ url }, { ...bound(), limits: { ...DEFAULT_READ_LIMITS, maxRepositories: 1 } }).read(signal());
      expect(snapshot.entities.map((e) => e.object.metadata.name)).toEqual(['team-a']);
      expect(snapshot.problems).toEqual([
        { location: 'catalog-info.yaml', line: 1, reason: expect.stringContaining('follows at most 1 other repositories in one read') },
      ]);
    });

    it("when a followed repository's files pass the read's budget, then the whole read rejects as for the source's own", async () => {
      const { url } = await repository('thrifty', { files: { 'catalog-info.yaml': location(`${teams}/blob/main/teams/a.yaml`) } });
      const limits = { ...DEFAULT_READ_LIMITS, maxFiles: 1 };
      await expect(gitProvider({ url }, { ...access, limits }).read(signal())).rejects.toThrow(/stopped: more than 1 files to read/);
    });

    it('when a followed repository cannot be fetched, then the read rejects naming the Location and its target, and nothing is left behind', async () => {
      const scratchDir = newDir();
      const missing = `${server.url}/nowhere.git/blob/main/catalog-info.yaml`;
      const { url } = await repository('dangling', { files: { 'catalog-info.yaml': location(missing) } });
      await expect(gitProvider({ url }, { ...access, scratchDir }).read(signal())).rejects.toThrow(
        `Location target ${missing} in catalog-info.yaml could not be fetched`,
      );
      expect(await readdir(scratchDir)).toEqual([]);
    });
  });

  it('when the read is cancelled, then it rejects and the checkout is removed', async () => {
    const scratchDir = newDir();
    const { url } = await repository('cancelled', { files: { 'catalog-info.yaml': component('x') } });
    const cancel = new AbortController();
    const reading = gitProvider({ url }, { ...access, scratchDir }).read(cancel.signal);
    cancel.abort(new Error('the operator is stopping'));
    await expect(reading).rejects.toThrow(/cancelled|the operator is stopping/);
    expect(await readdir(scratchDir)).toEqual([]);
  });
});
