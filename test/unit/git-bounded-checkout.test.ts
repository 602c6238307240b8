import { describe, expect, it } from '@jest/globals';
import { blobSizes, checkoutPlan, treeFiles } from '../../src/git/bounded-checkout.ts';

const oid = (n: number) => String(n).padStart(40, '0');

describe("what git says of a commit's files", () => {
  it('when ls-tree lists files, symlinks and a submodule, then the blobs come back with their paths, odd characters kept', () => {
    const lsTree = [
      `100644 blob ${oid(1)}\tcatalog-info.yaml`,
      `120000 blob ${oid(2)}\tlinked.yaml`,
      `160000 commit ${oid(3)}\tvendor/lib`,
      `100644 blob ${oid(4)}\tteams/a b\tc.yaml`,
      '',
    ].join('\0');
    expect(treeFiles(lsTree)).toEqual([
      { path: 'catalog-info.yaml', object: oid(1) },
      { path: 'linked.yaml', object: oid(2) },
      { path: 'teams/a b\tc.yaml', object: oid(4) },
    ]);
  });

  it('when cat-file lists the objects fetched, then the sizes of the blobs are known and the trees and commits left aside', () => {
    expect(blobSizes(`${oid(1)} blob 120\n${oid(2)} tree 80\n${oid(3)} commit 200\n`)).toEqual(new Map([[oid(1), 120]]));
  });
});

describe('which files a bounded checkout writes', () => {
  const limits = { maxObjects: 100, maxFileBytes: 100, maxTotalBytes: 250 };

  it('when a blob was not fetched or is larger than a file may be, then it is withheld saying so, and the others are written', () => {
    const files = [
      { path: 'big.bin', object: oid(1) },
      { path: 'catalog-info.yaml', object: oid(2) },
      { path: 'huge.yaml', object: oid(3) },
    ];
    const plan = checkoutPlan(
      files,
      new Map([
        [oid(2), 50],
        [oid(3), 101],
      ]),
      limits,
    );
    expect(plan.write).toEqual(['catalog-info.yaml']);
    expect(plan.withheld).toEqual(
      new Map([
        ['big.bin', 'it has more than the 100 bytes a catalog file may have'],
        ['huge.yaml', 'it has 101 bytes, more than the 100 a catalog file may have'],
      ]),
    );
  });

  it('when the files would pass the total, then YAML files are written first and the rest are withheld past the total', () => {
    const files = ['a.png', 'z/catalog-info.yaml', 'docs/index.md', 'b.yml', 'c.yaml'].map((path, i) => ({ path, object: oid(i) }));
    const sizes = new Map(files.map((f) => [f.object, 80]));
    const plan = checkoutPlan(files, sizes, limits);
    expect(plan.write).toEqual(['b.yml', 'c.yaml', 'z/catalog-info.yaml']);
    expect([...plan.withheld.keys()]).toEqual(['a.png', 'docs/index.md']);
    expect(plan.withheld.get('a.png')).toMatch(/the repository's files pass the 250 bytes a checkout may write/);
  });
});
