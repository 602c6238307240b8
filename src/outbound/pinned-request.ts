import { lookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, normalizeHost, type OutboundPolicy } from './host-policy.ts';

/** One address of a host name, as `dns.lookup` gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (the operator's resolver by default). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** `dns.lookup`, so /etc/hosts and the cluster's search domains apply as they would to any client. */
export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** What a webhook answered; the body only up to the size bound. */
export interface WebhookAnswer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/**
 * The one address to connect to: the URL's IP literal, or the first address its name
 * resolves to — when every address it resolves to is allowed. Checking all of them means no
 * answer order or retry can reach a refused one.
 */
export async function pinnedAddress(url: URL, policy: OutboundPolicy, resolve: Resolve): Promise<ResolvedAddress | { refused: string }> {
  const host = normalizeHost(url.hostname);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await resolve(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  for (const { address } of addresses) {
    const refused = addressRefusal(policy, address, family !== 0 ? undefined : host);
    if (refused) return { refused };
  }
  return addresses[0]!;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** Aborts the request and the reading of the answer (the response-time bound). */
  signal: AbortSignal;
  /** Bytes of the answer read at most; the rest is not waited for. */
  maxResponseBytes: number;
}

/** What a pinned request answered: the body only up to the size bound, and whether it was longer. */
export interface PinnedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The answer had more than maxResponseBytes; `body` holds the first maxResponseBytes. */
  cutOff: boolean;
}

/**
 * POSTs to `url` over a connection to `address` only (see requestPinned), as webhooks are sent.
 */
export async function postPinned(url: URL, address: ResolvedAddress, options: PostOptions): Promise<WebhookAnswer> {
  const answer = await requestPinned(url, address, { ...options, method: 'POST' });
  const header = answer.headers['retry-after'];
  return { status: answer.status, retryAfter: Array.isArray(header) ? header[0] : header, body: answer.body.toString('utf8') };
}

/**
 * Sends one request to `url` over a connection to `address` only: the socket's look-up answers
 * with the checked address, so a DNS answer that changes between the check and the connection
 * (DNS rebinding) cannot move the request, while the Host header, TLS SNI and certificate check
 * still use the URL's name. Redirects are never followed (node:http does not).
 */
export function requestPinned(
  url: URL,
  address: ResolvedAddress,
  options: Omit<PostOptions, 'body'> & { method: 'GET' | 'POST'; body?: string },
): Promise<PinnedAnswer> {
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
  const headers =
    options.body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
  const requestOptions: RequestOptions = {
    method: options.method,
    headers,
    signal: options.signal,
    lookup: pinned,
    // A fresh connection each time: a pooled socket would skip the look-up above.
    agent: false,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PinnedAnswer>((resolve, reject) => {
    const req = send(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          cutOff: size > options.maxResponseBytes,
        });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk.subarray(0, Math.max(0, options.maxResponseBytes - size)));
        size += chunk.length;
        // Enough to say why, or that it is too long; a server streaming without end must not hold the operator.
        if (size > options.maxResponseBytes) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', reject);
      // After 'end' or finish() this is a no-op; otherwise the answer was cut off.
      res.on('close', () => reject(new Error('the connection closed before the answer ended')));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
