import { describe, expect, it } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { confinedFiles, DEFAULT_READ_LIMITS, type ReadLimits } from '../../src/convert/confined-files.ts';
import { readSources } from '../../src/convert/read-sources.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Real files and real symlinks in temporary directories; nothing is mocked.
const newDir = tempDirs('confined-files-');

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: production, owner: team-a}\n`;
const location = (...targets: string[]) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: loc}\nspec: {targets: [${targets.join(', ')}]}\n`;

/** A repository root with these files, beside a directory outside it holding a catalog file and a secret. */
function repository(files: Record<string, string>): { root: string; outside: string } {
  const parent = newDir();
  const root = join(parent, 'repo');
  const outside = join(parent, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'catalog-info.yaml'), component('stolen'));
  writeFileSync(join(outside, 'token'), 'service-account-token-value');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, outside };
}

const read = (root: string, paths: string[], limits: Partial<ReadLimits> = {}) =>
  readSources(paths, confinedFiles(root, { ...DEFAULT_READ_LIMITS, ...limits }));
const names = (documents: { value: unknown }[]) => documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name);

describe('reading catalog files confined to a repository', () => {
  it('when files name each other by relative paths, then they are read with paths relative to the root and the line each document starts on', async () => {
    const { root } = repository({
      'catalog-info.yaml': `# the org\n${location('./teams/*.yaml', './api.yaml')}`,
      'teams/a.yaml': `${component('a')}---\n${component('b')}`,
      'api.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: orders}\nspec: {type: openapi, lifecycle: beta, owner: a, definition: {$text: ./specs/orders.yaml}}\n',
      'specs/orders.yaml': 'openapi: 3.0.3\n',
    });
    const { documents, problems } = await read(root, ['catalog-info.yaml']);
    expect(problems).toEqual([]);
    expect(documents.map(({ file, document, line }) => ({ file, document, line }))).toEqual([
      { file: 'catalog-info.yaml', document: 1, line: 2 },
      { file: 'teams/a.yaml', document: 1, line: 1 },
      { file: 'teams/a.yaml', document: 2, line: 6 },
      { file: 'api.yaml', document: 1, line: 1 },
    ]);
    expect((documents[3]?.value as { spec: { definition: string } }).spec.definition).toBe('openapi: 3.0.3\n');
  });

  it('when Location targets lead out by .. or an absolute path, then each is a problem with the reason and nothing outside is read', async () => {
    const { root, outside } = repository({});
    const targets = ['../outside/catalog-info.yaml', `${outside}/catalog-info.yaml`, '/etc/passwd', '../outside/*.yaml'];
    writeFileSync(join(root, 'catalog-info.yaml'), location(...targets));
    const { documents, problems } = await read(root, ['catalog-info.yaml']);
    expect(names(documents)).toEqual(['loc']);
    expect(problems).toEqual([
      expect.objectContaining({ file: 'catalog-info.yaml', message: expect.stringContaining('../outside/*.yaml was not followed') }),
      expect.objectContaining({ file: '../outside/catalog-info.yaml', message: 'cannot be read: it leads outside the repository' }),
      expect.objectContaining({
        file: `${outside}/catalog-info.yaml`,
        message: expect.stringMatching(/^cannot be read: it is an absolute path/),
      }),
      expect.objectContaining({ file: '/etc/passwd', message: expect.stringMatching(/^cannot be read: it is an absolute path/) }),
    ]);
  });

  it('when a catalog file is a symlink to a file outside, then it is refused and not read', async () => {
    const { root, outside } = repository({ 'teams/a.yaml': component('a') });
    symlinkSync(join(outside, 'catalog-info.yaml'), join(root, 'catalog-info.yaml'));
    symlinkSync(join(outside, 'token'), join(root, 'teams', 'token.yaml'));
    const files = confinedFiles(root, DEFAULT_READ_LIMITS);
    const { documents, problems } = await readSources(['catalog-info.yaml', 'teams'], files);
    expect(names(documents)).toEqual(['a']);
    expect(problems).toEqual([
      expect.objectContaining({ file: 'catalog-info.yaml', message: 'cannot be read: it is a symlink that leads outside the repository' }),
      expect.objectContaining({ file: 'teams/token.yaml', message: 'cannot be read: it is a symlink that leads outside the repository' }),
    ]);
    await expect(files.readText('catalog-info.yaml')).rejects.toThrow('symlink that leads outside');
  });

  it('when a directory inside is a symlink to one outside, then a glob does not enter it', async () => {
    const { root, outside } = repository({ 'a/catalog-info.yaml': component('a') });
    symlinkSync(outside, join(root, 'linked'));
    const matches = await confinedFiles(root, DEFAULT_READ_LIMITS).glob('**/catalog-info.yaml', '.');
    expect(matches).toEqual(['a/catalog-info.yaml']);
  });

  it('when a placeholder names a file outside, then it is reported with the reason and its text is nowhere in the documents', async () => {
    const { root } = repository({
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x}\nspec: {type: openapi, lifecycle: beta, owner: a, definition: {$text: ../outside/token}}\n',
    });
    const { documents, problems } = await read(root, ['catalog-info.yaml']);
    expect(JSON.stringify(documents)).not.toContain('service-account-token-value');
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'catalog-info.yaml',
        line: 1,
        message: '$text ../outside/token was not read: it leads outside the repository',
      }),
    ]);
  });

  it('when a glob pattern is absolute or climbs out with .., then it is refused', async () => {
    const { root } = repository({ 'a.yaml': component('a') });
    const files = confinedFiles(root, DEFAULT_READ_LIMITS);
    await expect(files.glob('/etc/*', '.')).rejects.toThrow('absolute pattern');
    await expect(files.glob('../*/catalog-info.yaml', '.')).rejects.toThrow('leads outside the repository');
    await expect(files.glob('**/../../*', 'teams')).rejects.toThrow('.. after a wildcard');
  });

  it('when more files are named than may be read, then reading stops with the reason after the allowed number', async () => {
    const { root } = repository({ 'a.yaml': component('a'), 'b.yaml': component('b'), 'c.yaml': component('c') });
    const { documents, problems, stopped } = await read(root, ['a.yaml', 'b.yaml', 'c.yaml'], { maxFiles: 2 });
    expect(names(documents)).toEqual(['a', 'b']);
    expect(stopped).toBe('more than 2 files to read');
    expect(problems).toEqual([expect.objectContaining({ file: 'c.yaml', message: 'cannot be read: more than 2 files to read' })]);
  });

  it('when a file is larger than a file may be, then it is a problem and the others are still read', async () => {
    const { root } = repository({
      'a.yaml': component('a'),
      'big.yaml': `${component('big')}#${'x'.repeat(5000)}\n`,
      'c.yaml': component('c'),
    });
    const { documents, problems, stopped } = await read(root, ['a.yaml', 'big.yaml', 'c.yaml'], { maxFileBytes: 1000 });
    expect(names(documents)).toEqual(['a', 'c']);
    expect(stopped).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'big.yaml',
        message: expect.stringMatching(/has \d+ bytes, more than the 1000 a catalog file may have/),
      }),
    ]);
  });

  it('when the files together are larger than the total allowed, then reading stops there', async () => {
    const { root } = repository({ 'a.yaml': component('a'), 'b.yaml': component('b') });
    const { documents, stopped } = await read(root, ['a.yaml', 'b.yaml'], { maxTotalBytes: component('a').length + 10 });
    expect(names(documents)).toEqual(['a']);
    expect(stopped).toMatch(/would pass \d+ bytes in all/);
  });

  it('when the disk answers for a later file first, then the budget is still spent in the order the files were named', async () => {
    const { root } = repository({ 'a.yaml': component('a'), 'b.yaml': component('b') });
    const files = confinedFiles(root, { ...DEFAULT_READ_LIMITS, maxTotalBytes: component('a').length + 10 });
    // a.yaml's lookup answers last, as a slow disk or a busy machine may make it.
    const slowFirst = Object.assign(Object.create(files) as typeof files, {
      identity: async (path: string) => {
        if (path === 'a.yaml') await new Promise((resolve) => setTimeout(resolve, 50));
        return files.identity(path);
      },
    });
    const { documents, stopped } = await readSources(['a.yaml', 'b.yaml'], slowFirst);
    expect(names(documents)).toEqual(['a']);
    expect(stopped).toMatch(/would pass \d+ bytes in all/);
  });

  it("when a Location's glob or a placeholder meets a spent budget, then the whole read stops rather than going on without it", async () => {
    const teams = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`teams/t${i}.yaml`, component(`t${i}`)]));
    const { root } = repository({ 'catalog-info.yaml': location('./teams/*.yaml'), 'later.yaml': component('later'), ...teams });
    const globbed = await read(root, ['catalog-info.yaml', 'later.yaml'], { maxEntries: 10 });
    expect(globbed.stopped).toMatch(/more than 10 files and directories/);
    expect(names(globbed.documents)).toEqual(['loc']);

    const api =
      'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x}\nspec: {type: openapi, lifecycle: beta, owner: a, definition: {$text: ./spec.yaml}}\n';
    const placed = repository({ 'api.yaml': api, 'spec.yaml': 'openapi: 3.0.3\n', 'later.yaml': component('later') });
    const placeholder = await read(placed.root, ['api.yaml', 'later.yaml'], { maxFiles: 1 });
    expect(placeholder.stopped).toBe('more than 1 files to read');
    expect(names(placeholder.documents)).toEqual([]);
  });

  it('when a repository has more entries than may be listed, then a glob stops with the reason', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i}/x.yaml`, 'x: 1\n']));
    const { root } = repository(files);
    await expect(confinedFiles(root, { ...DEFAULT_READ_LIMITS, maxEntries: 20 }).glob('**/catalog-info.yaml', '.')).rejects.toThrow(
      'more than 20 files and directories',
    );
  });

  it('when a Location names itself, directly or through a symlinked directory, then each file is read once and reading ends', async () => {
    const { root } = repository({ 'catalog-info.yaml': location('./catalog-info.yaml', './again/catalog-info.yaml', './again/*.yaml') });
    symlinkSync('.', join(root, 'again'));
    const { documents } = await read(root, ['catalog-info.yaml']);
    expect(names(documents)).toEqual(['loc']);
  });

  it('when a document expands aliases past the limit, then it is a problem and not expanded', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ];
    const { root } = repository({ 'bomb.yaml': `${bomb.join('\n')}\n` });
    const { documents, problems } = await read(root, ['bomb.yaml']);
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ file: 'bomb.yaml', message: expect.stringContaining('not valid YAML: Excessive alias count') }),
    ]);
  });
});

describe('files the checkout left out', () => {
  it('when a file was withheld, then globs, walks and Locations still find it and reading it is a problem with the reason, the others read', async () => {
    const { root } = repository({
      'catalog-info.yaml': location('./teams/', './huge/catalog-info.yaml'),
      'teams/a.yaml': component('a'),
      'services/kept/catalog-info.yaml': component('kept'),
    });
    const withheld = new Map([
      ['teams/big.yaml', 'it has more than the 10 bytes a catalog file may have'],
      ['huge/catalog-info.yaml', 'it has 99 bytes, more than the 10 a catalog file may have'],
      ['services/big/catalog-info.yaml', 'it was not checked out'],
    ]);
    const files = confinedFiles(root, DEFAULT_READ_LIMITS, undefined, { withheld });
    expect(await files.glob('**/catalog-info.yaml', '.')).toEqual([
      'catalog-info.yaml',
      'huge/catalog-info.yaml',
      'services/big/catalog-info.yaml',
      'services/kept/catalog-info.yaml',
    ]);
    const { documents, problems } = await readSources(['catalog-info.yaml', 'services/big/catalog-info.yaml'], files);
    expect(names(documents)).toEqual(['loc', 'a']);
    expect(problems).toEqual([
      { severity: 'skipped', file: 'services/big/catalog-info.yaml', message: 'cannot be read: it was not checked out' },
      {
        severity: 'skipped',
        file: 'huge/catalog-info.yaml',
        message: 'cannot be read: it has 99 bytes, more than the 10 a catalog file may have',
      },
      { severity: 'skipped', file: 'teams/big.yaml', message: 'cannot be read: it has more than the 10 bytes a catalog file may have' },
    ]);
  });
});
