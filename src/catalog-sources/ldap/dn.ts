/**
 * Distinguished names as a directory compares them. A group's `member` values are written
 * by people and tools, so `CN=Ada, OU=People,dc=example,dc=com` and
 * `cn=ada,ou=people,dc=example,dc=com` must find the same entry; comparing strings would
 * silently drop such memberships.
 */

/** One attribute=value of a relative DN, its value unescaped. */
interface Ava {
  type: string;
  value: string;
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/**
 * Splits `text` at every unescaped `separator`, keeping escapes (`\,`, `\2C`) in place. A
 * value in double quotes (the old RFC 1779 form) keeps its separators too.
 */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length) {
      current += char + (text[i + 1] as string);
      i++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (!quoted && separators.includes(char)) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Removes unescaped spaces at both ends (an escaped trailing space, `\ `, is part of the value). */
function trimUnescaped(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start++;
  while (end > start && text[end - 1] === ' ' && !isEscapedAt(text, end - 1)) end--;
  return text.slice(start, end);
}

/** Whether the character at `index` is preceded by an odd number of backslashes. */
function isEscapedAt(text: string, index: number): boolean {
  let slashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}

/** The value a DN string spells: `\,` → `,`, `\2C` → `,` (UTF-8 byte escapes included), quotes removed. */
function unescapeValue(raw: string): string {
  const text = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const pair = text.slice(i + 1, i + 3);
    if (text[i] === '\\' && HEX_PAIR.test(pair)) {
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else if (text[i] === '\\' && i + 1 < text.length) {
      bytes.push(...Buffer.from(text[i + 1] as string));
      i++;
    } else {
      bytes.push(...Buffer.from(text[i] as string));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes what RFC 4514 requires, so the normal form is itself a DN one could parse again. */
function escapeValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, '\\ ');
}

function parseAva(text: string): Ava | undefined {
  const [type, ...rest] = splitUnescaped(text, '=');
  if (type === undefined || rest.length === 0) return undefined;
  const name = type.trim().toLowerCase();
  if (name === '') return undefined;
  // A value may hold an escaped `=`; splitUnescaped split only at unescaped ones, so join them back.
  return { type: name, value: unescapeValue(trimUnescaped(rest.join('='))).toLowerCase() };
}

/**
 * The normal form of a DN: attribute types and values lower-cased, spaces around `=`, `,`
 * and `+` removed, escapes written one way, the attributes of a multi-valued RDN sorted.
 * Case-insensitive values are what cn, uid, ou and dc use in every common schema; a DN that
 * does not parse is returned lower-cased and trimmed, so it can still equal itself.
 */
export function normaliseDn(dn: string): string {
  const rdns = splitUnescaped(dn.trim(), ',;').map((rdn) => splitUnescaped(rdn, '+').map(parseAva));
  if (rdns.some((avas) => avas.some((ava) => ava === undefined))) return dn.trim().toLowerCase();
  return rdns
    .map((avas) =>
      (avas as Ava[])
        .map((ava) => `${ava.type}=${escapeValue(ava.value)}`)
        .sort()
        .join('+'),
    )
    .join(',');
}
