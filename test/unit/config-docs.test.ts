import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';
import { DEFAULT_DOCS_LIMITS } from '../../src/docs/limits.ts';

describe('docs build flags of the operator', () => {
  it('when no docs flag is given, then two workers build with the default limits', () => {
    expect(parseOperatorConfig([], {})).toMatchObject({
      docsWorkers: 2,
      docsMaxFetchBytes: DEFAULT_DOCS_LIMITS.maxFetchBytes,
      docsMaxFiles: DEFAULT_DOCS_LIMITS.maxFiles,
      docsMaxPages: DEFAULT_DOCS_LIMITS.maxPages,
      docsMaxPageBytes: DEFAULT_DOCS_LIMITS.maxPageBytes,
      docsMaxAssetBytes: DEFAULT_DOCS_LIMITS.maxAssetBytes,
      docsMaxSiteBytes: DEFAULT_DOCS_LIMITS.maxSiteBytes,
      docsBuildMemoryMb: 64,
    });
  });

  it('when docs flags are given, then they are read as numbers; a heap too small to start a build is refused naming its flag', () => {
    expect(parseOperatorConfig(['--docs-workers', '4', '--docs-max-pages', '3', '--docs-build-memory-mb', '128'], {})).toMatchObject({
      docsWorkers: 4,
      docsMaxPages: 3,
      docsBuildMemoryMb: 128,
    });
    expect(() => parseOperatorConfig(['--docs-build-memory-mb', '8'], {})).toThrow(/--docs-build-memory-mb /);
    expect(() => parseOperatorConfig(['--docs-workers', '0'], {})).toThrow(/--docs-workers /);
  });
});
