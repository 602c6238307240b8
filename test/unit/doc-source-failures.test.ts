import { describe, expect, it } from '@jest/globals';
import { describeFailure, FetchError, SourceUnavailableError, StoreConflictError } from '../../src/controllers/doc-source/failures.ts';
import { limitExceeded } from '../../src/docs/limits.ts';
import { isTransientApiError, KubeApiError } from '../../src/kube/raw-client.ts';
import { configMapProblem, docsProblem } from '../../src/controllers/doc-source/fetch.ts';
import { GitError } from '../../src/git/git-cli.ts';
import { SkeletonError, skeletonFromConfigMap } from '../../src/file-tree/skeleton.ts';

const git = { url: 'http://git.example/orders.git', ref: 'main', path: 'handbook' };

describe('what a failed look at a DocSource says', () => {
  it('when the docs pass a limit, at any stage, then the reason is LimitExceeded, the message names the flag, and it is not retried soon', () => {
    for (const stage of ['fetch', 'build'] as const) {
      expect(describeFailure(stage, limitExceeded('maxPages', 'the docs have 9 pages, which', 3))).toEqual({
        reason: 'LimitExceeded',
        message: 'the docs have 9 pages, which exceeds the limit of 3 (--docs-max-pages)',
        transient: false,
      });
    }
  });

  it("when a chunk's name is taken by a ConfigMap the operator did not write, then it is a StoreFailed for a person to fix, not passing trouble", () => {
    expect(describeFailure('store', new StoreConflictError("ConfigMap x is not this build's"))).toEqual({
      reason: 'StoreFailed',
      message: "ConfigMap x is not this build's",
      transient: false,
    });
  });

  it('when the author can fix it (a missing Secret, a git error), then it is a FetchFailed to read, not to retry soon', () => {
    expect(describeFailure('fetch', new FetchError('Secret docs-git does not exist in namespace team-a'))).toEqual({
      reason: 'FetchFailed',
      message: 'Secret docs-git does not exist in namespace team-a',
      transient: false,
    });
    expect(describeFailure('fetch', new GitError('git ls-remote failed: repository not found'))).toMatchObject({
      reason: 'FetchFailed',
      transient: false,
    });
  });

  it('when the apiserver was busy reading the source, then it is a FetchFailed that says it is retried', () => {
    expect(describeFailure('fetch', new SourceUnavailableError('Secret docs-git could not be read: GET …: 503 unavailable'))).toEqual({
      reason: 'FetchFailed',
      message: 'Secret docs-git could not be read: GET …: 503 unavailable; retrying',
      transient: true,
    });
  });

  it('when the build itself fails, then it is a BuildFailed with the builder’s words', () => {
    expect(describeFailure('build', new Error('no Markdown page found in docs/'))).toEqual({
      reason: 'BuildFailed',
      message: 'no Markdown page found in docs/',
      transient: false,
    });
  });

  it('when storing is refused (forbidden, quota), then StoreFailed says what the operator needs; a 503 or 429 is retried', () => {
    const forbidden = describeFailure('store', new KubeApiError(403, 'POST /api/v1/namespaces/a/configmaps: 403 exceeded quota', {}));
    expect(forbidden).toMatchObject({ reason: 'StoreFailed', transient: false });
    expect(forbidden.message).toMatch(
      /^the built site could not be stored in ConfigMaps: .*403 exceeded quota \(the operator may write ConfigMaps only .*add this namespace to rbac\.docsNamespaces/,
    );
    expect(describeFailure('store', new KubeApiError(503, 'POST …: 503', {}))).toMatchObject({
      reason: 'StoreFailed',
      transient: true,
      message: expect.stringMatching(/; retrying$/),
    });
    expect(describeFailure('store', new KubeApiError(429, 'POST …: 429', {}))).toMatchObject({ transient: true });
  });

  it('when an error of no known kind happens, then it still becomes a condition and is retried like passing trouble', () => {
    expect(describeFailure('fetch', new TypeError('fetch failed'))).toEqual({
      reason: 'FetchFailed',
      message: 'the source could not be read: fetch failed; retrying',
      transient: true,
    });
    expect(describeFailure('fetch', 'a string')).toMatchObject({ message: 'the source could not be read: a string; retrying' });
  });

  it('when a request never got an answer, then it counts as passing trouble', () => {
    expect(isTransientApiError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientApiError(new KubeApiError(500, 'x', {}))).toBe(true);
    expect(isTransientApiError(new KubeApiError(404, 'x', {}))).toBe(false);
    expect(isTransientApiError(new Error('plain'))).toBe(false);
  });
});

describe('a git directory that cannot be read as docs', () => {
  it('when the path is missing, empty, unsafe or holds a symlink, then the message speaks of source.git.path and the docs, never of a skeleton', () => {
    const cases: [SkeletonError, RegExp][] = [
      [
        new SkeletonError('skeleton.git.path handbook does not exist at main', { kind: 'missing-path', path: 'handbook' }),
        /^source\.git\.path "handbook" does not exist at main of http:\/\/git\.example\/orders\.git; fix the path or push the docs there$/,
      ],
      [
        new SkeletonError('skeleton.git.path handbook holds no files at main', { kind: 'empty-path', path: 'handbook' }),
        /^source\.git\.path "handbook" holds no files at main/,
      ],
      [
        new SkeletonError('skeleton.git.path: path "../x" leaves the output directory', { kind: 'unsafe-path', path: '../x' }),
        /is not a directory inside the repository; write it relative to the repository's root, without \.\./,
      ],
      [
        new SkeletonError('skeleton file guides/run.md is a symlink; symlinks are not allowed in a skeleton', {
          kind: 'symlink',
          path: 'guides/run.md',
        }),
        /^guides\/run\.md in the docs is a symlink at main of .*; symlinks are not followed .*commit the file itself$/,
      ],
    ];
    for (const [error, wording] of cases) {
      const problem = docsProblem(error, git);
      expect(problem).toBeInstanceOf(FetchError);
      expect(problem.message).toMatch(wording);
      expect(problem.message).not.toMatch(/skeleton/);
    }
  });
});

describe('a docs ConfigMap whose keys are not file paths', () => {
  it('when a key climbs out of the docs, then the message names the ConfigMap and the key, says why, and how to name keys', () => {
    let thrown: unknown;
    try {
      skeletonFromConfigMap({ 'index.md': '# Orders', '..__secrets.md': 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SkeletonError);
    const problem = configMapProblem(thrown as SkeletonError, 'orders-docs');
    expect(problem).toBeInstanceOf(FetchError);
    expect(problem.message).toBe(
      'ConfigMap orders-docs key "..__secrets.md" is not a file path inside the docs (path "../secrets.md" leaves the output directory); name keys like guides__setup.md',
    );
  });
});
