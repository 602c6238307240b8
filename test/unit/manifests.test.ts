import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifests } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const newDir = tempDirs('manifests-');

function dirWith(files: Record<string, string>): string {
  const dir = newDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readManifests', () => {
  it('when a directory holds multi-document YAML files, then every object is read in file order', async () => {
    const dir = dirWith({
      'b.yaml': 'kind: B\nmetadata: {name: b}\n',
      'a.yaml': 'kind: A1\nmetadata: {name: a1}\n---\n---\nkind: A2\nmetadata: {name: a2}\n',
      'notes.md': 'kind: Ignored',
    });
    expect((await readManifests(dir)).map((o) => o.kind)).toEqual(['A1', 'A2', 'B']);
  });

  it('when the directory does not exist, then there is nothing to apply', async () => {
    expect(await readManifests('/nonexistent/greenroom')).toEqual([]);
  });

  it('when a file is not valid YAML, then the error names the file', async () => {
    const dir = dirWith({ 'broken.yaml': 'kind: [unclosed\n' });
    await expect(readManifests(dir)).rejects.toThrow(/^broken\.yaml: /);
  });
});

describe('loadKubeConfig', () => {
  const file = join(newDir(), 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: one, context: {cluster: c, user: u}}, {name: two, context: {cluster: c, user: u}}]',
      'current-context: one',
    ].join('\n'),
  );

  it('when a context is named, then it becomes the current one', () => {
    expect(loadKubeConfig({ kubeconfig: file, context: 'two' }).getCurrentContext()).toBe('two');
  });

  it('when the named context does not exist, then the error lists the contexts there are', () => {
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'three' })).toThrow('kubeconfig has no context "three" (contexts: one, two)');
  });
});
