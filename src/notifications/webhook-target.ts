import { hostRefusal, type OutboundPolicy } from '../outbound/host-policy.ts';

/** A webhook URL made ready to send to, and the forms of it that may be shown. */
export interface Target {
  /** Without userinfo. */
  url: URL;
  headers: Record<string, string>;
  /** scheme://host/first-segment/… — the only form of the URL that may be logged. */
  redacted: string;
  /** Parts of the URL that must never reach a log line. */
  secrets: string[];
}

/**
 * Checks a webhook URL's scheme and host against the policy and moves userinfo into a
 * Basic authorization header. Its address is checked later, when the name is resolved.
 */
export function parseTarget(raw: string, policy: OutboundPolicy): Target | { refused: string; redacted: string } {
  const url = URL.parse(raw);
  if (!url) return { refused: 'not a URL', redacted: '(invalid URL)' };
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { refused: `${url.protocol} is not http: or https:`, redacted: `${url.protocol}…` };
  const hostRefused = hostRefusal(policy, url.hostname);
  if (hostRefused) return { refused: hostRefused, redacted: redactUrl(url) };
  const secrets = [raw, url.href, url.pathname, url.search, url.username, url.password].filter((s) => s.length > 1);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // Credentials go as Basic authorization, so the URL that requests and errors carry has none.
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers, redacted: redactUrl(url), secrets: [...secrets, url.href] };
}

/** scheme://host/first-path-segment/… — no userinfo, no query, no fragment, no further path. */
export function redactUrl(url: URL): string {
  const segments = url.pathname.split('/').filter(Boolean);
  const more = segments.length > 1 || url.search !== '' || url.hash !== '';
  return `${url.protocol}//${url.host}/${segments[0] ?? ''}${segments[0] && more ? '/…' : ''}`;
}

/** Removes any part of the URL an error or a response might echo. */
export function redact(text: string, target: Target): string {
  let out = text;
  for (const secret of [...target.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('…');
  return out;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
