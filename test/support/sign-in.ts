import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface WebAnswer {
  url: string;
  status: number;
  location?: string;
  body: string;
}

/**
 * A tiny browser without a screen: keeps cookies per host, trusts one extra CA (a local
 * Dex's), and never follows redirects by itself, so a test sees each hop of a sign-in.
 */
export class WebClient {
  private readonly cookies = new Map<string, Map<string, string>>();
  private readonly ca?: Buffer;

  constructor(caFile?: string) {
    this.ca = caFile ? readFileSync(caFile) : undefined;
  }

  cookieNames(host: string): string[] {
    return [...(this.cookies.get(host)?.keys() ?? [])];
  }

  request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<WebAnswer> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host) ?? new Map<string, string>();
    this.cookies.set(target.host, jar);
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(target, { method, headers, ca: this.ca, timeout: 10_000 }, (res) => {
        for (const cookie of res.headers['set-cookie'] ?? []) {
          const [pair] = cookie.split(';');
          const eq = pair!.indexOf('=');
          const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
          if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value === '') jar.delete(name);
          else jar.set(name, value);
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const location = res.headers.location ? new URL(res.headers.location, url).toString() : undefined;
          resolve({ url, status: res.statusCode ?? 0, location, body: text });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GETs `url` and follows redirects while `follow(location)` says so; returns the last answer. */
  async followFrom(url: string, follow: (location: string) => boolean = () => true): Promise<WebAnswer> {
    let answer = await this.request('GET', url);
    for (let hops = 0; answer.location && follow(answer.location); hops++) {
      if (hops > 10) throw new Error(`more than 10 redirects from ${url}`);
      answer = await this.request('GET', answer.location);
    }
    return answer;
  }
}

/** The action of the one POST form on Dex's password page, as an absolute URL. */
export function loginFormAction(page: WebAnswer): string {
  const match = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(page.body);
  if (!match) throw new Error(`no login form at ${page.url} (status ${page.status}):\n${page.body.slice(0, 500)}`);
  return new URL(match[1]!.replaceAll('&amp;', '&'), page.url).toString();
}

/**
 * Signs in on Dex's own password page as a browser would, from an authorization URL (a
 * client's redirect to Dex) to the redirect back to the client: follows Dex's redirects to
 * the form, posts the email and password, and follows Dex again until it sends the browser
 * off to another origin. Returns that redirect (the client's callback with `code`).
 */
export async function signInAtDex(
  client: WebClient,
  authorizationUrl: string,
  person: { email: string; password: string },
): Promise<string> {
  const issuerOrigin = new URL(authorizationUrl).origin;
  const onDex = (location: string): boolean => new URL(location).origin === issuerOrigin;
  const page = await client.followFrom(authorizationUrl, onDex);
  const posted = await client.request('POST', loginFormAction(page), {
    form: { login: person.email, password: person.password },
  });
  let answer = posted;
  for (let hops = 0; answer.location && onDex(answer.location); hops++) {
    if (hops > 10) throw new Error('Dex redirected more than 10 times after the login form');
    answer = await client.request('GET', answer.location);
  }
  if (!answer.location) {
    throw new Error(`Dex did not send the browser back after sign-in (status ${answer.status}):\n${answer.body.slice(0, 500)}`);
  }
  return answer.location;
}

/**
 * The authorization-code flow against a local Dex over plain HTTP: the login form, then
 * the code exchanged at the token endpoint with the client's secret. Returns the ID token.
 */
export async function idTokenFromDex(input: {
  issuer: string;
  caFile: string;
  client: { id: string; secret: string; redirectUri: string };
  person: { email: string; password: string };
}): Promise<string> {
  const web = new WebClient(input.caFile);
  const state = `state-${Date.now()}`;
  const auth = new URL(`${input.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: input.client.id,
    redirect_uri: input.client.redirectUri,
    response_type: 'code',
    scope: 'openid email profile groups',
    state,
  }).toString();
  const callback = new URL(await signInAtDex(web, auth.toString(), input.person));
  if (callback.searchParams.get('state') !== state) throw new Error(`state came back as ${callback.searchParams.get('state')}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback}`);
  const basic = Buffer.from(`${input.client.id}:${input.client.secret}`).toString('base64');
  const answer = await web.request('POST', `${input.issuer}/token`, {
    form: { grant_type: 'authorization_code', code, redirect_uri: input.client.redirectUri },
    headers: { authorization: `Basic ${basic}` },
  });
  if (answer.status !== 200) throw new Error(`token endpoint answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { id_token: string }).id_token;
}

/** The claims of a JWT, unverified: for asserting what a token says, never for trusting it. */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
