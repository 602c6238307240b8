/** Pieces the GraphQL pages show: a type as written with its name linkable, and a description's first line. */

/** `[Repository!]!` as `[` + `Repository` (linked when `href` is set) + `!]!`. */
export interface TypeRef {
  before: string;
  name: string;
  after: string;
  href?: string;
}

/** Splits a type as SDL prints it around its named type: the wrappers are `[`, `]` and `!` only, so the name occurs once. */
export function typeRefOf(type: string, namedType: string, href: string | undefined): TypeRef {
  const at = type.indexOf(namedType);
  const parts =
    at < 0
      ? { before: '', name: type, after: '' }
      : { before: type.slice(0, at), name: namedType, after: type.slice(at + namedType.length) };
  return href === undefined ? parts : { ...parts, href };
}

/** How much of a description a one-line listing shows. */
export const EXCERPT_CHARS = 140;

/**
 * A description's first paragraph's first line, cut at a word near EXCERPT_CHARS: enough to
 * tell fields apart in a list of hundreds without making the page carry every description.
 */
export function excerpt(description: string | undefined): string | undefined {
  const line = description?.trim().split('\n', 1)[0]?.trim();
  if (!line) return undefined;
  if (line.length <= EXCERPT_CHARS) return line;
  const cut = line.slice(0, EXCERPT_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
