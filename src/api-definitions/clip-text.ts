import { DESCRIPTION_LIMITS, type DefinitionProblem } from './model.ts';

/**
 * Text from a definition cut to `max` characters with "…", so that one enormous description
 * or default value cannot make every page that shows it heavy. Blank text is no text.
 */
export function clipText(text: string | null | undefined, max: number = DESCRIPTION_LIMITS.maxDescriptionChars): string | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** At most `max` problems, the rest counted in one last entry: a thousand repeats of one mistake stay a readable list. */
export function capProblems(problems: DefinitionProblem[], max: number = DESCRIPTION_LIMITS.maxListed): DefinitionProblem[] {
  if (problems.length <= max) return problems;
  return [...problems.slice(0, max), { message: `and ${problems.length - max} more like these` }];
}
