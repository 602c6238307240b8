import { request } from 'node:https';

/** Discovery documents, keys and token responses are small; a provider sending more is refused. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * A fetch for openid-client that trusts `ca` (a PEM bundle) for https, for an identity
 * provider behind a private CA, without trusting it process-wide (NODE_EXTRA_CA_CERTS would
 * also let it vouch for git remotes and webhooks).
 */
export function fetchTrusting(
  ca: string,
): (
  url: string,
  options: { method: string; headers: Headers | Record<string, string>; body?: unknown; signal?: AbortSignal },
) => Promise<Response> {
  return (url, options) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(options.headers as HeadersInit).forEach((value, name) => {
        headers[name] = value;
      });
      const req = request(url, { method: options.method, headers, ca, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`${url} answered more than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
          }
          const status = res.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: responseHeaders }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      const body = options.body;
      req.end(typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : undefined);
    });
}
