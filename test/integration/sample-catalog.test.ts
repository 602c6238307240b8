import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CATALOG_KINDS } from '../../src/api/v1alpha1/index.ts';
import { resolvedRefs } from '../../src/convert/entity-refs.ts';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'sample-catalog';
const dir = fileURLToPath(new URL('../../examples/catalog/', import.meta.url));
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

interface Entity {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

const entities: Entity[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Entity),
);
const key = (kind: string, name: string) => `${kind}:${namespace}/${name}`.toLowerCase();

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

describe('the sample catalog in examples/catalog', () => {
  it('when read, then it has about thirty entities of all seven kinds and none names a namespace', () => {
    expect(entities.length).toBeGreaterThanOrEqual(28);
    expect(new Set(entities.map((e) => e.kind))).toEqual(new Set(CATALOG_KINDS.map((k) => k.kind)));
    expect(entities.filter((e) => e.metadata.namespace !== undefined)).toEqual([]);
  });

  it('when every file is applied with kubectl, then every entity is accepted', async () => {
    for (const file of files) await kubectl(['apply', '-n', namespace, '-f', join(dir, file)]);
    const listed = (await kubectl(['get', 'catalog', '-n', namespace, '-o', 'name'])).trim().split('\n');
    expect(listed).toHaveLength(entities.length);
  });

  it('when its references are followed, then each names an entity in the sample except the one deliberately dangling', () => {
    const present = new Set(entities.map((e) => key(e.kind, e.metadata.name)));
    const refs = entities.flatMap((e) => resolvedRefs(e, namespace).map((ref) => ({ from: `${e.kind}/${e.metadata.name}`, ...ref })));
    expect(refs.length).toBeGreaterThan(60);
    expect(refs.filter((ref) => !present.has(ref.target)).map((ref) => `${ref.from} ${ref.field} ${ref.written}`)).toEqual([
      'Component/search-indexer dependsOn resource:recommendations-db',
    ]);
  });
});
