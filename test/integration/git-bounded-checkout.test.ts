import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitProvider } from '../../src/catalog-sources/git/git-provider.ts';
import { DEFAULT_READ_LIMITS } from '../../src/convert/confined-files.ts';
import { boundedCheckout } from '../../src/git/bounded-checkout.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { pushFiles } from '../support/git-repos.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Checkouts bounded in bytes against the real git server over HTTP: a partial clone where the
// server filters, the same bounds on what is written where it does not. Nothing is mocked.
const newDir = tempDirs('bounded-checkout-');
const owner = { username: 'catalog-reader', password: 'catalog-t0ken-s3cret' };
let server: GitServer;
const access = () => ({
  credentials: { ...owner, allowedHosts: [hostOf(server.url)] },
  allowHttp: true,
  timeoutMs: 30_000,
});
const limits = { maxObjects: 1000, maxFileBytes: 4096, maxTotalBytes: 64 * 1024 };
const component = (name: string, padding = 0) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: platform\n${'#'.repeat(padding)}\n`;
/** Random bytes do not compress: the pack carries every byte of the file. */
const noise = (bytes: number) => randomBytes(bytes).toString('base64');

/** Files below `dir`, relative to it, sorted. */
async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function repository(name: string, files: Record<string, string>, filters = true): Promise<string> {
  const url = await server.createRepository(name);
  if (!filters) await promisify(execFile)('git', ['-C', join(server.root, `${name}.git`), 'config', 'uploadpack.allowFilter', 'false']);
  await pushFiles(newDir(), url, owner, { files });
  return url;
}

beforeAll(async () => {
  server = await startGitServer({ credentials: owner });
});
afterAll(async () => server.stop());

describe('a checkout bounded in bytes', () => {
  it('when the server filters and a file is larger than a file may be, then it is neither fetched nor written, and the others are', async () => {
    const url = await repository('with-video', { 'catalog-info.yaml': component('shop'), 'media/demo.mp4': noise(600_000) });
    const dir = newDir();
    const checkout = await boundedCheckout(dir, url, 'main', access(), limits);
    expect(await filesIn(dir)).toEqual(['catalog-info.yaml']);
    expect(await readFile(join(dir, 'catalog-info.yaml'), 'utf8')).toBe(component('shop'));
    // Its size is unknown: the server never sent it.
    expect(checkout.withheld).toEqual(new Map([['media/demo.mp4', 'it has more than the 4096 bytes a catalog file may have']]));
  });

  it('when the server does not filter, then the fetch still works and the large file is still not written', async () => {
    const url = await repository('unfiltered', { 'catalog-info.yaml': component('shop'), 'media/demo.mp4': noise(600_000) }, false);
    const dir = newDir();
    const checkout = await boundedCheckout(dir, url, 'main', access(), limits);
    expect(await filesIn(dir)).toEqual(['catalog-info.yaml']);
    expect(checkout.withheld.get('media/demo.mp4')).toMatch(/^it has 800000 bytes, more than the 4096 a catalog file may have$/);
  });

  it('when the files together pass the total, then what is written stays within it, YAML first', async () => {
    const url = await repository('heavy', {
      'catalog-info.yaml': component('shop'),
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`assets/${String(i).padStart(2, '0')}.txt`, noise(3000)])),
    });
    const dir = newDir();
    const checkout = await boundedCheckout(dir, url, 'main', access(), limits);
    const written = await filesIn(dir);
    expect(written).toContain('catalog-info.yaml');
    const bytes = (await Promise.all(written.map(async (f) => (await readFile(join(dir, f))).length))).reduce((a, b) => a + b, 0);
    expect(bytes).toBeLessThanOrEqual(limits.maxTotalBytes);
    expect(written.length + checkout.withheld.size).toBe(31);
    expect(checkout.withheld.size).toBeGreaterThan(0);
  });

  it('when a catalog file is larger than a file may be, then the CatalogSource read names it as a problem and reads the others', async () => {
    const url = await repository('padded', {
      'catalog-info.yaml': component('shop'),
      'services/padded/catalog-info.yaml': component('padded', 10_000),
    });
    const snapshot = await gitProvider({ url }, { ...access(), limits: { ...DEFAULT_READ_LIMITS, maxFileBytes: 4096 } }).read(
      AbortSignal.timeout(60_000),
    );
    expect(snapshot.entities.map((e) => e.object.metadata.name)).toEqual(['shop']);
    expect(snapshot.problems).toEqual([
      { location: 'services/padded/catalog-info.yaml', reason: 'cannot be read: it has more than the 4096 bytes a catalog file may have' },
    ]);
  });
});
