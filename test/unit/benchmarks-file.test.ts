import { describe, expect, it } from '@jest/globals';
import { replaceSection } from '../../bench/benchmarks-file.ts';

const file = '# Benchmarks\n\nintro\n\n## Catalog\n\ncatalog table\n\n## Search\n\nold search\n\n## Scorecards\n\nold scorecards\n';

describe('a benchmark rewriting its own section of BENCHMARKS.md', () => {
  it('when its section is there, then only that section is replaced, the ones before and after kept', () => {
    expect(replaceSection(file, 'Search', '## Search\n\nnew search\n')).toBe(
      '# Benchmarks\n\nintro\n\n## Catalog\n\ncatalog table\n\n## Search\n\nnew search\n\n## Scorecards\n\nold scorecards\n',
    );
  });

  it('when its section is the last one, then it is replaced to the end of the file', () => {
    expect(replaceSection(file, 'Scorecards', '## Scorecards\n\nnew\n')).toBe(
      '# Benchmarks\n\nintro\n\n## Catalog\n\ncatalog table\n\n## Search\n\nold search\n\n## Scorecards\n\nnew\n',
    );
  });

  it('when the file has no such section, then it is added at the end', () => {
    expect(replaceSection('# Benchmarks\n', 'Search', '## Search\n\nfirst\n')).toBe('# Benchmarks\n\n## Search\n\nfirst\n');
  });

  it('when a heading only starts like the section, then it is not taken for it', () => {
    expect(replaceSection('# B\n\n## Search engines\n\nx\n', 'Search', '## Search\n\ny\n')).toBe(
      '# B\n\n## Search engines\n\nx\n\n## Search\n\ny\n',
    );
  });
});
