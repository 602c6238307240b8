import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** TLS material for talking to kube-apiserver as the admin user. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** The CA to trust and, for kube-apiserver's admin, a client certificate. */
export type GetTls = ClientTls | { ca: string };

/** GETs a URL and returns status and body; rejects only on transport errors. */
export function get(url: string, tls?: GetTls, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = tls
      ? 'cert' in tls
        ? { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key) }
        : { ca: readFileSync(tls.ca) }
      : {};
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { ...options, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  /** Checked between attempts: a component that died will never become healthy. */
  stillRunning?: () => boolean;
  intervalMs?: number;
}

/** Polls `check` until it returns true; the error names what never became ready and why. */
export async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'not checked yet';
  while (Date.now() < deadline) {
    if (options.stillRunning && !options.stillRunning()) {
      throw new Error(`${options.what}: the process exited (last check: ${lastProblem})`);
    }
    try {
      if (await check()) return;
      lastProblem = 'not ready';
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
  throw new Error(`${options.what} not ready after ${options.timeoutMs} ms (last check: ${lastProblem})`);
}
