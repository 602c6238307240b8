import type { Problem } from './model.ts';

/** One line of the report: `skipped  file (document 2) component:default/x: reason`. */
export function formatProblem(problem: Problem): string {
  const where = problem.document === undefined ? problem.file : `${problem.file} (document ${problem.document})`;
  return `${problem.severity.padEnd(7)}  ${where}${problem.entity ? ` ${problem.entity}` : ''}: ${problem.message}`;
}

/**
 * The whole report: one line a problem in file order, then a count a person can check at a
 * glance. `others` counts what was converted beside catalog entities (`2 CatalogSources`).
 */
export function formatReport(problems: readonly Problem[], converted: number, others: readonly string[] = []): string {
  const skipped = problems.filter((p) => p.severity === 'skipped').length;
  const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || (a.document ?? 0) - (b.document ?? 0));
  const warnings = problems.length - skipped;
  const summary = `converted ${[`${converted} ${converted === 1 ? 'entity' : 'entities'}`, ...others].join(', ')}, ${skipped} skipped, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
  return [...sorted.map(formatProblem), summary].join('\n') + '\n';
}
