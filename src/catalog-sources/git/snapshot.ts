import type { ConvertResult, Problem } from '../../convert/model.ts';
import type { ReadSourcesResult } from '../../convert/read-sources.ts';
import type { SourceProblem, SourceSnapshot } from '../provider.ts';

/**
 * Why a CatalogSource's glob pattern is not looked for, or undefined: patterns are relative
 * to the repository's root, so an absolute one or one with `..` can only mean a file
 * outside it (the operator's own).
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('/')) return `the pattern ${pattern} is absolute; write it relative to the repository's root`;
  if (pattern.split('/').includes('..'))
    return `the pattern ${pattern} has .. in it; write it relative to the repository's root, without ..`;
  return undefined;
}

/** A reading or converting problem in the status's terms: warnings (nothing lost) say so. */
export function sourceProblem(problem: Problem): SourceProblem {
  const reason = `${problem.severity === 'warning' ? 'warning: ' : ''}${problem.entity ? `${problem.entity}: ` : ''}${problem.message}`;
  return { location: problem.file, ...(problem.line === undefined ? {} : { line: problem.line }), reason };
}

/**
 * What a repository holds at a commit: every converted entity with the file and line it
 * came from (and where to edit it, when `edit` knows), and every problem — what was not
 * converted first, since the status keeps only the first ones.
 */
export function catalogSnapshot(
  revision: string,
  read: Pick<ReadSourcesResult, 'documents' | 'problems'>,
  converted: ConvertResult,
  edit: (path: string) => string | undefined,
  found: readonly SourceProblem[] = [],
): SourceSnapshot {
  const problems = [...read.problems, ...converted.problems];
  const skipped = problems.filter((p) => p.severity === 'skipped');
  const warnings = problems.filter((p) => p.severity !== 'skipped');
  return {
    revision,
    entities: converted.entities.map(({ object, source }) => {
      const editUrl = edit(source.file);
      const origin = { location: source.file, ...(source.line === undefined ? {} : { line: source.line }) };
      return { object, origin: editUrl === undefined ? origin : { ...origin, editUrl } };
    }),
    problems: [...found, ...skipped.map(sourceProblem), ...warnings.map(sourceProblem)],
  };
}
