/**
 * The cookies a browser would keep between fetches to one server, for HTTP tests of sign-in
 * and CSRF: each response's Set-Cookie is stored (a Max-Age=0 or past Expires deletes), and
 * `header()` is what the next request sends. `attributes(name)` keeps the flags a test checks.
 */
export class CookieJar {
  private readonly values = new Map<string, string>();
  private readonly raw = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') this.values.delete(name);
      else this.values.set(name, value);
      this.raw.set(name, line);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  /** The last Set-Cookie line for `name`, attributes and all. */
  setCookieLine(name: string): string | undefined {
    return this.raw.get(name);
  }

  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** fetch with this jar's cookies, storing what comes back; redirects are not followed. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.values.size > 0) headers.set('cookie', this.header());
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(res);
    return res;
  }
}

/** The value of a form's hidden `_csrf` field in a page. */
export function csrfTokenIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}
