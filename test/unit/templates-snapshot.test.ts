import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateObject, TemplateRunObject } from '../../src/api/objects.ts';
import { readSnapshot, SNAPSHOT_KEY, snapshotConfigMap, takeSnapshot } from '../../src/templates/snapshot.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const newDir = tempDirs('snapshot-');
const run: TemplateRunObject = {
  metadata: { name: 'orders', namespace: 'team-a', uid: 'run-uid-1' },
  spec: { templateRef: { name: 'service', namespace: 'platform' }, values: { name: 'orders' } },
};
const template: TemplateObject = {
  metadata: { name: 'service', namespace: 'platform', uid: 'template-uid-1', generation: 7 },
  spec: {
    type: 'service',
    owner: 'team-platform',
    skeleton: { configMapRef: { name: 'service-skeleton' } },
    steps: [{ name: 'render', action: 'render' }],
  },
};
const skeleton = {
  data: { 'README.md': '# ${{ values.name }}' },
  binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]).toString('base64') },
};

describe('the snapshot a run starts from', () => {
  it('when it is taken, then it pins the Template generation, copies the skeleton ConfigMap and holds the checked values', () => {
    expect(takeSnapshot(run, template, skeleton)).toEqual({
      run: { namespace: 'team-a', name: 'orders', uid: 'run-uid-1' },
      template: { namespace: 'platform', name: 'service', uid: 'template-uid-1', generation: 7, spec: template.spec },
      skeleton: { configMap: 'service-skeleton', ...skeleton },
      values: { name: 'orders' },
    });
  });

  it("when it becomes a ConfigMap, then that lives in the run's namespace, is owned by the run as controller and is immutable", () => {
    const made = snapshotConfigMap(run, takeSnapshot(run, template, skeleton));
    expect(made).toHaveProperty('configMap');
    const configMap = (
      made as {
        configMap: { metadata: { namespace: string; ownerReferences: object[] }; immutable: boolean; data: Record<string, string> };
      }
    ).configMap;
    expect(configMap.metadata.namespace).toBe('team-a');
    expect(configMap.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'TemplateRun', name: 'orders', uid: 'run-uid-1', controller: true }),
    ]);
    expect(configMap.immutable).toBe(true);
    expect(JSON.parse(configMap.data[SNAPSHOT_KEY]!)).toMatchObject({ template: { generation: 7 } });
  });

  it('when the skeleton makes it larger than a ConfigMap holds, then the run fails saying so and what to do', () => {
    const huge = { data: { 'big.txt': 'x'.repeat(1024 * 1024) }, binaryData: {} };
    expect(snapshotConfigMap(run, takeSnapshot(run, template, huge))).toEqual({
      failed: expect.stringMatching(
        /^the Template platform\/service \(its skeleton ConfigMap service-skeleton included\) and the values take 1025 KiB, more than the 1024 KiB a ConfigMap holds.*spec\.skeleton\.git/,
      ),
    });
  });

  it('when the scaffolder reads it back, then it gets the same snapshot, and refuses one taken for another run or not written by the operator', async () => {
    const dir = newDir();
    const path = join(dir, 'snapshot.json');
    const snapshot = takeSnapshot(run, template, skeleton);
    await writeFile(path, JSON.stringify(snapshot));
    await expect(readSnapshot(path, run.metadata)).resolves.toEqual(snapshot);
    await expect(readSnapshot(path, { ...run.metadata, uid: 'other-run' })).rejects.toThrow(
      /taken for run uid run-uid-1, not this run \(other-run\); nothing was run/,
    );
    await writeFile(path, JSON.stringify({ ...snapshot, template: { ...snapshot.template, spec: { steps: 'none' } } }));
    await expect(readSnapshot(path, run.metadata)).rejects.toThrow(/is not one the operator wrote: template\.spec\./);
    await expect(readSnapshot(join(dir, 'missing.json'), run.metadata)).rejects.toThrow(/could not be read/);
  });
});
