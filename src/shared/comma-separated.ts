/**
 * The entries of a comma-separated list as flags, annotations, query parameters and form
 * fields give them (`a, b,,c`): trimmed, empty ones dropped.
 */
export function commaSeparated(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
