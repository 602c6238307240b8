import { describe, expect, it } from '@jest/globals';
import { fetchedObjects } from '../../src/git/fetch-git.ts';
import { commitOf } from '../../src/git/remote-commit.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const listing = (...lines: [string, string][]) => lines.map(([sha, name]) => `${sha}\t${name}`).join('\n');

describe('the commit a ref names in ls-remote output', () => {
  it('when a branch of that name exists beside a longer one ending the same, then the exact branch is taken', () => {
    expect(commitOf(listing([A, 'refs/heads/feature/main'], [B, 'refs/heads/main']), 'main')).toBe(B);
  });

  it('when the ref is an annotated tag, then its commit (the peeled line) is taken, not the tag object', () => {
    expect(commitOf(listing([A, 'refs/heads/main'], [B, 'refs/tags/v1'], [C, 'refs/tags/v1^{}']), 'v1')).toBe(C);
  });

  it('when a tag and a branch share the name, then the tag is taken, as git fetch takes it', () => {
    expect(commitOf(listing([A, 'refs/heads/v2'], [B, 'refs/tags/v2']), 'v2')).toBe(B);
  });

  it('when the ref is written in full, then that ref is taken', () => {
    expect(commitOf(listing([A, 'refs/heads/main'], [B, 'refs/tags/main']), 'refs/heads/main')).toBe(A);
  });

  it('when the remote has no such ref, then there is no commit', () => {
    expect(commitOf(listing([A, 'refs/heads/main']), 'release')).toBeUndefined();
    expect(commitOf('', 'main')).toBeUndefined();
  });
});

describe('the objects a fetch brought', () => {
  it('when some are loose and some packed, then both are counted', () => {
    expect(fetchedObjects('count: 3\nsize: 0\nin-pack: 12\npacks: 1\nsize-pack: 1\nprune-packable: 0\n')).toBe(15);
  });
});
