import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTree } from '../../src/templates/render.ts';
import { SkeletonError, readSkeletonDir, skeletonFromConfigMap, writeTree } from '../../src/file-tree/skeleton.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Real files in temporary directories; nothing is mocked.
const newDir = tempDirs('skeleton-test-');

describe('skeletons', () => {
  it('when a directory is read, then text and bytes are kept apart', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.ts'), 'export const name = "${{ values.name }}";');
    writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const files = await readSkeletonDir(dir);
    expect([...files.keys()]).toEqual(['logo.png', 'src/index.ts']);
    expect(Buffer.isBuffer(files.get('logo.png'))).toBe(true);
    const rendered = renderTree(files, { name: 'orders' });
    expect(rendered.get('src/index.ts')).toBe('export const name = "orders";');
    expect(rendered.get('logo.png')).toEqual(files.get('logo.png'));
  });

  it('when a skeleton directory holds a .git directory at any depth, in any case, then it is refused naming it', async () => {
    for (const path of ['.git', 'sub/.GIT']) {
      const dir = newDir();
      mkdirSync(join(dir, path), { recursive: true });
      writeFileSync(join(dir, path, 'config'), '[core]\n\tfsmonitor = id\n');
      await expect(readSkeletonDir(dir)).rejects.toThrow(
        new SkeletonError(`skeleton path ${path} is a .git directory; files inside .git are git's configuration, not skeleton`),
      );
    }
  });

  it('when a ConfigMap key or a written path has a .git segment, then it is refused before anything is written', async () => {
    expect(() => skeletonFromConfigMap({ '.git__config': 'x' })).toThrow(/has a \.git segment/);
    const dir = newDir();
    await expect(writeTree(dir, new Map([['.git/hooks/post-commit', 'x']]))).rejects.toThrow(/has a \.git segment/);
  });

  it('when a skeleton holds a symlink, then it is refused naming the file', async () => {
    const dir = newDir();
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    await expect(readSkeletonDir(dir)).rejects.toThrow(
      new SkeletonError('skeleton file passwd is a symlink; symlinks are not allowed in a skeleton'),
    );
  });

  it('when a skeleton comes from a ConfigMap, then "__" in keys stands for "/"', () => {
    const files = skeletonFromConfigMap(
      { 'src__main.ts': 'x', 'README.md': 'y' },
      { 'img__a.bin': Buffer.from([1, 2]).toString('base64') },
    );
    expect([...files.keys()].sort()).toEqual(['README.md', 'img/a.bin', 'src/main.ts']);
  });

  it('when a ConfigMap key does not name a file inside the skeleton, then it is refused naming the key, before anything is rendered', () => {
    for (const [data, binaryData, key] of [
      [{ '..__etc__passwd': 'x' }, {}, '..__etc__passwd'],
      [{ __etc__passwd: 'x' }, {}, '__etc__passwd'],
      [{ 'ok.md': 'x' }, { 'img__..__..__a.bin': 'AQI=' }, 'img__..__..__a.bin'],
    ] as [Record<string, string>, Record<string, string>, string][]) {
      let thrown: unknown;
      try {
        skeletonFromConfigMap(data, binaryData);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SkeletonError);
      expect((thrown as SkeletonError).problem).toMatchObject({
        kind: 'unsafe-path',
        path: key,
        why: expect.stringMatching(/leaves the output directory|is absolute/),
      });
      expect((thrown as SkeletonError).message).toContain(JSON.stringify(key));
    }
  });

  it('when rendered files are written, then they land under the directory, and an unsafe path is refused', async () => {
    const dir = newDir();
    await writeTree(dir, new Map([['a/b/c.txt', 'hello']]));
    expect(readFileSync(join(dir, 'a', 'b', 'c.txt'), 'utf8')).toBe('hello');
    await expect(writeTree(dir, new Map([['../escape.txt', 'x']]))).rejects.toThrow(/leaves the output directory/);
  });
});
