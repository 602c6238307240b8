/** The longest return path kept through sign-in; longer falls back to the home page. */
const MAX_RETURN_PATH = 2048;
const PLACEHOLDER_ORIGIN = 'http://greenroom.invalid';

/**
 * Where to send a person after sign-in: `value` if it is a path on this portal, else `/`.
 * Anything a browser could read as another origin is refused — a scheme (`https://evil`,
 * `javascript:`), a protocol-relative `//evil`, the backslash forms browsers treat as
 * slashes (`/\evil`, `\\evil`), control characters (a tab or newline inside `/\t/evil` is
 * dropped by URL parsers) — and the path is re-serialised from the parsed URL, so what is
 * redirected to is what was checked. The sign-in routes themselves are refused too: a return
 * to /auth/login would loop.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_PATH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return '/';
  const parsed = URL.parse(value, PLACEHOLDER_ORIGIN);
  if (!parsed || parsed.origin !== PLACEHOLDER_ORIGIN) return '/';
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return path.startsWith('//') || path === '/auth' || path.startsWith('/auth/') ? '/' : path;
}
