/**
 * JSON pointers (RFC 6901) and the `$ref`s that carry them: how a validator names a place in a
 * definition, and how a definition points into itself. Only own members are ever looked up, so
 * a `$ref` to `#/components/schemas/constructor` finds nothing rather than Object.prototype's.
 */

/** A pointer's tokens from its path (`/paths/~1pets/get` → ['paths', '/pets', 'get']). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The pointer of a list of tokens (path segments, array indexes). */
export function pointerOf(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${String(t).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** True for a `$ref` that points into the same document (`#…`); anything else is external and never read. */
export function isInternalRef(ref: string): boolean {
  return ref.startsWith('#');
}

/**
 * The tokens of an internal `$ref` (`#/components/schemas/Pet` → ['components', 'schemas', 'Pet']),
 * percent-decoded as a URI fragment; undefined for an external one or one that does not decode.
 */
export function refTokens(ref: string): string[] | undefined {
  if (!isInternalRef(ref)) return undefined;
  try {
    return pointerTokens(decodeURIComponent(ref.slice(1)));
  } catch {
    return undefined;
  }
}

/** The value at `tokens` under `root`, following own members only; undefined where there is none. */
export function valueAt(root: unknown, tokens: readonly string[]): unknown {
  let node = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isRecord(node) && Object.hasOwn(node, token)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `$ref` of an object that is a reference (`{ $ref: '…' }`), if it is one. */
export function refOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.$ref === 'string' ? value.$ref : undefined;
}

/** Where an object followed through its `$ref`s ends: the object itself, or why it could not be followed. */
export type Followed = { value: unknown; pointer?: string } | { external: string } | { missing: string } | { circular: string };

/**
 * Follows `$ref`s from `value` (a parameter, a response, an example …) within `root`, at most
 * `maxHops` of them, so a chain of references ends and a loop of them is named, not run.
 */
export function followRefs(root: unknown, value: unknown, maxHops = 16): Followed {
  let node = value;
  let pointer: string | undefined;
  const seen = new Set<string>();
  for (let hop = 0; ; hop++) {
    const ref = refOf(node);
    if (ref === undefined) return { value: node, ...(pointer === undefined ? {} : { pointer }) };
    if (!isInternalRef(ref)) return { external: ref };
    if (seen.has(ref) || hop >= maxHops) return { circular: ref };
    seen.add(ref);
    const tokens = refTokens(ref);
    const target = tokens && valueAt(root, tokens);
    if (target === undefined) return { missing: ref };
    node = target;
    pointer = pointerOf(tokens ?? []);
  }
}

/** A `$ref` to outside the document, and where it is written. */
export interface ExternalRef {
  ref: string;
  pointer: string;
}

/**
 * Every `$ref` in `root` that points outside the document (a file, a URL, another document),
 * at most `max` of them, in document order. Walks with its own stack, so a deeply nested
 * document cannot overflow the call stack, and visits a shared object (a YAML alias) once.
 */
export function externalRefs(root: unknown, max: number): ExternalRef[] {
  interface Step {
    value: unknown;
    key?: string;
    parent?: Step;
  }
  const found: ExternalRef[] = [];
  const seen = new Set<object>();
  const stack: Step[] = [{ value: root }];
  const pointer = (step: Step) => {
    const tokens: string[] = [];
    for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) tokens.unshift(s.key);
    return pointerOf(tokens);
  };
  while (stack.length > 0 && found.length < max) {
    const step = stack.pop()!;
    const { value } = step;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const ref = refOf(value);
    if (ref !== undefined && !isInternalRef(ref)) found.push({ ref, pointer: pointer({ value: ref, key: '$ref', parent: step }) });
    const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
    // Pushed in reverse so the first member is walked first: warnings come in document order.
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, key, parent: step });
    }
  }
  return found;
}
